package jaeger

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/otelcol-bridge/otelcol-bridge/components/loadgen"
)

// BenchmarkDecode compares the decoder with contrib's path (apache/thrift's
// generated code reads a jaeger.Batch, ThriftToTraces translates it) on the
// load generator's synthetic payloads, the same bodies `make bench` sends:
// a Thrift binary batch as posted to /api/traces and a compact emitBatch
// datagram as sent to 6831 (UDP datagrams hold far fewer spans). Reported:
// ns, heap bytes and allocations per span.
func BenchmarkDecode(b *testing.B) {
	for _, c := range []struct {
		name  string
		proto loadgen.Protocol
		in    input
		spans int
	}{
		{"thrift-http-1000", loadgen.JaegerThriftHTTP, binaryBatch, 1000},
		{"thrift-http-100", loadgen.JaegerThriftHTTP, binaryBatch, 100},
		{"udp-compact-50", loadgen.JaegerUDPCompact, compactAgent, 50},
	} {
		body, err := loadgen.Encode(c.proto, loadgen.SynthTraces(c.spans, 0, time.Unix(1_700_000_000, 0)))
		if err != nil {
			b.Fatal(err)
		}
		if err := sameAsContrib(c.in, body); err != nil {
			b.Fatal(err)
		}
		for _, impl := range []string{"ours", "contrib"} {
			b.Run(fmt.Sprintf("%s/%s", c.name, impl), func(b *testing.B) {
				b.SetBytes(int64(len(body)))
				var d Decoder
				perSpan(b, func() int {
					if impl == "contrib" {
						td, _, err := contribDecode(c.in, body)
						if err != nil {
							b.Fatal(err)
						}
						return td.SpanCount()
					}
					var res Result
					var err error
					if c.in == binaryBatch {
						_, res, err = d.DecodeBatch(body, Binary)
					} else {
						_, res, err = d.DecodeAgentMessage(body, Compact)
					}
					if err != nil {
						b.Fatal(err)
					}
					return res.Spans
				})
			})
		}
	}
}

func perSpan(b *testing.B, run func() int) {
	b.ReportAllocs()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	spans := 0
	for b.Loop() {
		spans += run()
	}
	runtime.ReadMemStats(&after)
	if spans == 0 {
		b.Fatal("no spans")
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(spans), "ns/span")
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(spans), "B/span")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(spans), "allocs/span")
}
