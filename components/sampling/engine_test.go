package sampling

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
)

type record struct {
	res   pcommon.Resource
	scope pcommon.InstrumentationScope
	lr    plog.LogRecord
}

func newRecord(service string, sev plog.SeverityNumber, body string) record {
	r := record{res: pcommon.NewResource(), scope: pcommon.NewInstrumentationScope(), lr: plog.NewLogRecord()}
	r.res.Attributes().PutStr("service.name", service)
	r.scope.SetName("app")
	r.lr.SetSeverityNumber(sev)
	r.lr.Body().SetStr(body)
	return r
}

func (e *Engine) decide(r record) Decision { return e.Decide(r.res, r.scope, r.lr) }

func mustRatio(t testing.TB, ratio float64) *RatioSampler {
	t.Helper()
	s, err := NewRatioSampler(ratio, DefaultPrecision)
	require.NoError(t, err)
	return s
}

func TestEngineFirstMatchWins(t *testing.T) {
	e := &Engine{
		ProtectedSeverity: plog.SeverityNumberWarn,
		Rules: []Rule{
			{Name: "keep-payments", Action: ActionKeep,
				Match: Match{ResourceAttributes: []AttributeMatch{NewAttributeMatch("service.name", "payments")}}},
			{Name: "drop-debug", Action: ActionDrop, Match: Match{MaxSeverity: plog.SeverityNumberDebug4}},
			{Name: "drop-health", Action: ActionDrop, Match: Match{Body: regexp.MustCompile(`^GET /healthz`)}},
		},
	}
	cases := []struct {
		name   string
		rec    record
		keep   bool
		rule   int
		reason Reason
	}{
		{"first rule wins over a later drop", newRecord("payments", plog.SeverityNumberDebug, "x"), true, 0, ReasonKeep},
		{"debug dropped", newRecord("cart", plog.SeverityNumberDebug3, "x"), false, 1, ReasonDrop},
		{"body regex", newRecord("cart", plog.SeverityNumberInfo, "GET /healthz 200"), false, 2, ReasonDrop},
		{"protected severity survives a drop rule", newRecord("cart", plog.SeverityNumberError, "GET /healthz 500"), true, 2, ReasonProtectedSeverity},
		{"unmatched kept", newRecord("cart", plog.SeverityNumberInfo, "GET /orders"), true, -1, ReasonNoRuleMatched},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := e.decide(tc.rec)
			assert.Equal(t, tc.keep, d.Keep)
			assert.Equal(t, tc.rule, d.Rule)
			assert.Equal(t, tc.reason, d.Reason)
			assert.Equal(t, tc.keep, d.Reason.Kept())
		})
	}
}

func TestEngineDropProtectedIsExplicit(t *testing.T) {
	rec := newRecord("cart", 0, "boom")
	rec.lr.SetSeverityText("ERROR") // no number: the text decides
	rule := Rule{Action: ActionDrop, Match: Match{MinSeverity: plog.SeverityNumberError}}

	e := &Engine{ProtectedSeverity: plog.SeverityNumberWarn, Rules: []Rule{rule}}
	assert.Equal(t, ReasonProtectedSeverity, e.decide(rec).Reason)

	rule.DropProtected = true
	e.Rules = []Rule{rule}
	assert.Equal(t, ReasonDrop, e.decide(rec).Reason)
}

func TestEngineMatchConditions(t *testing.T) {
	rec := newRecord("cart", plog.SeverityNumberInfo, "hello")
	rec.scope.Attributes().PutStr("lib", "http")
	rec.lr.Attributes().PutInt("http.status_code", 503)
	rec.lr.Attributes().PutBool("retry", true)
	rec.lr.Attributes().PutDouble("ratio", 0.5)
	rec.lr.SetTraceID(traceIDWithRandomness(1))
	rec.lr.SetFlags(plog.DefaultLogRecordFlags.WithIsSampled(true))

	cases := []struct {
		name  string
		match Match
		want  bool
	}{
		{"empty matches all", Match{}, true},
		{"severity range", Match{MinSeverity: plog.SeverityNumberInfo, MaxSeverity: plog.SeverityNumberInfo4}, true},
		{"severity above", Match{MinSeverity: plog.SeverityNumberWarn}, false},
		{"int attribute as text", Match{Attributes: []AttributeMatch{NewAttributeMatch("http.status_code", "503")}}, true},
		{"int attribute other value", Match{Attributes: []AttributeMatch{NewAttributeMatch("http.status_code", "500")}}, false},
		{"bool attribute", Match{Attributes: []AttributeMatch{NewAttributeMatch("retry", "true")}}, true},
		{"double attribute", Match{Attributes: []AttributeMatch{NewAttributeMatch("ratio", "0.5")}}, true},
		{"missing attribute", Match{Attributes: []AttributeMatch{NewAttributeMatch("nope", "x")}}, false},
		{"scope attribute", Match{ScopeAttributes: []AttributeMatch{NewAttributeMatch("lib", "http")}}, true},
		{"resource attribute is not a record attribute", Match{Attributes: []AttributeMatch{NewAttributeMatch("service.name", "cart")}}, false},
		{"has trace id", Match{HasTraceID: Yes}, true},
		{"has no trace id", Match{HasTraceID: No}, false},
		{"sampled flag", Match{TraceSampled: Yes}, true},
		{"not sampled flag", Match{TraceSampled: No}, false},
		{"body regex on text", Match{Body: regexp.MustCompile(`^hel`)}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, tc.match.matches(rec.res, rec.scope, rec.lr, EffectiveSeverity(rec.lr)))
		})
	}

	mapBody := newRecord("cart", plog.SeverityNumberInfo, "")
	mapBody.lr.Body().SetEmptyMap().PutStr("msg", "structured hello")
	m := Match{Body: regexp.MustCompile(`structured hello`)}
	assert.True(t, m.matches(mapBody.res, mapBody.scope, mapBody.lr, 0), "a map body matches by its JSON text")
}

