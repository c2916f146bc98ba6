package bridge

import "testing"

// The Go-side cost of a call, without the C boundary: docs/en/bindings.md subtracts these
// from the per-call figures of C, Python and Ruby to show what the boundary costs.
func BenchmarkRedactEmpty(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_, _, _ = Redact("", "all")
	}
}

func BenchmarkKeepRatio(b *testing.B) {
	b.ReportAllocs()
	tid := []byte("e4fef2be57feb7edb09d4245edbf79d3")
	for b.Loop() {
		_, _ = KeepRatio(tid, 0.1, 4, "", "")
	}
}
