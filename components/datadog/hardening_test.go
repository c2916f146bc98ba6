package datadog

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// emptySpansV04 is one trace of n empty spans: one byte of msgpack each.
func emptySpansV04(n int) []byte {
	w := mpw(nil).arr(1).arr(n)
	return append(w, bytes.Repeat([]byte{0x80}, n)...)
}

func TestItemLimitRefusesWholePayload(t *testing.T) {
	tr := NewTranslator(Options{Limits: Limits{MaxItems: 10}})
	td, _, err := tr.Translate(V04, Msgpack, emptySpansV04(11), Payload{})
	require.ErrorIs(t, err, ErrLimit)
	var le *LimitError
	require.ErrorAs(t, err, &le)
	assert.Equal(t, "items", le.What)
	assert.Zero(t, td.SpanCount())

	td, _, err = tr.Translate(V04, Msgpack, emptySpansV04(10), Payload{})
	require.NoError(t, err)
	assert.Equal(t, 10, td.SpanCount())
}

// Millions of empty spans stop at the limit: the decoder does not grow its
// span slots past it.
func TestItemLimitBoundsScratchSpace(t *testing.T) {
	d := new(decoder)
	d.chunk.bud = newBudget(Limits{MaxItems: 100})
	err := d.decodeV04(emptySpansV04(1_000_000), func(*Payload, *Chunk) error { return nil })
	require.ErrorIs(t, err, ErrLimit)
	assert.LessOrEqual(t, cap(d.chunk.Spans), 256)
}

func TestPooledDecoderDropsPeakCapacity(t *testing.T) {
	d := new(decoder)
	d.chunk.Spans = make([]Span, 0, 10*maxPooledSpans)
	d.strs = make([]string, 0, 10*maxPooledStrings)
	d.release()
	assert.Nil(t, d.chunk.Spans)
	assert.Nil(t, d.strs)

	d.chunk.Spans = make([]Span, 1, 8)
	d.chunk.Spans[0].Attrs = make([]Attr, 0, 10*maxPooledAttrs)
	d.release()
	assert.Nil(t, d.chunk.Spans[:1][0].Attrs)
}

// A span with more attributes than bulkAttrs is built in one pass; its
// attributes are the ones the key-by-key path writes.
func TestBulkSpanAttributesMatchKeyByKey(t *testing.T) {
	build := func(n int) map[string]any {
		meta := mpw(nil).map_(n + 2).str("http.status_code").str("404").str("dup").str("first")
		for i := range n {
			meta = meta.str(fmt.Sprintf("k%03d", i)).str("v")
		}
		w := mpw(nil).arr(1).arr(1).map_(3).str("name").str("op").str("span_id").uint_(7).str("meta")
		w = append(w, meta...)
		td, _, err := NewTranslator(Options{}).Translate(V04, Msgpack, w, Payload{})
		require.NoError(t, err)
		return td.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0).Attributes().AsRaw()
	}
	small, bulk := build(10), build(bulkAttrs+10)
	assert.Equal(t, int64(404), small["http.response.status_code"])
	assert.Equal(t, int64(404), bulk["http.response.status_code"])
	assert.Equal(t, "first", bulk["dup"])
	assert.Equal(t, "op", bulk["operation.name"])
	assert.Len(t, bulk, bulkAttrs+10+3)
}

// 100,000 distinct meta keys on one span: linear, not quadratic (this test
// would not finish in the suite's time otherwise).
func TestManyDistinctKeysOnOneSpan(t *testing.T) {
	const n = 100_000
	var sb strings.Builder
	sb.WriteString(`[[{"name":"op","span_id":1,"meta":{`)
	for i := range n {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `"k%d":""`, i)
	}
	sb.WriteString(`}}]]`)
	td, _, err := NewTranslator(Options{}).Translate(V04, JSON, []byte(sb.String()), Payload{})
	require.NoError(t, err)
	assert.Equal(t, n+1, td.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0).Attributes().Len())
}

