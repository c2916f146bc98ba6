package datadog

import (
	"bytes"
	"math"
	"os"
	"runtime/pprof"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
)

func TestParseStatsdLine(t *testing.T) {
	l, err := ParseStatsdLine("page.views:1:2.5|h|@0.5|#env:prod,team|c:abc|T1700000000|e:it-false")
	require.NoError(t, err)
	assert.Equal(t, StatsdLine{Name: "page.views", Type: "h", Values: []string{"1", "2.5"}, SampleRate: 0.5,
		Tags: []string{"env:prod", "team"}, ContainerID: "abc", Timestamp: 1700000000}, l)

	l, err = ParseStatsdLine("users:a:b|s")
	require.NoError(t, err)
	assert.Equal(t, []string{"a:b"}, l.Values, "set members may contain colons")

	l, err = ParseStatsdLine("_sc|db.up|1|d:1700000000|h:db1|#env:prod|m:slow|really")
	require.NoError(t, err)
	assert.Equal(t, StatsdLine{Name: "db.up", Type: StatsdServiceCheck, Status: 1, Timestamp: 1700000000, Host: "db1",
		Tags: []string{"env:prod"}, Message: "slow|really", SampleRate: 1}, l)

	_, err = ParseStatsdLine("_e{1,1}:a|b")
	assert.ErrorIs(t, err, ErrStatsdEvent)
	for _, bad := range []string{"novalue", "x:1", "x:1|q", "x:abc|c", "x:1|c|@2", "x:1|c|@0", ":1|c", "x:1|c|Tnow", "_sc|x|9"} {
		_, err := ParseStatsdLine(bad)
		assert.ErrorIs(t, err, ErrStatsdSyntax, bad)
	}
}

func TestDogStatsDAggregation(t *testing.T) {
	now := pcommon.NewTimestampFromTime(goldenNow)
	md, stats, err := TranslateDogStatsD(dogstatsdPayload(), now, testLimits)
	require.Error(t, err, "the malformed line is reported")
	assert.Equal(t, map[string]int{"event": 1, "malformed": 1}, stats.SkipReasons)
	byName := map[string]pmetric.Metric{}
	rms := md.ResourceMetrics()
	for i := 0; i < rms.Len(); i++ {
		ms := rms.At(i).ScopeMetrics().At(0).Metrics()
		for j := 0; j < ms.Len(); j++ {
			byName[ms.At(j).Name()] = ms.At(j)
		}
	}
	// 1 + 2/0.5 = 5
	assert.Equal(t, 5.0, byName["checkout.orders"].Sum().DataPoints().At(0).DoubleValue())
	assert.True(t, byName["checkout.orders"].Sum().IsMonotonic())
	assert.False(t, byName["checkout.refunds"].Sum().IsMonotonic())
	assert.Equal(t, int64(2), byName["checkout.users"].Gauge().DataPoints().At(0).IntValue())
	h := byName["checkout.request.duration"].ExponentialHistogram().DataPoints().At(0)
	assert.Equal(t, uint64(4), h.Count(), "12, 13, 13 (h) and 200 (ms) share one histogram")
	assert.Equal(t, 238.0, h.Sum())
	assert.Equal(t, 12.0, h.Min())
	assert.Equal(t, 200.0, h.Max())
	assert.Equal(t, uint64(4), byName["checkout.payload.size"].ExponentialHistogram().DataPoints().At(0).Count(), "1/0.25")
	assert.Equal(t, pcommon.Timestamp(1764133000*1e9), byName["checkout.backfill"].Sum().DataPoints().At(0).Timestamp())
	assert.Equal(t, int64(2), byName["checkout.can_connect"].Gauge().DataPoints().At(0).IntValue())
}

// The exponential histogram of a sketch must put every bucket within one
// OTLP bucket (≈2.2 % at scale 5) of the value it stands for.
func TestAgentSketchMapping(t *testing.T) {
	for _, v := range []float64{1e-6, 0.012, 1, 1.5, 100, 12345.678, 1e9} {
		k := agentKeyOf(v)
		rep, ok := agentKeyValue(int32(k))
		require.True(t, ok)
		assert.InEpsilon(t, v, rep, 0.0079, "agent sketch accuracy for %g", v)
		idx := expIndex(rep)
		lo, hi := math.Exp2(float64(idx)/32), math.Exp2(float64(idx+1)/32)
		assert.True(t, rep > lo*0.999999 && rep <= hi*1.000001, "%g in (%g, %g]", rep, lo, hi)
		assert.InEpsilon(t, v, hi, 0.03)
	}
	_, ok := agentKeyValue(agentSketchInfKey)
	assert.False(t, ok)
}

