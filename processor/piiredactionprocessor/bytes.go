package piiredactionprocessor

import (
	"unicode/utf8"
	"unsafe"

	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/otelcol-bridge/otelcol-bridge/components/pii"
)

const (
	initialBuf   = 512
	maxPooledBuf = 64 << 10
)

// redactBytes scans a bytes value as text when it is valid UTF-8: SDKs and receivers put
// request bodies, headers and protobuf string fields there, and backends render them. A
// value that is not UTF-8 (an image, a compressed blob) cannot be scanned by text
// detectors: it is left as it is and counted in st.Skipped, so an operator can see it.
func (r *redactor) redactBytes(key string, v pcommon.Value, st *pii.Stats) pii.Action {
	bs := v.Bytes()
	if bs.Len() == 0 {
		return pii.ActionNone
	}
	// ByteSlice.AsRaw copies into a new slice; a pooled scratch buffer keeps the
	// nothing-matched path free of allocations.
	bufp := r.bufs.Get().(*[]byte)
	defer func() {
		// A pooled buffer does not keep the capacity of one huge value.
		if cap(*bufp) > maxPooledBuf {
			*bufp = make([]byte, 0, initialBuf)
		}
		r.bufs.Put(bufp)
	}()
	buf := (*bufp)[:0]
	for _, b := range bs.All() {
		buf = append(buf, b)
	}
	*bufp = buf
	if !utf8.Valid(buf) {
		st.Skipped++
		return pii.ActionNone
	}
	// The engine returns its input unchanged (and retains nothing) when nothing matches,
	// and a new string otherwise, so viewing the scratch buffer as a string is safe.
	out, act := r.engine.RedactValue(key, unsafe.String(&buf[0], len(buf)), st)
	if act != pii.ActionNone {
		v.SetEmptyBytes().FromRaw([]byte(out))
	}
	return act
}
