package piiredactionprocessor

import (
	"context"
	"flag"
	"path/filepath"
	"strings"
	"testing"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/golden"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/plogtest"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/ptracetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor/processortest"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/sdk/metric/metricdata/metricdatatest"

	"github.com/otelcol-bridge/otelcol-bridge/components/pii"
	"github.com/otelcol-bridge/otelcol-bridge/processor/piiredactionprocessor/internal/metadata"
	"github.com/otelcol-bridge/otelcol-bridge/processor/piiredactionprocessor/internal/metadatatest"
)

var update = flag.Bool("update", false, "rewrite testdata/*/input.yaml and output.yaml")

// Fake secrets, assembled at run time so the source holds no token-shaped literal.
var (
	fakeJWT    = "eyJhbGciOiJIUzI1NiJ9." + "eyJzdWIiOiI0MiJ9." + "c2lnbmF0dXJlLW5vdC1yZWFs"
	fakeGitHub = "ghp_" + strings.Repeat("Zx9q", 9)
	fakeAWS    = "AKIA" + "QWERTYUIOP234567"
)

const (
	fakeCard  = "4111 1111 1111 1111"
	fakeEmail = "ana.souza@example.com"
	fakeSSN   = "536-22-1234"
	fakeHMAC  = "0123456789abcdef0123456789abcdef"
)

func logsInput() plog.Logs {
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr("service.name", "checkout")
	rl.Resource().Attributes().PutStr("deploy.token", "tok_"+strings.Repeat("9", 12))
	sl := rl.ScopeLogs().AppendEmpty()
	sl.Scope().SetName("checkout/payments")
	sl.Scope().Attributes().PutStr("owner", fakeEmail)

	lr := sl.LogRecords().AppendEmpty()
	lr.Body().SetStr("charge ok card=" + fakeCard + " by " + fakeEmail + " password=hunter2 ssn " + fakeSSN)
	lr.Attributes().PutStr("http.request.header.authorization", "Bearer "+fakeJWT)
	lr.Attributes().PutStr("url.full", "https://api.example.com/cb?code=1&access_token=abc123xyz&page=2")
	lr.Attributes().PutStr("trace.note", "allowed key keeps "+fakeCard)
	lr.Attributes().PutInt("payment.pan", 4111111111111111)
	lr.Attributes().PutInt("order.id", 4111111111111112)
	lr.Attributes().PutStr("employee", "EMP-123456")

	lr = sl.LogRecords().AppendEmpty()
	body := lr.Body().SetEmptyMap()
	body.PutStr("msg", "user signed up")
	user := body.PutEmptyMap("user")
	user.PutStr("email", fakeEmail)
	user.PutStr("password", "correct horse battery staple")
	user.PutStr("iban", "DE89 3704 0044 0532 0130 00")
	tokens := body.PutEmptySlice("tokens")
	tokens.AppendEmpty().SetStr(fakeGitHub)
	tokens.AppendEmpty().SetStr("not a secret")
	tokens.AppendEmpty().SetEmptyMap().PutStr("aws", fakeAWS)

	lr = sl.LogRecords().AppendEmpty()
	lr.Body().SetStr("audit copy " + fakeCard)
	lr.Attributes().PutStr("redaction.skip", "true")

	lr = sl.LogRecords().AppendEmpty()
	lr.Body().SetStr("nothing to see: order ORD-2024-000123 shipped in 12ms")
	return ld
}