func TestEngineRateLimitKeys(t *testing.T) {
	c := &fakeClock{}
	newEngine := func(key RateLimitKey) *Engine {
		l, err := NewRateLimiter(1, 2, 100, c.clock())
		require.NoError(t, err)
		return &Engine{Rules: []Rule{{Action: ActionRateLimit, Limiter: l, Key: key, DropProtected: true}}}
	}
	storm := func(e *Engine, records ...record) (kept int) {
		for i := 0; i < 10; i++ {
			for _, r := range records {
				if e.decide(r).Keep {
					kept++
				}
			}
		}
		return kept
	}
	a := newRecord("cart", plog.SeverityNumberError, `order 17 failed: "card declined"`)
	a2 := newRecord("cart", plog.SeverityNumberError, `order 99 failed: "insufficient funds"`)
	b := newRecord("cart", plog.SeverityNumberError, `inventory service unreachable`)
	other := newRecord("search", plog.SeverityNumberError, `order 17 failed: "card declined"`)

	// Fingerprint: a and a2 are one template, b another; burst 2 each.
	e := newEngine(RateLimitKey{Attributes: []string{"service.name"}, BodyFingerprint: true})
	assert.Equal(t, 2+2, storm(e, a, a2, b))
	// Without the fingerprint everything of one service shares a bucket.
	e = newEngine(RateLimitKey{Attributes: []string{"service.name"}})
	assert.Equal(t, 2, storm(e, a, a2, b))
	// The service separates buckets.
	e = newEngine(RateLimitKey{Attributes: []string{"service.name"}})
	assert.Equal(t, 2+2, storm(e, a, other))
	// Severity separates buckets.
	warn := newRecord("cart", plog.SeverityNumberWarn, "x")
	e = newEngine(RateLimitKey{Severity: true})
	assert.Equal(t, 2+2, storm(e, a, warn))
	d := e.decide(a)
	assert.Equal(t, ReasonRateLimited, d.Reason)
}

func TestEngineRatioWithoutTraceID(t *testing.T) {
	draws := []uint64{0, 1<<54 - 1}
	e := &Engine{
		Rules: []Rule{{Action: ActionKeepRatio, Ratio: mustRatio(t, 0.5)}},
		Random: func() uint64 {
			v := draws[0]
			draws = draws[1:]
			return v
		},
	}
	rec := newRecord("cart", plog.SeverityNumberInfo, "x")
	d := e.decide(rec)
	assert.False(t, d.Keep)
	assert.True(t, d.SynthesizedRandomness)
	assert.Equal(t, ReasonNotSampled, d.Reason)

	// An arriving threshold bounds the drawn randomness from below: th:c means R >= 0xc0..
	rec.lr.Attributes().PutStr(AttributeThreshold, "c")
	d = e.decide(rec)
	assert.GreaterOrEqual(t, d.Randomness.Unsigned(), uint64(0xc0000000000000))
	assert.Equal(t, uint64(0xffffffffffffff), d.Randomness.Unsigned(), "0xc0.. + (2^54-1) mod 2^54")
	assert.True(t, d.Keep, "50%% of an arriving 25%% is 12.5%% (th:e), and R >= 0xe0..")
	assert.Equal(t, "e", d.Threshold.TValue())
}

