package zipkin

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/jaegertracing/jaeger-idl/thrift-gen/zipkincore"

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

// BenchmarkDecodeV1JSON compares DecodeV1JSON with contrib's zipkinv1 JSON
// unmarshaler on a 1,000-span request made of contrib's v1 sample spans
// (testdata/contrib-zipkinv1-single-batch.v1.json, repeated).
func BenchmarkDecodeV1JSON(b *testing.B) {
	body := repeatV1(b, "testdata/contrib-zipkinv1-single-batch.v1.json", 1000)
	for _, impl := range []string{"ours", "ours-alias", "contrib"} {
		b.Run("v1json-1000/"+impl, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			perSpan(b, func() int {
				var td ptrace.Traces
				var err error
				switch impl {
				case "ours":
					td, _, err = DecodeV1JSON(body, Options{})
				case "ours-alias":
					td, _, err = DecodeV1JSON(body, Options{AliasBody: true})
				default:
					td, err = contribV1(body, false)
				}
				if err != nil {
					b.Fatal(err)
				}
				return td.SpanCount()
			})
		})
	}
}

// repeatV1 builds a JSON array of at least n spans from the spans of a v1
// capture.
func repeatV1(b *testing.B, path string, n int) []byte {
	raw, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	var spans []json.RawMessage
	if err := json.Unmarshal(raw, &spans); err != nil {
		b.Fatal(err)
	}
	var out bytes.Buffer
	out.WriteByte('[')
	for i := 0; i < n; i++ {
		if i > 0 {
			out.WriteByte(',')
		}
		out.Write(spans[i%len(spans)])
	}
	out.WriteByte(']')
	return out.Bytes()
}

// BenchmarkDecodeV1Thrift compares DecodeV1Thrift with contrib's zipkinv1
// Thrift unmarshaler on a 1,000-span request made of contrib's v1 Thrift
// sample spans (testdata/contrib-zipkinv1-thrift-single-batch.v1thrift.json,
// repeated).
func BenchmarkDecodeV1Thrift(b *testing.B) {
	raw, err := os.ReadFile("testdata/contrib-zipkinv1-thrift-single-batch.v1thrift.json")
	if err != nil {
		b.Fatal(err)
	}
	var sample, spans []*zipkincore.Span
	if err := json.Unmarshal(raw, &sample); err != nil {
		b.Fatal(err)
	}
	for i := range 1000 {
		spans = append(spans, sample[i%len(sample)])
	}
	body := serializeThrift(b, spans)
	for _, impl := range []string{"ours", "contrib"} {
		b.Run("v1thrift-1000/"+impl, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			perSpan(b, func() int {
				var td ptrace.Traces
				var err error
				if impl == "ours" {
					td, _, err = DecodeV1Thrift(body, Options{})
				} else {
					td, err = contribV1Thrift(body)
				}
				if err != nil {
					b.Fatal(err)
				}
				return td.SpanCount()
			})
		})
	}
}
