package datadog

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// perItem reports items/s and allocs per item (spans, data points or log
// records) next to the usual ns/op and allocs/op, so payloads of different
// sizes compare.
func perItem(b *testing.B, run func() int) {
	b.Helper()
	b.ReportAllocs()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	items := 0
	for b.Loop() {
		items += run()
	}
	runtime.ReadMemStats(&after)
	if items == 0 {
		b.Fatal("no items translated")
	}
	b.ReportMetric(float64(items)/b.Elapsed().Seconds(), "items/s")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(items), "allocs/item")
}

// BenchmarkTranslate measures decode+translate per trace payload kind
// (items are spans).
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
			perItem(b, func() int {
				td, _, err := tr.Translate(c.proto, c.enc, body, hdr)
				if err != nil {
					b.Fatal(err)
				}
				return td.SpanCount()
			})
		})
	}
}

// BenchmarkIntake measures decode+translate of every metrics intake
// (Agent series, sketches, distribution points, check runs, DogStatsD,
// tracer and Agent stats); items are data points.
func BenchmarkIntake(b *testing.B) {
	for _, c := range intakeCases {
		body, err := os.ReadFile(c.payloadPath())
		if err != nil {
			b.Fatal(err)
		}
		b.Run(c.dir, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			perItem(b, func() int {
				md, _, _ := c.translate(body)
				return md.DataPointCount()
			})
		})
	}
}

// BenchmarkLogs measures /api/v2/logs; items are log records.
func BenchmarkLogs(b *testing.B) {
	body, err := os.ReadFile(filepath.Join("testdata", "intake", "logs_HANDBUILT", "payload.json"))
	if err != nil {
		b.Fatal(err)
	}
	cache := NewTraceIDCache(100)
	now := time.Unix(handbuiltTS, 0)
	b.SetBytes(int64(len(body)))
	perItem(b, func() int {
		ld, _, err := TranslateLogs(body, "7.62.2", cache, now, testLimits)
		if err != nil {
			b.Fatal(err)
		}
		return ld.LogRecordCount()
	})
}
