package jaeger

import (
	"bytes"
	"encoding/binary"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"
)

// Hostile bodies: every one must fail with an error, without allocating
// from the sizes it declares and without panicking.

func binaryI32(v int32) []byte { return binary.BigEndian.AppendUint32(nil, uint32(v)) }

func TestHostileBodies(t *testing.T) {
	// Batch{1: Process{1: "s"}, 2: list<struct>(n)} in the binary protocol.
	batchWithSpanCount := func(n int32) []byte {
		b := []byte{tStruct, 0, 1, tString, 0, 1}
		b = append(b, binaryI32(1)...)
		b = append(b, 's', tStop)
		b = append(b, tList, 0, 2, tStruct)
		return append(b, binaryI32(n)...)
	}
	deep := func(depth int) []byte {
		// unknown field 9 of Batch: structs nested depth deep
		var b []byte
		for range depth {
			b = append(b, tStruct, 0, 9)
		}
		return append(b, bytes.Repeat([]byte{tStop}, depth+1)...)
	}
	cases := map[string]struct {
		body []byte
		p    Protocol
	}{
		"huge span list":       {batchWithSpanCount(1 << 30), Binary},
		"negative span list":   {batchWithSpanCount(-1), Binary},
		"huge string":          {append([]byte{tStruct, 0, 1, tString, 0, 1}, binaryI32(1<<30)...), Binary},
		"huge compact list":    {[]byte{0x1c, 0x18, 0x01, 's', 0x00, 0x19, 0xfc, 0xff, 0xff, 0xff, 0xff, 0x07}, Compact},
		"huge compact string":  {[]byte{0x1c, 0x18, 0xff, 0xff, 0xff, 0xff, 0x07}, Compact},
		"long varint":          {[]byte{0x1c, 0x16, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, Compact},
		"deep nesting":         {deep(10_000), Binary},
		"huge map":             {append([]byte{tMap, 0, 9, tI64, tI64}, binaryI32(1<<30)...), Binary},
		"truncated":            {batchWithSpanCount(1)[:9], Binary},
		"empty":                {nil, Binary},
		"unknown compact type": {[]byte{0x1e}, Compact},
		"junk":                 {bytes.Repeat([]byte{0xff}, 64), Compact},
	}
	var d Decoder
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			require.NoError(t, sameAsContrib(binaryBatch+input(c.p), c.body), "contrib fails too")
			_, _, err := d.DecodeBatch(c.body, c.p)
			require.Error(t, err)
			// The declared sizes are up to 2^30: reserving anything from them
			// would show as megabytes here; an error and its wrapping are a
			// few hundred bytes.
			require.Less(t, allocatedBytes(func() { _, _, _ = d.DecodeBatch(c.body, c.p) }), uint64(64<<10))
			_, _, err = d.DecodeAgentMessage(c.body, c.p)
			require.Error(t, err)
		})
	}
}

// allocatedBytes is what f allocates on the heap, averaged over 10 runs.
func allocatedBytes(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range 10 {
		f()
	}
	runtime.ReadMemStats(&after)
	return (after.TotalAlloc - before.TotalAlloc) / 10
}

// A span with thousands of tags costs linear time, not n² (the map path).
func TestManyTagsOneSpan(t *testing.T) {
	b := syntheticBatches()["big-tag-list"]
	for i := range 5_000 {
		b.Spans[0].Tags = append(b.Spans[0].Tags, longTag(string(rune('a'+i%26))+string(rune(i)), int64(i)))
	}
	body := serialize(t, compactBatch, b)
	require.NoError(t, sameAsContrib(compactBatch, body))
}
