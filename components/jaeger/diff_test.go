package jaeger

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/thrift/lib/go/thrift"
	"github.com/jaegertracing/jaeger-idl/thrift-gen/agent"
	"github.com/jaegertracing/jaeger-idl/thrift-gen/jaeger"
	"github.com/jaegertracing/jaeger-idl/thrift-gen/zipkincore"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/ptracetest"
	jaegertranslator "github.com/open-telemetry/opentelemetry-collector-contrib/pkg/translator/jaeger"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// The differential tests hold the decoder to what contrib's receiver does
// with the same bytes: apache/thrift's generated jaeger-idl code reads the
// batch, contrib's pkg/translator/jaeger (v0.158.0, default feature gates)
// translates it. Same error-or-not; when both succeed, the same traces
// (byte for byte in protobuf, or, for tag lists over bigMap whose order
// differs, equal per ptracetest).

type input int

const (
	binaryBatch input = iota
	compactBatch
	binaryAgent
	compactAgent
)

func (in input) protocol() Protocol {
	if in == compactBatch || in == compactAgent {
		return Compact
	}
	return Binary
}

func (in input) protocolFactory() thrift.TProtocolFactory {
	return in.protocolFactoryConf(nil)
}

func (in input) protocolFactoryConf(cfg *thrift.TConfiguration) thrift.TProtocolFactory {
	if in.protocol() == Compact {
		return thrift.NewTCompactProtocolFactoryConf(cfg)
	}
	return thrift.NewTBinaryProtocolFactoryConf(cfg)
}

// contribConf bounds apache/thrift's size ceiling by the input: a list's
// count times its declared element size may reach 16 × the input (every
// element takes a byte at least, and no declared size exceeds 16), which
// decides nothing that the input's own length does not (a longer list or
// string fails anyway), but keeps the generated code from reserving
// gigabytes for a fuzzed count, which made the binary fuzz targets crawl.
func contribConf(body []byte) *thrift.TConfiguration {
	return &thrift.TConfiguration{MaxMessageSize: int32(16*len(body) + 64)}
}

// contribBatch reads what contrib's receiver reads from body.
func contribBatch(in input, body []byte) (*jaeger.Batch, error) {
	ctx := context.Background()
	buf := thrift.NewTMemoryBufferLen(len(body))
	buf.Write(body)
	prot := in.protocolFactoryConf(contribConf(body)).GetProtocol(buf)
	if in == binaryBatch || in == compactBatch {
		b := &jaeger.Batch{}
		return b, b.Read(ctx, prot)
	}
	h := &captureAgent{}
	ok, err := agent.NewAgentProcessor(h).Process(ctx, prot, prot)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errors.New("processor failed")
	}
	return h.batch, nil
}

type captureAgent struct{ batch *jaeger.Batch }

func (c *captureAgent) EmitBatch(_ context.Context, b *jaeger.Batch) error {
	c.batch = b
	return nil
}

func (*captureAgent) EmitZipkinBatch(context.Context, []*zipkincore.Span) error {
	return errors.New("emitZipkinBatch")
}

func contribDecode(in input, body []byte) (ptrace.Traces, int, error) {
	b, err := contribBatch(in, body)
	if err != nil {
		return ptrace.Traces{}, 0, err
	}
	if b == nil {
		return ptrace.NewTraces(), 0, nil
	}
	td, err := jaegertranslator.ThriftToTraces(b)
	return td, len(b.Spans), err
}

func ourDecode(in input, body []byte) (ptrace.Traces, Result, error) {
	var d Decoder
	if in == binaryBatch || in == compactBatch {
		return d.DecodeBatch(body, in.protocol())
	}
	return d.DecodeAgentMessage(body, in.protocol())
}

// sameAsContrib returns why our decoding of body differs from contrib's,
// or nil.
func sameAsContrib(in input, body []byte) error {
	want, wantN, wantErr := contribDecode(in, body)
	got, res, gotErr := ourDecode(in, body)
	switch {
	case wantErr != nil && gotErr == nil:
		return fmt.Errorf("contrib fails (%v), we do not", wantErr)
	case wantErr == nil && gotErr != nil:
		return fmt.Errorf("we fail (%v), contrib does not", gotErr)
	case wantErr != nil:
		return nil
	}
	if res.Spans != wantN {
		return fmt.Errorf("we count %d spans, contrib %d", res.Spans, wantN)
	}
	var m ptrace.ProtoMarshaler
	wb, err := m.MarshalTraces(want)
	if err != nil {
		return err
	}
	gb, err := m.MarshalTraces(got)
	if err != nil {
		return err
	}
	if bytes.Equal(wb, gb) {
		return nil
	}
	if err := ptracetest.CompareTraces(want, got); err != nil {
		return err
	}
	if !hasBigTagList(want) {
		return errors.New("equal per ptracetest but not byte for byte (attribute order?)")
	}
	return nil
}