// v0.5: one "events" JSON in the string table, the meta of every span. It is
// decoded once and copied, and each copy counts against the budget.
func TestSharedEventsJSONDecodedOnceAndCounted(t *testing.T) {
	events := `[{"name":"a","time_unix_nano":1,"attributes":{"x":1}},{"name":"b","time_unix_nano":2}]`
	body := func(spans int) []byte {
		w := mpw(nil).arr(2).arr(5).str("svc").str("op").str("events").str(events).str("")
		w = w.arr(1).arr(spans)
		for i := range spans {
			w = w.arr(12).uint_(0).uint_(1).uint_(1).uint_(1).uint_(uint64(i) + 1).uint_(0).uint_(1).uint_(1).bool_(false)
			w = w.map_(1).uint_(2).uint_(3).map_(0).uint_(4)
		}
		return w
	}
	td, _, err := NewTranslator(Options{}).Translate(V05, Msgpack, body(3), Payload{})
	require.NoError(t, err)
	spans := td.ResourceSpans().At(0).ScopeSpans().At(0).Spans()
	require.Equal(t, 3, spans.Len())
	for i := range spans.Len() {
		evs := spans.At(i).Events()
		require.Equal(t, 2, evs.Len(), "span %d", i)
		assert.Equal(t, "a", evs.At(0).Name())
		assert.Equal(t, int64(1), evs.At(0).Attributes().AsRaw()["x"])
	}
	// 2 events + 1 attribute = 3 per span: 100 spans are 300.
	_, _, err = NewTranslator(Options{Limits: Limits{MaxAttributes: 299}}).Translate(V05, Msgpack, body(100), Payload{})
	require.ErrorIs(t, err, ErrLimit)
}

// v1.0 bytes attributes are bytes; only meta_struct entries hold msgpack
// documents to expand.
func TestBytesAttributeIsNotReadAsMsgpack(t *testing.T) {
	doc := mpw(nil).map_(1).str("k").str("v")
	s := Span{Name: "op", Attrs: []Attr{
		{Key: "raw", Type: AttrBytes, Bytes: doc},
		{Key: "_dd.appsec", Type: AttrMetaStruct, Bytes: doc},
	}}
	tr := translation{opts: &Options{}, traces: ptrace.NewTraces()}
	dst := ptrace.NewSpan()
	tr.span(&s, &Chunk{}, 0, 1, 0, false, dst)
	raw, _ := dst.Attributes().Get("raw")
	assert.Equal(t, pcommon.ValueTypeBytes, raw.Type())
	ms, _ := dst.Attributes().Get("_dd.appsec")
	assert.Equal(t, pcommon.ValueTypeMap, ms.Type())
}

func TestLogsKeepGoodItems(t *testing.T) {
	ld, stats, err := TranslateLogs([]byte(`[{"message":"keep me"},1,"x",{"message":"me too"}]`), "", nil, time.Unix(0, 0), testLimits)
	require.NoError(t, err)
	assert.Equal(t, 2, ld.LogRecordCount())
	assert.Equal(t, 2, stats.Skipped)
	assert.Equal(t, map[string]int{"malformed": 2}, stats.SkipReasons)
}

func TestLogsManyKeysBuiltInOnePass(t *testing.T) {
	var sb strings.Builder
	sb.WriteString(`[{"message":"m","ddtags":"env:prod,t:1,t:2"`)
	for i := range 50_000 {
		fmt.Fprintf(&sb, `,"k%d":%d`, i, i)
	}
	sb.WriteString(`}]`)
	ld, _, err := TranslateLogs([]byte(sb.String()), "", nil, time.Unix(0, 0), testLimits)
	require.NoError(t, err)
	attrs := ld.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0).Attributes().AsRaw()
	assert.Len(t, attrs, 50_000+1)
	assert.Equal(t, int64(49_999), attrs["k49999"])
	assert.Equal(t, []any{"1", "2"}, attrs["t"])
}

