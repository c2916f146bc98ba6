package profiles

import (
	"fmt"
	"strings"
)

// Kind is one of the Go runtime's profiles.
type Kind string

const (
	KindCPU       Kind = "cpu"
	KindHeap      Kind = "heap"
	KindAllocs    Kind = "allocs"
	KindGoroutine Kind = "goroutine"
	KindMutex     Kind = "mutex"
	KindBlock     Kind = "block"
)

// Kinds lists every kind, in the order a collection cycle takes them.
var Kinds = []Kind{KindHeap, KindAllocs, KindGoroutine, KindMutex, KindBlock, KindCPU}

// ParseKind accepts a kind name, case-insensitively.
func ParseKind(s string) (Kind, error) {
	k := Kind(strings.ToLower(strings.TrimSpace(s)))
	for _, known := range Kinds {
		if k == known {
			return k, nil
		}
	}
	return "", fmt.Errorf("unknown profile kind %q (want one of cpu, heap, allocs, goroutine, mutex, block)", s)
}

// Cumulative reports whether the runtime's profile of this kind counts from process
// start, so a periodic export must send the difference between two snapshots.
func (k Kind) Cumulative() bool {
	return k == KindAllocs || k == KindMutex || k == KindBlock
}

// DeltaSampleTypes are the sample types kept in the periodic delta of a cumulative
// kind. The allocs profile also carries the heap's in-use columns, which are not
// cumulative and belong to the heap kind.
func (k Kind) DeltaSampleTypes() []string {
	switch k {
	case KindAllocs:
		return []string{"alloc_objects", "alloc_space"}
	case KindMutex, KindBlock:
		return []string{"contentions", "delay"}
	}
	return nil
}
