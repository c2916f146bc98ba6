package datadog

import (
	"maps"
	"os"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

func TestTruncatedPayloadKeepsEarlierChunks(t *testing.T) {
	for _, c := range goldenCases {
		if c.enc != Msgpack || c.dir == "v07_HANDBUILT" {
			continue // a TracerPayload's chunks are read after all of its fields
		}
		t.Run(c.dir, func(t *testing.T) {
			body, err := os.ReadFile(c.payloadPath())
			require.NoError(t, err)
			full, _, err := NewTranslator(Options{}).Translate(c.proto, c.enc, body, Payload{})
			require.NoError(t, err)
			// Cut inside the last chunk: the first chunk (1 span) must survive.
			got, stats, err := NewTranslator(Options{}).Translate(c.proto, c.enc, body[:len(body)-20], Payload{})
			require.Error(t, err)
			assert.Equal(t, 1, stats.Chunks)
			assert.Equal(t, 1, got.SpanCount())
			assert.Less(t, got.SpanCount(), full.SpanCount())
		})
	}
}

func TestBadInputIsAnError(t *testing.T) {
	cases := map[string]struct {
		proto Protocol
		enc   Encoding
		body  []byte
	}{
		"empty v0.4":            {V04, Msgpack, nil},
		"map instead of array":  {V04, Msgpack, mpw(nil).map_(0)},
		"huge array count":      {V04, Msgpack, []byte{0xdd, 0x7f, 0xff, 0xff, 0xff, 0x90}},
		"span not a map":        {V04, Msgpack, mpw(nil).arr(1).arr(1).str("x")},
		"v0.5 bad index":        {V05, Msgpack, mpw(nil).arr(2).arr(1).str("").arr(1).arr(1).arr(12).uint_(9)},
		"v0.5 short span":       {V05, Msgpack, mpw(nil).arr(2).arr(0).arr(1).arr(1).arr(3)},
		"v1.0 unseen string":    {V10, Msgpack, mpw(nil).map_(1).uint_(3).uint_(5)},
		"v1.0 attrs not triple": {V10, Msgpack, mpw(nil).map_(1).uint_(10).arr(2).str("a").uint_(1)},
		"json garbage":          {V04, JSON, []byte(`{"a":1}`)},
		"json on v0.5":          {V05, JSON, []byte(`[]`)},
		"deep nesting":          {V10, Msgpack, deepV1()},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, _, err := NewTranslator(Options{}).Translate(c.proto, c.enc, c.body, Payload{})
			require.Error(t, err)
		})
	}
}

// deepV1 nests arrays in a v1.0 attribute deeper than the decoder allows.
func deepV1() []byte {
	w := mpw(nil).map_(1).uint_(10).arr(3).str("k")
	for range 100 {
		w = w.uint_(6).arr(2)
	}
	return w.uint_(1).str("x")
}

func TestTraceIDFallbackCache(t *testing.T) {
	cache := NewTraceIDCache(2)
	tr := NewTranslator(Options{TraceIDCache: cache})
	span := func(w mpw, traceID, spanID uint64, tid string) mpw {
		n := 3
		if tid != "" {
			n++
		}
		w = w.map_(n).str("trace_id").uint_(traceID).str("span_id").uint_(spanID).str("service").str("svc")
		if tid != "" {
			w = w.str("meta").map_(1).str("_dd.p.tid").str(tid)
		}
		return w
	}
	// First chunk carries the upper bits; a later partial flush does not.
	first := span(mpw(nil).arr(1).arr(1), 7, 1, "00000000000000ab")
	td, stats, err := tr.Translate(V04, Msgpack, first, Payload{})
	require.NoError(t, err)
	assert.Equal(t, "00000000000000ab0000000000000007", firstSpan(td).TraceID().String())
	assert.Zero(t, stats.CacheHits+stats.CacheMisses)

	later := span(mpw(nil).arr(1).arr(1), 7, 2, "")
	td, stats, err = tr.Translate(V04, Msgpack, later, Payload{})
	require.NoError(t, err)
	assert.Equal(t, "00000000000000ab0000000000000007", firstSpan(td).TraceID().String())
	assert.Equal(t, 1, stats.CacheHits)

	unknown := span(mpw(nil).arr(1).arr(1), 8, 3, "")
	td, stats, err = tr.Translate(V04, Msgpack, unknown, Payload{})
	require.NoError(t, err)
	assert.Equal(t, "00000000000000000000000000000008", firstSpan(td).TraceID().String())
	assert.Equal(t, 1, stats.CacheMisses)

	// Bounded: two more ids evict the oldest.
	cache.Put(100, 1)
	cache.Put(101, 1)
	assert.Equal(t, 2, cache.Len())
	_, ok := cache.Get(7)
	assert.False(t, ok)
}

