package zipkin

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-bridge/otelcol-bridge/components/loadgen"
)

// BenchmarkDecode compares our decoders with contrib's translator on the
// load generator's synthetic payloads (the same bodies `make bench` sends):
// spans/s, heap bytes and allocations per span.
func BenchmarkDecode(b *testing.B) {
	for _, p := range []struct {
		name  string
		proto loadgen.Protocol
		f     format
	}{{"json", loadgen.ZipkinJSON, v2JSON}, {"proto", loadgen.ZipkinProto, v2Proto}} {
		for _, n := range []int{1000, 100} {
			body, err := loadgen.Encode(p.proto, loadgen.SynthTraces(n, 0, time.Unix(1_700_000_000, 0)))
			if err != nil {
				b.Fatal(err)
			}
			for _, impl := range []string{"ours", "ours-alias", "contrib"} {
				b.Run(fmt.Sprintf("%s-%d/%s", p.name, n, impl), func(b *testing.B) {
					b.SetBytes(int64(len(body)))
					perSpan(b, func() int {
						var td ptrace.Traces
						var err error
						switch impl {
						case "ours":
							td, _, err = ourDecode(p.f, body, false)
						case "ours-alias":
							opt := Options{AliasBody: true}
							if p.f == v2Proto {
								td, _, err = DecodeV2Proto(body, opt)
							} else {
								td, _, err = DecodeV2JSON(body, opt)
							}
						default:
							td, err = contribDecode(p.f, body, false)
						}
						if err != nil {
							b.Fatal(err)
						}
						return td.SpanCount()
					})
				})
			}
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