// A series' tags are copied into each of its points: tags × points counts.
func TestSeriesTagsTimesPointsCountAgainstAttributes(t *testing.T) {
	body := func(tags, points int) []byte {
		var sb strings.Builder
		sb.WriteString(`{"series":[{"metric":"m","points":[`)
		for i := range points {
			if i > 0 {
				sb.WriteByte(',')
			}
			fmt.Fprintf(&sb, "[%d,1]", 1700000000+i)
		}
		sb.WriteString(`],"tags":[`)
		for i := range tags {
			if i > 0 {
				sb.WriteByte(',')
			}
			fmt.Fprintf(&sb, `"t%d:v"`, i)
		}
		sb.WriteString(`]}]}`)
		return []byte(sb.String())
	}
	_, _, err := TranslateSeriesV1(body(100, 100), "", Limits{MaxAttributes: 9_999})
	require.ErrorIs(t, err, ErrLimit)
	md, _, err := TranslateSeriesV1(body(100, 100), "", Limits{MaxAttributes: 10_000})
	require.NoError(t, err)
	assert.Equal(t, 100, md.DataPointCount())
}

func TestProfileAttachmentInflationIsCapped(t *testing.T) {
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write(make([]byte, 1<<20))
	require.NoError(t, zw.Close())
	_, err := inflateAttachment(gz.Bytes(), 1<<16)
	require.ErrorIs(t, err, ErrLimit)
	out, err := inflateAttachment(gz.Bytes(), 2<<20)
	require.NoError(t, err)
	assert.Len(t, out, 1<<20)
	assert.False(t, errors.Is(err, ErrLimit))
}

func TestSeriesV1KeepsGoodSeries(t *testing.T) {
	body := `{"series":[{"metric":"ok","points":[[1700000000,1],[1700000001],["x",2]]},1,{"metric":"also","points":[[1700000000,2]]}]}`
	md, stats, err := TranslateSeriesV1([]byte(body), "", testLimits)
	require.NoError(t, err)
	assert.Equal(t, 2, md.DataPointCount())
	assert.Equal(t, 3, stats.SkipReasons["malformed"])
}

func TestSeriesV2JSON(t *testing.T) {
	body := `{"series":[{"metric":"app.requests","type":1,"interval":10,"unit":"request",
		"points":[{"timestamp":1700000000,"value":5}],"resources":[{"name":"web-1","type":"host"}],
		"tags":["env:prod","route:/a"]},{"metric":"bad","points":"x"}]}`
	md, stats, err := TranslateSeriesV2JSON([]byte(body), "", testLimits)
	require.NoError(t, err)
	require.Equal(t, 1, md.DataPointCount())
	assert.Equal(t, 1, stats.SkipReasons["malformed"])
	rm := md.ResourceMetrics().At(0)
	res := rm.Resource().Attributes().AsRaw()
	assert.Equal(t, "web-1", res["host.name"])
	assert.Equal(t, "prod", res["deployment.environment.name"])
	m := rm.ScopeMetrics().At(0).Metrics().At(0)
	assert.Equal(t, "app.requests", m.Name())
	dp := m.Sum().DataPoints().At(0)
	assert.Equal(t, 5.0, dp.DoubleValue())
	assert.Equal(t, "/a", dp.Attributes().AsRaw()["route"])
}

func TestSketchesKeepGoodSketches(t *testing.T) {
	// Two SketchPayload.sketches (field 1): one whose inside is truncated,
	// one valid with a name and no sketch points.
	bad := []byte{0x0a, 0x03, 0x0a, 0x05, 'x'}
	good := []byte{0x0a, 0x03, 0x0a, 0x01, 'm'}
	_, stats, err := TranslateSketches(append(bad, good...), "", testLimits)
	require.NoError(t, err)
	assert.Equal(t, 1, stats.SkipReasons["malformed"])
	assert.Equal(t, 2, stats.Series)
}
