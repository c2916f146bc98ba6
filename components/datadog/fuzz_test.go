package datadog

import (
	"errors"
	"os"
	"testing"
)

// The fuzz targets check that no input makes a decoder panic or hang, and
// that the chunks decoded before an error are still translated.

func fuzzSeeds(f *testing.F, proto Protocol, enc Encoding) {
	for _, c := range goldenCases {
		if c.proto == proto && c.enc == enc {
			if b, err := os.ReadFile(c.payloadPath()); err == nil {
				f.Add(b)
				f.Add(b[:len(b)/2])
			}
		}
	}
	f.Add([]byte{})
	f.Add([]byte{0x91, 0x91, 0x80})
	f.Add([]byte{0xdd, 0xff, 0xff, 0xff, 0xff})
}

func fuzzTranslate(f *testing.F, proto Protocol, enc Encoding) {
	fuzzSeeds(f, proto, enc)
	tr := NewTranslator(Options{TraceIDCache: NewTraceIDCache(8)})
	// Small limits, so that fuzzing reaches the over-budget paths too.
	limited := NewTranslator(Options{Limits: Limits{MaxItems: 20, MaxAttributes: 200}})
	f.Fuzz(func(t *testing.T, body []byte) {
		td, stats, _ := tr.Translate(proto, enc, body, Payload{Lang: "go"})
		if td.SpanCount() != stats.Spans {
			t.Fatalf("stats say %d spans, traces hold %d", stats.Spans, td.SpanCount())
		}
		td, _, err := limited.Translate(proto, enc, body, Payload{Lang: "go"})
		if errors.Is(err, ErrLimit) && td.SpanCount() != 0 {
			t.Fatalf("over a limit, yet %d spans returned", td.SpanCount())
		}
		if td.SpanCount() > 20 {
			t.Fatalf("%d spans returned, more than the limit of 20", td.SpanCount())
		}
	})
}

func FuzzDecodeV04(f *testing.F)  { fuzzTranslate(f, V04, Msgpack) }
func FuzzDecodeJSON(f *testing.F) { fuzzTranslate(f, V04, JSON) }
func FuzzDecodeV05(f *testing.F)  { fuzzTranslate(f, V05, Msgpack) }
func FuzzDecodeV07(f *testing.F)  { fuzzTranslate(f, V07, Msgpack) }
func FuzzDecodeV10(f *testing.F)  { fuzzTranslate(f, V10, Msgpack) }
