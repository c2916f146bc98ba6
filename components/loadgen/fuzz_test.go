package loadgen

import (
	"testing"

	"go.opentelemetry.io/collector/pdata/ptrace"
)

// FuzzDecodeReplay: --replay reads files users point it at; a bad one is an error, never a
// panic.
func FuzzDecodeReplay(f *testing.F) {
	td := SynthTraces(12, 0, testNow)
	js, _ := (&ptrace.JSONMarshaler{}).MarshalTraces(td)
	pb, _ := Encode(OTLPHTTP, td)
	zj, _ := Encode(ZipkinJSON, td)
	for _, seed := range [][]byte{js, pb, zj, append(append([]byte{}, js...), '\n'), []byte("{}"), []byte("[]"), {0x1f, 0x8b}} {
		f.Add(seed)
	}
	f.Fuzz(func(_ *testing.T, b []byte) {
		for _, sig := range []Signal{Traces, Logs, Metrics} {
			if data, err := decodeReplay(b, sig); err == nil {
				_ = withVariantIDs(data, 1)
			}
		}
	})
}
