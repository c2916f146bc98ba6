package datadog

import (
	"os"
	"testing"
)

// BenchmarkTranslate measures decode+translate per payload kind; spans/s is
// reported so runs on different payloads compare.
func BenchmarkTranslate(b *testing.B) {
	for _, c := range goldenCases {
		body, err := os.ReadFile(c.payloadPath())
		if err != nil {
			b.Fatal(err)
		}
		b.Run(c.dir, func(b *testing.B) {
			tr := NewTranslator(Options{TraceIDCache: NewTraceIDCache(100)})
			hdr := Payload{Lang: "go", TracerVersion: "v2.12.0"}
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			spans := 0
			for b.Loop() {
				td, _, err := tr.Translate(c.proto, c.enc, body, hdr)
				if err != nil {
					b.Fatal(err)
				}
				spans += td.SpanCount()
			}
			b.ReportMetric(float64(spans)/b.Elapsed().Seconds(), "spans/s")
		})
	}
}