func tracesInput() ptrace.Traces {
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr("service.name", "orders")
	ss := rs.ScopeSpans().AppendEmpty()
	ss.Scope().SetName("orders/db")

	span := ss.Spans().AppendEmpty()
	span.SetName("SELECT orders")
	span.SetTraceID([16]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
	span.SetSpanID([8]byte{1, 2, 3, 4, 5, 6, 7, 8})
	span.Attributes().PutStr("db.statement", "SELECT * FROM payments WHERE pan = '"+fakeCard+"' AND email = '"+fakeEmail+"'")
	span.Attributes().PutStr("url.full", "postgres://app:s3cretPass@db:5432/orders?sslmode=disable")
	span.Attributes().PutStr("http.route", "/orders/{id}")
	ev := span.Events().AppendEmpty()
	ev.SetName("exception")
	ev.Attributes().PutStr("exception.message", "auth failed for token "+fakeGitHub)
	ev.Attributes().PutStr("exception.type", "AuthError")
	link := span.Links().AppendEmpty()
	link.Attributes().PutStr("note", "linked from "+fakeEmail)
	span.Status().SetCode(ptrace.StatusCodeError)
	span.Status().SetMessage("card " + fakeCard + " declined")

	span = ss.Spans().AppendEmpty()
	span.SetName("kyc")
	span.SetSpanID([8]byte{8, 7, 6, 5, 4, 3, 2, 1})
	span.Attributes().PutStr("applicant", "ssn="+fakeSSN)

	span = ss.Spans().AppendEmpty()
	span.SetName("healthcheck")
	span.SetSpanID([8]byte{9, 9, 9, 9, 9, 9, 9, 9})
	span.Attributes().PutStr("http.route", "/healthz")
	return td
}

type goldenCase struct {
	name string
	cfg  func(*Config)
}

var goldenCases = []goldenCase{
	{name: "default_secrets", cfg: func(*Config) {}},
	{name: "pii_actions", cfg: func(c *Config) {
		c.Presets = []string{"pii", "secrets"}
		c.Actions = map[string]pii.Action{"credit_card": pii.ActionPartial, "email": pii.ActionHash, "us_ssn": pii.ActionDrop}
		c.HMACKey = fakeHMAC
		c.CustomRules = []CustomRuleConfig{{Name: "employee_id", Pattern: `EMP-[0-9]{6}`, Action: pii.ActionDelete}}
		c.AllowedKeys = []string{"trace.note"}
		c.Skip = []SkipCondition{{Attribute: "redaction.skip", Equals: "true"}}
		c.ResourceAttributes, c.ScopeAttributes, c.Summary = true, true, true
	}},
}

func newConfig(mod func(*Config)) *Config {
	cfg := createDefaultConfig().(*Config)
	mod(cfg)
	return cfg
}

func TestGoldenLogs(t *testing.T) {
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join("testdata", "logs_"+tc.name)
			if *update {
				require.NoError(t, golden.WriteLogs(t, filepath.Join(dir, "input.yaml"), logsInput()))
			}
			input, err := golden.ReadLogs(filepath.Join(dir, "input.yaml"))
			require.NoError(t, err)
			sink := new(consumertest.LogsSink)
			p, err := NewFactory().CreateLogs(context.Background(), processortest.NewNopSettings(metadata.Type), newConfig(tc.cfg), sink)
			require.NoError(t, err)
			require.NoError(t, p.ConsumeLogs(context.Background(), input))
			require.Len(t, sink.AllLogs(), 1)
			got := sink.AllLogs()[0]
			if *update {
				require.NoError(t, golden.WriteLogs(t, filepath.Join(dir, "output.yaml"), got))
			}
			want, err := golden.ReadLogs(filepath.Join(dir, "output.yaml"))
			require.NoError(t, err)
			require.NoError(t, plogtest.CompareLogs(want, got))
		})
	}
}

func TestGoldenTraces(t *testing.T) {
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join("testdata", "traces_"+tc.name)
			if *update {
				require.NoError(t, golden.WriteTraces(t, filepath.Join(dir, "input.yaml"), tracesInput()))
			}
			input, err := golden.ReadTraces(filepath.Join(dir, "input.yaml"))
			require.NoError(t, err)
			sink := new(consumertest.TracesSink)
			p, err := NewFactory().CreateTraces(context.Background(), processortest.NewNopSettings(metadata.Type), newConfig(tc.cfg), sink)
			require.NoError(t, err)
			require.NoError(t, p.ConsumeTraces(context.Background(), input))
			require.Len(t, sink.AllTraces(), 1)
			got := sink.AllTraces()[0]
			if *update {
				require.NoError(t, golden.WriteTraces(t, filepath.Join(dir, "output.yaml"), got))
			}
			want, err := golden.ReadTraces(filepath.Join(dir, "output.yaml"))
			require.NoError(t, err)
			require.NoError(t, ptracetest.CompareTraces(want, got))
		})
	}
}