// hasBigTagList reports whether some attribute map is long enough for
// putTags to take its map path, where the order may differ.
func hasBigTagList(td ptrace.Traces) bool {
	big := false
	for _, rs := range td.ResourceSpans().All() {
		big = big || rs.Resource().Attributes().Len() > bigMap-2
		for _, ss := range rs.ScopeSpans().All() {
			for _, s := range ss.Spans().All() {
				big = big || s.Attributes().Len() > bigMap-2
				for _, e := range s.Events().All() {
					big = big || e.Attributes().Len() > bigMap-2
				}
			}
		}
	}
	return big
}

// serialize writes a batch (or an emitBatch message carrying it) the way
// jaeger-client-go does.
func serialize(t testing.TB, in input, b *jaeger.Batch) []byte {
	ctx := context.Background()
	buf := thrift.NewTMemoryBuffer()
	prot := in.protocolFactory().GetProtocol(buf)
	if in == binaryBatch || in == compactBatch {
		require.NoError(t, b.Write(ctx, prot))
	} else {
		require.NoError(t, prot.WriteMessageBegin(ctx, "emitBatch", thrift.ONEWAY, 1))
		args := agent.AgentEmitBatchArgs{Batch: b}
		require.NoError(t, args.Write(ctx, prot))
		require.NoError(t, prot.WriteMessageEnd(ctx))
	}
	require.NoError(t, prot.Flush(ctx))
	return bytes.Clone(buf.Bytes())
}

func ptr[T any](v T) *T { return &v }

func strTag(k, v string) *jaeger.Tag {
	return &jaeger.Tag{Key: k, VType: jaeger.TagType_STRING, VStr: ptr(v)}
}
func longTag(k string, v int64) *jaeger.Tag {
	return &jaeger.Tag{Key: k, VType: jaeger.TagType_LONG, VLong: ptr(v)}
}
func boolTag(k string, v bool) *jaeger.Tag {
	return &jaeger.Tag{Key: k, VType: jaeger.TagType_BOOL, VBool: ptr(v)}
}

func fullSpan() *jaeger.Span {
	return &jaeger.Span{
		TraceIdLow: -2, TraceIdHigh: 0x0af7651916cd43dd, SpanId: 0x00f067aa0ba902b7, ParentSpanId: 0,
		OperationName: "GET /checkout", Flags: 1, StartTime: 1_700_000_000_000_000, Duration: 12_345,
		References: []*jaeger.SpanRef{
			{RefType: jaeger.SpanRefType_CHILD_OF, TraceIdLow: -2, TraceIdHigh: 0x0af7651916cd43dd, SpanId: 42},
			{RefType: jaeger.SpanRefType_FOLLOWS_FROM, TraceIdLow: 7, TraceIdHigh: 0, SpanId: 43},
		},
		Tags: []*jaeger.Tag{
			strTag("span.kind", "server"), strTag("http.method", "GET"), longTag("http.status_code", 503),
			{Key: "ratio", VType: jaeger.TagType_DOUBLE, VDouble: ptr(0.25)},
			boolTag("cache.hit", false),
			{Key: "payload", VType: jaeger.TagType_BINARY, VBinary: []byte{0, 1, 2, 0xff}},
			{Key: "weird", VType: jaeger.TagType(9)},
			{Key: "no.value", VType: jaeger.TagType_STRING},
			strTag("http.method", "POST"),
		},
		Logs: []*jaeger.Log{
			{Timestamp: 1_700_000_000_000_100, Fields: []*jaeger.Tag{strTag("event", "retry"), longTag("attempt", 2)}},
			{Timestamp: 1_700_000_000_000_200, Fields: []*jaeger.Tag{}},
			{Timestamp: 1_700_000_000_000_300, Fields: []*jaeger.Tag{{Key: "blob", VType: jaeger.TagType_BINARY}}},
		},
	}
}

