package zipkin

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/jaegertracing/jaeger-idl/thrift-gen/zipkincore"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hostileBodies are shapes that would make a naive decoder superlinear:
// one span with very many tags (pdata's Put* scan the map), many duplicate
// keys, a new scope or service in every span, deep nesting, many events.
func hostileBodies() map[string]string {
	var b strings.Builder
	tags := func(n int, key func(i int) string) string {
		b.Reset()
		b.WriteString(`[{"traceId":"01","id":"01","tags":{`)
		for i := range n {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `%q:"v%d"`, key(i), i)
		}
		b.WriteString(`}}]`)
		return b.String()
	}
	spans := func(n int, span func(i int) string) string {
		b.Reset()
		b.WriteByte('[')
		for i := range n {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(span(i))
		}
		b.WriteByte(']')
		return b.String()
	}
	return map[string]string{
		"distinct tags":  tags(40000, func(i int) string { return fmt.Sprintf("k%d", i) }),
		"duplicate tags": tags(40000, func(i int) string { return "k" }),
		"scope per span": spans(10000, func(i int) string {
			return fmt.Sprintf(`{"id":"%x","localEndpoint":{"serviceName":"s"},"tags":{"otel.scope.name":"s%d"}}`, i+1, i)
		}),
		"service per span": spans(10000, func(i int) string {
			return fmt.Sprintf(`{"id":"%x","localEndpoint":{"serviceName":"s%d"},"tags":{"host.name":"h"}}`, i+1, i)
		}),
		"deep nesting": `[{"id":"01","x":` + strings.Repeat(`[`, 9990) + strings.Repeat(`]`, 9990) + `}]`,
		"events": spans(2000, func(i int) string {
			return fmt.Sprintf(`{"id":"%x","annotations":[{"timestamp":1,"value":"e|{\"a\":1}|0"},{"timestamp":2,"value":"f"}]}`, i+1)
		}),
	}
}

// TestHostileBodiesCostLinearMemory bounds the heap a decode allocates by a
// constant times the body size, for each hostile shape.
func TestHostileBodiesCostLinearMemory(t *testing.T) {
	for name, body := range hostileBodies() {
		t.Run(name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			td, res, err := DecodeV2JSON([]byte(body), Options{})
			runtime.ReadMemStats(&after)
			require.NoError(t, err)
			require.Equal(t, res.Spans, td.SpanCount())
			assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(64*len(body)), "heap per body byte")
		})
	}
}

// hostileV1Bodies are the v1 shapes that would make a naive decoder
// superlinear: one span with very many binary annotations (distinct or one
// key repeated), very many annotations, a new endpoint (resource) per span,
// deep nesting.
func hostileV1Bodies() map[string]string {
	const ids = `"traceId":"0102030405060708","id":"0a0b0c0d0e0f1011"`
	list := func(n int, item func(i int) string) string {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = item(i)
		}
		return strings.Join(parts, ",")
	}
	return map[string]string{
		"distinct binary annotations": `[{` + ids + `,"binaryAnnotations":[` + list(40000, func(i int) string {
			return fmt.Sprintf(`{"key":"k%d","value":"v%d"}`, i, i)
		}) + `]}]`,
		"duplicate binary annotations": `[{` + ids + `,"binaryAnnotations":[` + list(40000, func(i int) string {
			return fmt.Sprintf(`{"key":"k","value":"v%d"}`, i)
		}) + `]}]`,
		"annotations": `[{` + ids + `,"annotations":[` + list(40000, func(i int) string {
			return fmt.Sprintf(`{"timestamp":%d,"value":"e%d"}`, i+1, i)
		}) + `]}]`,
		"endpoint per span": `[` + list(10000, func(i int) string {
			return fmt.Sprintf(`{"traceId":"0102030405060708","id":"%016x","annotations":[{"timestamp":1,"value":"sr","endpoint":{"serviceName":"s%d","port":%d}}]}`, i+1, i, i)
		}) + `]`,
		"deep nesting": `[{` + ids + `,"x":` + strings.Repeat(`[`, 9990) + strings.Repeat(`]`, 9990) + `}]`,
	}
}

func TestHostileV1BodiesCostLinearMemory(t *testing.T) {
	for name, body := range hostileV1Bodies() {
		t.Run(name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			td, res, err := DecodeV1JSON([]byte(body), Options{})
			runtime.ReadMemStats(&after)
			require.NoError(t, err)
			require.Positive(t, res.Spans)
			require.Equal(t, res.Spans, td.SpanCount())
			assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(64*len(body)), "heap per body byte")
		})
	}
}

// A Thrift span with very many binary annotations costs linear memory (and
// time: contrib's translation is quadratic in them).
func TestHostileV1ThriftCostsLinearMemory(t *testing.T) {
	var bins []*zipkincore.BinaryAnnotation
	for i := range 40000 {
		bins = append(bins, &zipkincore.BinaryAnnotation{Key: fmt.Sprintf("k%d", i), Value: []byte("v"), AnnotationType: zipkincore.AnnotationType_STRING})
	}
	body := serializeThrift(t, []*zipkincore.Span{{TraceID: 1, ID: 2, BinaryAnnotations: bins}})
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	td, res, err := DecodeV1Thrift(body, Options{})
	runtime.ReadMemStats(&after)
	require.NoError(t, err)
	require.Equal(t, 1, res.Spans)
	require.Equal(t, 40000, td.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0).Attributes().Len())
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(64*len(body)), "heap per body byte")
}

// A Thrift body declaring a list far longer than itself is refused before
// anything is allocated for it: contrib's deserializer preallocates the
// declared 99,999,999 binary annotations (762 MiB) for this 13-byte body.
func TestHostileV1ThriftDeclaredLengthsAllocateNothing(t *testing.T) {
	body := []byte{0x0c, 0, 0, 0, 1, 0x0f, 0, 8, 0x0c, 0x05, 0xf5, 0xe0, 0xff}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, res, err := DecodeV1Thrift(body, Options{})
	runtime.ReadMemStats(&after)
	require.ErrorContains(t, err, "size exceeded max allowed: 99999999")
	require.Zero(t, res.Spans)
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(64<<10))
}