func TestEngineRatioInvalidState(t *testing.T) {
	e := &Engine{ProtectedSeverity: plog.SeverityNumberWarn, Rules: []Rule{{Action: ActionKeepRatio, Ratio: mustRatio(t, 0.5)}}}
	rec := newRecord("cart", plog.SeverityNumberInfo, "x")
	rec.lr.Attributes().PutStr(AttributeRandomness, "not-hex")
	assert.Equal(t, ReasonInvalidSamplingState, e.decide(rec).Reason)
	rec.lr.SetSeverityNumber(plog.SeverityNumberError)
	assert.Equal(t, ReasonProtectedSeverity, e.decide(rec).Reason, "protection comes first")
}

// benchmarkRecords is a realistic mix for the decision path: a debug line with a trace
// id under a ratio rule, an error storm under a fingerprinting rate limit, an info line
// that falls through every rule (body regex included).
func benchmarkEngine(tb testing.TB) (*Engine, []record) {
	l, err := NewRateLimiter(1000, 100, 10000, nil)
	require.NoError(tb, err)
	e := &Engine{
		ProtectedSeverity: plog.SeverityNumberWarn,
		Rules: []Rule{
			{Name: "health", Action: ActionDrop, Match: Match{Body: regexp.MustCompile(`^GET /healthz`)}},
			{Name: "debug", Action: ActionKeepRatio, Ratio: mustRatio(tb, 0.1), Match: Match{MaxSeverity: plog.SeverityNumberDebug4}},
			{Name: "errors", Action: ActionRateLimit, Limiter: l, DropProtected: true,
				Match: Match{MinSeverity: plog.SeverityNumberError},
				Key:   RateLimitKey{Attributes: []string{"service.name"}, Severity: true, BodyFingerprint: true}},
			{Name: "checkout-info", Action: ActionKeepRatio, Ratio: mustRatio(tb, 0.5),
				Match: Match{ResourceAttributes: []AttributeMatch{NewAttributeMatch("service.name", "checkout")}}},
		},
	}
	debug := newRecord("cart", plog.SeverityNumberDebug, "cache miss for key user:42")
	debug.lr.SetTraceID(traceIDWithRandomness(0x3456789abcdef0))
	debug.lr.Attributes().PutStr("http.route", "/cart")
	storm := newRecord("cart", plog.SeverityNumberError, `payment 8c1f2 declined: "card expired" after 3 retries`)
	storm.lr.Attributes().PutStr("http.route", "/pay")
	info := newRecord("cart", plog.SeverityNumberInfo, "GET /cart 200 in 12ms")
	return e, []record{debug, storm, info}
}

func TestDecideDoesNotAllocate(t *testing.T) {
	e, records := benchmarkEngine(t)
	for _, r := range records {
		e.decide(r) // first sight of a rate-limit key allocates its bucket
	}
	for i, r := range records {
		allocs := testing.AllocsPerRun(1000, func() { e.decide(r) })
		assert.Zero(t, allocs, "record %d", i)
	}
	noTrace := newRecord("cart", plog.SeverityNumberDebug, "x")
	assert.Zero(t, testing.AllocsPerRun(1000, func() { e.decide(noTrace) }), "synthesized randomness")
}

func BenchmarkDecide(b *testing.B) {
	e, records := benchmarkEngine(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e.decide(records[i%len(records)])
	}
}

func BenchmarkDecideRatioTraceID(b *testing.B) {
	e, records := benchmarkEngine(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e.decide(records[0])
	}
}

func BenchmarkDecideRateLimitFingerprint(b *testing.B) {
	e, records := benchmarkEngine(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e.decide(records[1])
	}
}

func BenchmarkFingerprint(b *testing.B) {
	msg := `payment 8c1f2 declined: "card expired" after 3 retries`
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		Fingerprint(msg)
	}
}

// FuzzDecide: any body, sampling attributes, trace id and severity gives a decision
// without panicking, and a kept record's reason says kept.
func FuzzDecide(f *testing.F) {
	f.Add("GET /healthz", "c", "", []byte{1, 2, 3}, 9, "ERROR")
	f.Add(`order 1 failed: "x"`, "", "ffffffffffffff", []byte{}, 17, "")
	f.Add("", "xyz", "12", make([]byte, 16), 0, "warning")
	f.Add("x", "ffffffffffffff", "", []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, 30, "crit")
	e, _ := benchmarkEngine(f)
	f.Fuzz(func(t *testing.T, body, th, rv string, tid []byte, sev int, sevText string) {
		r := newRecord("checkout", plog.SeverityNumber(sev), body)
		r.lr.SetSeverityText(sevText)
		var id pcommon.TraceID
		copy(id[:], tid)
		r.lr.SetTraceID(id)
		if th != "" {
			r.lr.Attributes().PutStr(AttributeThreshold, th)
		}
		if rv != "" {
			r.lr.Attributes().PutStr(AttributeRandomness, rv)
		}
		d := e.decide(r)
		if d.Keep != d.Reason.Kept() {
			t.Fatalf("decision %+v: keep and reason disagree", d)
		}
	})
}