func TestDDSketchSummary(t *testing.T) {
	// The ok summary of the GET /api/orders/{id} group in the v0.4 stats
	// capture: one span of 12 162 939 ns.
	summary := []byte{0xa, 0x9, 0x9, 0xfd, 0x4a, 0x81, 0x5a, 0xbf, 0x52, 0xf0, 0x3f, 0x12, 0xd, 0x12, 0x8, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0xf0, 0x3f, 0x18, 0xde, 0xc, 0x1a, 0x0}
	e, n, err := decodeDDSketch(summary)
	require.NoError(t, err)
	assert.Equal(t, uint64(1), n)
	dp := pmetric.NewExponentialHistogramDataPoint()
	e.write(dp)
	idx := int(dp.Positive().Offset())
	lo, hi := math.Exp2(float64(idx)/32), math.Exp2(float64(idx+1)/32)
	assert.True(t, lo < 12162939*1.03 && hi > 12162939*0.97, "(%g, %g]", lo, hi)
}

func TestExpHistogramDownscales(t *testing.T) {
	e := newExpBuilder()
	e.observe(1e-300, 1)
	e.observe(1e300, 1)
	dp := pmetric.NewExponentialHistogramDataPoint()
	e.write(dp)
	assert.Less(t, dp.Scale(), int32(expInitialScale))
	assert.LessOrEqual(t, dp.Positive().BucketCounts().Len(), maxExpBuckets)
	assert.Equal(t, uint64(2), dp.Count())
}

func TestSeriesV3RejectsHistogramTypes(t *testing.T) {
	var md pb
	md = md.msg(1, []byte("\x01x"))
	md = md.packedUint(10, v3ExpHist)
	md = md.packedSint(11, 1)
	md = md.packedUint(15, 0)
	_, _, err := TranslateSeriesV3(pb(nil).msg(3, md), "", testLimits)
	assert.ErrorIs(t, err, ErrV3Unsupported)
}

func TestLogsTraceIDs(t *testing.T) {
	body := `[{"message":"a","dd.trace_id":"0000000000000000000000000000002a","dd.span_id":"000000000000002b"},
	{"message":"b","dd.trace_id":12345,"dd.span_id":"not-an-id"},{"message":"c","dd.trace_id":"x"}]`
	ld, stats, err := TranslateLogs([]byte(body), "", nil, time.Unix(0, 0), testLimits)
	require.NoError(t, err)
	assert.Equal(t, 3, stats.Records)
	lrs := ld.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords()
	assert.Equal(t, "0000000000000000000000000000002a", lrs.At(0).TraceID().String())
	assert.Equal(t, "000000000000002b", lrs.At(0).SpanID().String())
	assert.Equal(t, "00000000000000000000000000003039", lrs.At(1).TraceID().String())
	v, _ := lrs.At(1).Attributes().Get("dd.span_id")
	assert.Equal(t, "not-an-id", v.Str(), "an unreadable id stays an attribute")
	v, _ = lrs.At(2).Attributes().Get("dd.trace_id")
	assert.Equal(t, "x", v.Str())

	_, _, err = TranslateLogs([]byte(`{"message":"one object"}`), "", nil, time.Unix(0, 0), testLimits)
	require.NoError(t, err)
	_, _, err = TranslateLogs([]byte(`[{"message":`), "", nil, time.Unix(0, 0), testLimits)
	require.Error(t, err)
}

func TestTranslateProfile(t *testing.T) {
	body, ct := profilePayload(heapProfile(t))
	pd, stats, err := TranslateProfile(ct, body, Payload{Lang: "javascript"}, 25<<20)
	require.NoError(t, err)
	assert.Equal(t, 1, stats.Attachments)
	assert.Positive(t, stats.Profiles)
	res := pd.ResourceProfiles().At(0).Resource().Attributes().AsRaw()
	assert.Equal(t, "checkout-js", res["service.name"])
	assert.Equal(t, "staging", res["deployment.environment.name"])
	assert.Equal(t, "5f1e", res["service.instance.id"])
	assert.Equal(t, "nodejs", res["telemetry.sdk.language"])
	assert.Equal(t, "dd-trace-js", pd.ResourceProfiles().At(0).ScopeProfiles().At(0).Scope().Name())

	_, _, err = TranslateProfile("application/json", []byte("{}"), Payload{}, 25<<20)
	assert.ErrorIs(t, err, ErrProfileFormat)
	body, ct = profilePayload([]byte("not pprof"))
	_, stats, err = TranslateProfile(ct, body, Payload{}, 25<<20)
	require.Error(t, err)
	assert.Zero(t, stats.Attachments)
}