// syntheticBatches covers every tag type, references, logs, process tags,
// 128-bit and 64-bit ids, zero and absent fields, and the tags contrib's
// translator treats specially.
func syntheticBatches() map[string]*jaeger.Batch {
	proc := &jaeger.Process{ServiceName: "checkout", Tags: []*jaeger.Tag{
		strTag("hostname", "web-1"), strTag("jaeger.version", "Go-2.30.0"), strTag("ip", "10.0.0.1"),
		{Key: "client-uuid", VType: jaeger.TagType_BINARY, VBinary: []byte("abc")},
	}}
	bigTags := make([]*jaeger.Tag, 0, 200)
	for i := range 200 {
		bigTags = append(bigTags, longTag(fmt.Sprintf("k%d", i%150), int64(i)))
	}
	statusSpans := func() []*jaeger.Span {
		var out []*jaeger.Span
		cases := [][]*jaeger.Tag{
			{boolTag("error", true), strTag("otel.status_description", "boom"), strTag("http.status_message", "x")},
			{boolTag("error", true), strTag("http.status_message", "bad gateway")},
			{boolTag("error", false), strTag("otel.status_code", "ok")},
			{strTag("otel.status_code", "Error"), strTag("otel.status_description", "d")},
			{strTag("otel.status_code", "unknown")},
			{boolTag("error", true), strTag("otel.status_code", "OK")},
			{strTag("span.kind", "client"), longTag("http.status_code", 404)},
			{strTag("span.kind", "server"), strTag("http.status_code", "404"), strTag("http.status_message", "nf")},
			{strTag("span.kind", "producer"), longTag("http.response.status_code", 500)},
			{strTag("span.kind", "consumer"), strTag("http.status_code", "abc")},
			{strTag("span.kind", "internal"), longTag("http.status_code", 200)},
			{longTag("span.kind", 3), longTag("http.status_code", 99)},
			{strTag("error", "true")},
		}
		for i, tags := range cases {
			out = append(out, &jaeger.Span{TraceIdLow: int64(i + 1), SpanId: int64(i + 100), OperationName: "s", Tags: tags})
		}
		return out
	}
	return map[string]*jaeger.Batch{
		"full": {Process: proc, Spans: []*jaeger.Span{fullSpan()}},
		"no-process-tags": {Process: &jaeger.Process{ServiceName: "svc"}, Spans: []*jaeger.Span{
			{TraceIdLow: 1, SpanId: 2, OperationName: "op"},
		}},
		"empty-service":         {Process: &jaeger.Process{Tags: []*jaeger.Tag{strTag("a", "b")}}, Spans: []*jaeger.Span{}},
		"empty-service-no-tags": {Process: &jaeger.Process{}, Spans: []*jaeger.Span{{SpanId: 1}}},
		"empty-tag-list":        {Process: &jaeger.Process{Tags: []*jaeger.Tag{}}, Spans: []*jaeger.Span{{SpanId: 1, Tags: []*jaeger.Tag{}}}},
		"blank-spans":           {Process: proc, Spans: []*jaeger.Span{{}, {SpanId: 1}, {}, {References: []*jaeger.SpanRef{}}}},
		"only-blank":            {Process: proc, Spans: []*jaeger.Span{{}}},
		"status":                {Process: proc, Spans: statusSpans()},
		"references": {Process: proc, Spans: []*jaeger.Span{
			{TraceIdLow: 5, SpanId: 6, References: []*jaeger.SpanRef{{RefType: jaeger.SpanRefType_FOLLOWS_FROM, TraceIdLow: 5, SpanId: 9}}},
			{TraceIdLow: 5, SpanId: 7, ParentSpanId: 9, References: []*jaeger.SpanRef{{RefType: jaeger.SpanRefType_CHILD_OF, TraceIdLow: 5, SpanId: 9}}},
			{TraceIdLow: 5, SpanId: 8, References: []*jaeger.SpanRef{
				{RefType: jaeger.SpanRefType_CHILD_OF, TraceIdLow: 6, SpanId: 1},
				{RefType: jaeger.SpanRefType(7), TraceIdLow: 5, SpanId: 2},
				{RefType: jaeger.SpanRefType_CHILD_OF, TraceIdLow: 5, SpanId: 3},
				{RefType: jaeger.SpanRefType_CHILD_OF, TraceIdLow: 5, SpanId: 3},
			}},
			{TraceIdLow: 5, SpanId: 10, References: []*jaeger.SpanRef{{RefType: jaeger.SpanRefType_CHILD_OF, SpanId: 0}}},
		}},
		"extremes": {Process: proc, Spans: []*jaeger.Span{
			{TraceIdLow: math.MinInt64, TraceIdHigh: math.MaxInt64, SpanId: -1, ParentSpanId: math.MinInt64,
				Flags: -1, StartTime: -5, Duration: math.MaxInt64, OperationName: strings.Repeat("é", 300),
				Tags: []*jaeger.Tag{{Key: "nan", VType: jaeger.TagType_DOUBLE, VDouble: ptr(math.Inf(-1))}, strTag("", "")}},
			{SpanId: 3, Flags: 2},
		}},
		"big-tag-list": {Process: &jaeger.Process{ServiceName: "big", Tags: bigTags}, Spans: []*jaeger.Span{
			{SpanId: 1, Tags: bigTags, Logs: []*jaeger.Log{{Timestamp: 1, Fields: bigTags}}},
		}},
		"with-stats": {Process: proc, Spans: []*jaeger.Span{{SpanId: 1}}, SeqNo: ptr(int64(7)),
			Stats: &jaeger.ClientStats{FullQueueDroppedSpans: 1, TooLargeDroppedSpans: 2, FailedToEmitSpans: 3}},
		"duplicate-keys": {Process: &jaeger.Process{ServiceName: "svc", Tags: []*jaeger.Tag{
			strTag("service.name", "override"), strTag("hostname", "h"), strTag("host.name", "kept"),
			longTag("jaeger.version", 3), strTag("opencensus.exporterversion", "x"),
		}}, Spans: []*jaeger.Span{{SpanId: 1, Tags: []*jaeger.Tag{
			longTag("http.status_code", 200), longTag("http.response.status_code", 502), strTag("span.kind", "client"), strTag("span.kind", "bogus"),
		}}}},
		"process-jaeger-version-long": {Process: &jaeger.Process{ServiceName: "svc", Tags: []*jaeger.Tag{
			longTag("jaeger.version", 3), longTag("hostname", 4),
		}}, Spans: []*jaeger.Span{}},
	}
}