func TestDropRejected(t *testing.T) {
	body := mpw(nil).arr(2).
		arr(1).map_(2).str("span_id").uint_(1).str("metrics").map_(1).str("_sampling_priority_v1").float_(-1).
		arr(1).map_(2).str("span_id").uint_(2).str("metrics").map_(1).str("_sampling_priority_v1").float_(2)
	td, stats, err := NewTranslator(Options{DropRejected: true}).Translate(V04, Msgpack, body, Payload{})
	require.NoError(t, err)
	assert.Equal(t, 1, td.SpanCount())
	assert.Equal(t, 1, stats.RejectedSpans)
	assert.Equal(t, int64(2), firstSpan(td).Attributes().AsRaw()["sampling.priority"])

	td, stats, err = NewTranslator(Options{}).Translate(V04, Msgpack, body, Payload{})
	require.NoError(t, err)
	assert.Equal(t, 2, td.SpanCount())
	assert.Zero(t, stats.RejectedSpans)
}

func TestSpanNameFromOperation(t *testing.T) {
	body := mpw(nil).arr(1).arr(1).map_(3).str("span_id").uint_(1).str("name").str("http.request").str("resource").str("GET /x")
	td, _, err := NewTranslator(Options{SpanName: SpanNameFromOperation}).Translate(V04, Msgpack, body, Payload{})
	require.NoError(t, err)
	assert.Equal(t, "http.request", firstSpan(td).Name())
	td, _, err = NewTranslator(Options{}).Translate(V04, Msgpack, body, Payload{})
	require.NoError(t, err)
	assert.Equal(t, "GET /x", firstSpan(td).Name())
}

func TestSpanKindAndErrors(t *testing.T) {
	mk := func(typ string, meta map[string]string, isErr bool) mpw {
		w := mpw(nil).arr(1).arr(1).map_(4).str("span_id").uint_(1).str("type").str(typ).str("error").bool_(isErr).str("meta").map_(len(meta))
		for _, k := range slices.Sorted(maps.Keys(meta)) {
			w = w.str(k).str(meta[k])
		}
		return w
	}
	cases := []struct {
		typ  string
		meta map[string]string
		err  bool
		kind ptrace.SpanKind
		msg  string
	}{
		{"web", nil, false, ptrace.SpanKindServer, ""},
		{"sql", nil, false, ptrace.SpanKindClient, ""},
		{"web", map[string]string{"span.kind": "consumer"}, false, ptrace.SpanKindConsumer, ""},
		{"custom", map[string]string{"error.msg": "legacy"}, true, ptrace.SpanKindInternal, "legacy"},
		{"", map[string]string{"error.type": "E"}, true, ptrace.SpanKindUnspecified, "E"},
	}
	for _, c := range cases {
		td, _, err := NewTranslator(Options{}).Translate(V04, Msgpack, mk(c.typ, c.meta, c.err), Payload{})
		require.NoError(t, err)
		s := firstSpan(td)
		assert.Equal(t, c.kind, s.Kind(), c.typ)
		if c.err {
			assert.Equal(t, ptrace.StatusCodeError, s.Status().Code())
			assert.Equal(t, c.msg, s.Status().Message())
			assert.Equal(t, "exception", s.Events().At(0).Name())
		} else {
			assert.Equal(t, ptrace.StatusCodeUnset, s.Status().Code())
		}
	}
	// On a span that is not an error, error tags stay attributes.
	td, _, err := NewTranslator(Options{}).Translate(V04, Msgpack, mk("web", map[string]string{"error.message": "m"}, false), Payload{})
	require.NoError(t, err)
	assert.Equal(t, "m", firstSpan(td).Attributes().AsRaw()["error.message"])
}

func firstSpan(td ptrace.Traces) ptrace.Span {
	return td.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0)
}