// heapProfile is a real (small) pprof profile: the test process's heap.
func heapProfile(t testing.TB) []byte {
	var buf bytes.Buffer
	require.NoError(t, pprof.Lookup("heap").WriteTo(&buf, 0))
	return buf.Bytes()
}

// Fuzz targets: no input may panic or hang a decoder, and the stats must
// agree with what was returned.

func fuzzIntake(f *testing.F, dir string, translate func([]byte) (pmetric.Metrics, MetricsStats, error)) {
	for _, c := range intakeCases {
		if strings.HasPrefix(c.dir, dir) {
			if b, err := os.ReadFile(c.payloadPath()); err == nil {
				f.Add(b)
				f.Add(b[:len(b)/2])
			}
		}
	}
	f.Add([]byte{})
	f.Add([]byte{0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f})
	f.Fuzz(func(t *testing.T, body []byte) {
		md, stats, _ := translate(body)
		if md.DataPointCount() != stats.Points {
			t.Fatalf("stats say %d points, metrics hold %d", stats.Points, md.DataPointCount())
		}
	})
}

func FuzzSeriesV1(f *testing.F) { fuzzIntake(f, "series_v1", agentVersionless(TranslateSeriesV1)) }
func FuzzSeriesV2(f *testing.F) { fuzzIntake(f, "series_v2", agentVersionless(TranslateSeriesV2)) }
func FuzzSeriesV3(f *testing.F) { fuzzIntake(f, "series_v3", agentVersionless(TranslateSeriesV3)) }

// FuzzSeriesV2JSON: the API clients' JSON MetricPayload (no capture: seeded by hand).
func FuzzSeriesV2JSON(f *testing.F) {
	f.Add([]byte(`{"series":[{"metric":"m","type":1,"interval":10,"points":[{"timestamp":1700000000,"value":5}],"resources":[{"name":"h","type":"host"}],"tags":["a:b","a:c"]},1]}`))
	fuzzIntake(f, "series_v2_json", agentVersionless(TranslateSeriesV2JSON))
}
func FuzzSketches(f *testing.F) { fuzzIntake(f, "sketches", agentVersionless(TranslateSketches)) }
func FuzzDistributionPoints(f *testing.F) {
	fuzzIntake(f, "distribution_points", agentVersionless(TranslateDistributionPoints))
}
func FuzzCheckRuns(f *testing.F) { fuzzIntake(f, "check_run", agentVersionless(TranslateCheckRuns)) }
func FuzzDogStatsD(f *testing.F) { fuzzIntake(f, "dogstatsd", dogstatsdTranslate) }
func FuzzStats(f *testing.F)     { fuzzIntake(f, "stats", statsTranslate) }

func FuzzStatsdLine(f *testing.F) {
	for _, l := range strings.Split(string(dogstatsdPayload()), "\n") {
		f.Add(l)
	}
	f.Fuzz(func(t *testing.T, line string) {
		l, err := ParseStatsdLine(line)
		if err == nil && l.Name == "" {
			t.Fatalf("parsed %q without a name", line)
		}
	})
}

func FuzzLogs(f *testing.F) {
	f.Add(logsPayload())
	f.Add([]byte(`{"message":"{\"dd\":{\"trace_id\":1}}"}`))
	cache := NewTraceIDCache(4)
	f.Fuzz(func(t *testing.T, body []byte) {
		ld, stats, _ := TranslateLogs(body, "", cache, time.Unix(0, 0), testLimits)
		if ld.LogRecordCount() != stats.Records {
			t.Fatalf("stats say %d records, logs hold %d", stats.Records, ld.LogRecordCount())
		}
	})
}

func FuzzProfile(f *testing.F) {
	body, ct := profilePayload(heapProfile(f))
	f.Add(body)
	f.Add(body[:len(body)/2])
	f.Fuzz(func(t *testing.T, body []byte) {
		_, _, _ = TranslateProfile(ct, body, Payload{}, 25<<20)
	})
}