var allInputs = []input{binaryBatch, compactBatch, binaryAgent, compactAgent}

func (in input) String() string {
	return [...]string{"binary-batch", "compact-batch", "binary-agent", "compact-agent"}[in]
}

func TestSyntheticBatchesMatchContrib(t *testing.T) {
	for name, b := range syntheticBatches() {
		for _, in := range allInputs {
			t.Run(name+"/"+in.String(), func(t *testing.T) {
				body := serialize(t, in, b)
				require.NoError(t, sameAsContrib(in, body))
				// and the decoding is not vacuous: it holds the spans
				td, res, err := ourDecode(in, body)
				require.NoError(t, err)
				require.Equal(t, len(b.Spans), res.Spans)
				nonBlank := 0
				for _, s := range b.Spans {
					if s.SpanId != 0 || s.TraceIdLow != 0 || s.References != nil {
						nonBlank++
					}
				}
				require.Equal(t, nonBlank, td.SpanCount())
			})
		}
	}
}

// captures are the recorded real requests in testdata: jaeger-client-go's
// HTTP batch (binary) and its UDP emitBatch message (compact). The other
// two inputs (compact batches, binary agent messages) are covered by the
// synthetic batches.
func captures(t testing.TB) map[string]input {
	return map[string]input{
		"jaeger-client-go-http.thrift-binary": binaryBatch,
		"jaeger-client-go-udp.agent-compact":  compactAgent,
	}
}

func readCapture(t testing.TB, name string) []byte {
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return b
}

func TestCapturesMatchContrib(t *testing.T) {
	for name, in := range captures(t) {
		t.Run(name, func(t *testing.T) {
			body := readCapture(t, name)
			require.NoError(t, sameAsContrib(in, body))
			td, res, err := ourDecode(in, body)
			require.NoError(t, err)
			require.Positive(t, res.Spans)
			require.Equal(t, res.Spans, td.SpanCount())
		})
	}
}

// Every prefix of a capture is a truncated request: both sides fail, or
// both succeed with the same traces.
func TestTruncatedCapturesMatchContrib(t *testing.T) {
	for name, in := range captures(t) {
		body := readCapture(t, name)
		for n := range len(body) {
			if err := sameAsContrib(in, body[:n]); err != nil {
				t.Fatalf("%s cut at %d: %v", name, n, err)
			}
		}
	}
}