// The goldens are reviewed by eye; this states the properties that matter so a careless
// -update cannot bless a leak.
func TestGoldenOutputsLeakNothing(t *testing.T) {
	for _, tc := range goldenCases {
		logs, err := golden.ReadLogs(filepath.Join("testdata", "logs_"+tc.name, "output.yaml"))
		require.NoError(t, err)
		traces, err := golden.ReadTraces(filepath.Join("testdata", "traces_"+tc.name, "output.yaml"))
		require.NoError(t, err)
		lj, err := (&plog.JSONMarshaler{}).MarshalLogs(logs)
		require.NoError(t, err)
		tj, err := (&ptrace.JSONMarshaler{}).MarshalTraces(traces)
		require.NoError(t, err)
		for _, secret := range []string{fakeJWT, fakeGitHub, fakeAWS, "hunter2", "correct horse", "abc123xyz", "s3cretPass", "4111111111111111"} {
			assert.NotContains(t, string(lj)+string(tj), secret, tc.name)
		}
		// pii_actions: the skipped record keeps its card on purpose (the allow-listed one was in the dropped record).
		assert.Equal(t, btoi(tc.name == "pii_actions"), strings.Count(string(lj), fakeCard), tc.name)
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestTelemetry(t *testing.T) {
	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { require.NoError(t, tel.Shutdown(context.Background())) })
	cfg := newConfig(goldenCases[1].cfg)
	p, err := NewFactory().CreateTraces(context.Background(), metadatatest.NewSettings(tel), cfg, consumertest.NewNop())
	require.NoError(t, err)
	require.NoError(t, p.ConsumeTraces(context.Background(), tracesInput()))

	metadatatest.AssertEqualProcessorLogRedactionDroppedItems(t, tel, []metricdata.DataPoint[int64]{
		{Attributes: attribute.NewSet(attribute.String("signal", "traces")), Value: 1},
	}, metricdatatestIgnore...)
	got, err := tel.GetMetric("otelcol_processor_log_redaction_redactions")
	require.NoError(t, err)
	byRule := map[string]int64{}
	for _, dp := range got.Data.(metricdata.Sum[int64]).DataPoints {
		rule, _ := dp.Attributes.Value("rule")
		action, _ := dp.Attributes.Value("action")
		sig, _ := dp.Attributes.Value("signal")
		assert.Equal(t, "traces", sig.AsString())
		byRule[rule.AsString()+"/"+action.AsString()] += dp.Value
	}
	assert.Equal(t, map[string]int64{
		"credit_card/partial": 2, "email/hash": 2, "github_token/mask": 1, "url_credentials/mask": 1, "us_ssn/drop": 1,
	}, byRule)
	require.NoError(t, p.Shutdown(context.Background()))
}

// A panic while redacting a record drops it (fail closed) and is counted.
func TestRecordPanicDropsRecord(t *testing.T) {
	r, err := newRedactor(processortest.NewNopSettings(metadata.Type), newConfig(func(*Config) {}))
	require.NoError(t, err)
	ld := plog.NewLogs()
	lr := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
	lr.Body().SetStr("password=hunter2")
	st := r.engine.NewStats()
	r.allowed = nil
	// A LogRecord whose attributes cannot be read panics inside pdata.
	assert.True(t, r.redactLogRecord(plog.LogRecord{}, st))
	assert.Equal(t, uint64(1), st.Failures)
	assert.False(t, r.redactLogRecord(lr, st))
	assert.Equal(t, "password=****", lr.Body().Str())
}

// Records with nothing to redact cost no allocation.
func TestNoAllocationWhenNothingMatches(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops items at random under the race detector")
	}
	r, err := newRedactor(processortest.NewNopSettings(metadata.Type), createDefaultConfig().(*Config))
	require.NoError(t, err)
	ld := plog.NewLogs()
	sl := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty()
	for i := 0; i < 10; i++ {
		lr := sl.LogRecords().AppendEmpty()
		lr.Body().SetStr("GET /api/v1/orders/8841 200 12ms trace_id=4bf92f3577b34da6a3ce929d0e0e4736")
		lr.Attributes().PutStr("http.route", "/api/v1/orders/{id}")
		lr.Attributes().PutInt("http.status_code", 200)
		m := lr.Attributes().PutEmptyMap("nested")
		m.PutStr("k", "v 2024-01-15T10:22:33Z")
		m.PutEmptySlice("list").AppendEmpty().SetStr("1.24.3")
	}
	rl := ld.ResourceLogs().At(0)
	rl.Resource().Attributes().PutStr("service.name", "checkout")
	rl.ScopeLogs().At(0).Scope().SetName("checkout/http")
	lr := sl.LogRecords().AppendEmpty()
	lr.SetEventName("order.shipped")
	lr.Body().SetEmptyBytes().FromRaw([]byte(`{"order":"ORD-2024-000123","ms":12}`))
	lr.Attributes().PutEmptyBytes("blob").FromRaw([]byte("ok"))
	lr.Attributes().PutDouble("duration_ms", 12.5)
	lr.Attributes().PutDouble("bytes", 1234567890123)
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr("host.name", "node-7")
	span := rs.ScopeSpans().AppendEmpty().Spans().AppendEmpty()
	span.SetName("GET /api/v1/orders/{id}")
	span.Attributes().PutStr("db.statement", "SELECT id FROM orders WHERE id = $1")
	ev := span.Events().AppendEmpty()
	ev.SetName("exception")
	ev.Attributes().PutStr("exception.message", "timeout after 30s")
	span.Links().AppendEmpty().Attributes().PutInt("link.index", 3)
	span.Status().SetMessage("deadline exceeded")
	md := pmetric.NewMetrics()
	rm := md.ResourceMetrics().AppendEmpty()
	rm.Resource().Attributes().PutStr("service.name", "checkout")
	m := rm.ScopeMetrics().AppendEmpty().Metrics().AppendEmpty()
	m.SetName("http.server.request.duration")
	m.SetDescription("Duration of HTTP server requests.")
	hdp := m.SetEmptyHistogram().DataPoints().AppendEmpty()
	hdp.Attributes().PutStr("http.route", "/api/v1/orders/{id}")
	hdp.Attributes().PutInt("http.response.status_code", 200)
	hdp.Exemplars().AppendEmpty().FilteredAttributes().PutStr("user.tier", "gold")
	ctx := context.Background()
	allocs := testing.AllocsPerRun(100, func() {
		_, _ = r.processLogs(ctx, ld)
		_, _ = r.processTraces(ctx, td)
		_, _ = r.processMetrics(ctx, md)
	})
	assert.Zero(t, allocs)
	for name, f := range map[string]func(){"logs": func() { _, _ = r.processLogs(ctx, ld) }, "traces": func() { _, _ = r.processTraces(ctx, td) }, "metrics": func() { _, _ = r.processMetrics(ctx, md) }} {
		assert.Zero(t, testing.AllocsPerRun(100, f), name)
	}
}

var metricdatatestIgnore = []metricdatatest.Option{metricdatatest.IgnoreTimestamp()}
