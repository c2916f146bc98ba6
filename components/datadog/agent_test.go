package datadog

import (
	"encoding/json"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	pbtrace "github.com/DataDog/datadog-agent/pkg/proto/pbgo/trace"
	"github.com/DataDog/datadog-agent/pkg/proto/pbgo/trace/idx"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/pmetrictest"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/ptracetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"google.golang.org/protobuf/proto"
)

var genAgent = flag.Bool("gen-agent", false, "rewrite the Agent payloads (agent_*_pbgo) with datadog-agent's own encoders")

// The Agent's intake payloads are written by DataDog's own Go encoders
// (github.com/DataDog/datadog-agent/pkg/proto, a test-only dependency): the
// spans, stats and tracer fields are the real dd-trace-go v2.12.0 captures,
// wrapped the way a trace-agent wraps what tracers send it.
const (
	agentHostname = "fixture-agent"
	agentEnv      = "agent-default-env"
	agentVersion  = "7.80.0"
)

// agentTracesFromV04 wraps the v0.4 capture: one TracerPayload, one chunk per
// trace, tracer fields from the request headers, env/version from the spans,
// the chunk priority from the root's _sampling_priority_v1 (as the Agent does).
func agentTracesFromV04(t *testing.T) []byte {
	body, err := os.ReadFile("testdata/v04_dd_trace_go/payload.msgpack")
	require.NoError(t, err)
	var traces pbtrace.Traces
	_, err = traces.UnmarshalMsg(body)
	require.NoError(t, err)
	req := readRequest(t, "v04_dd_trace_go")
	tp := &pbtrace.TracerPayload{
		LanguageName:    req.Headers.Get(HeaderLang),
		LanguageVersion: req.Headers.Get(HeaderLangVersion),
		TracerVersion:   req.Headers.Get(HeaderTracerVersion),
		RuntimeID:       "2ee24f66-1140-47a4-a90c-57218a4232d3",
		Tags:            map[string]string{"_dd.tags.container": "kube_namespace:shop"},
	}
	for _, tr := range traces {
		chunk := &pbtrace.TraceChunk{Priority: int32(agentPriorityNone), Spans: tr, Tags: map[string]string{}}
		for _, s := range tr {
			if p, ok := s.Metrics[metricPriority]; ok {
				chunk.Priority = int32(p)
			}
			if tp.Env == "" {
				tp.Env = s.Meta[tagEnv]
			}
			if tp.AppVersion == "" {
				tp.AppVersion = s.Meta[tagVersion]
			}
		}
		tp.Chunks = append(tp.Chunks, chunk)
	}
	ap := &pbtrace.AgentPayload{
		HostName: agentHostname, Env: agentEnv, AgentVersion: agentVersion,
		TargetTPS: 10, ErrorTPS: 10, TracerPayloads: []*pbtrace.TracerPayload{tp},
		Tags: map[string]string{"_dd.agent.tag": "from-agent"},
	}
	// The Agent's MarshalAgentPayload writes only idxTracerPayloads; payloads
	// of the older shape go through the generated MarshalVT.
	out, err := ap.MarshalVT()
	require.NoError(t, err)
	return out
}

// agentTracesFromV10 wraps the v1.0 capture as the Agent does since it
// speaks v1.0: idx.TracerPayload in field 11, decoded by its own reader.
func agentTracesFromV10(t *testing.T) []byte {
	body, err := os.ReadFile("testdata/v10_dd_trace_go/payload.msgpack")
	require.NoError(t, err)
	var itp idx.InternalTracerPayload
	_, err = itp.UnmarshalMsg(body)
	require.NoError(t, err)
	ap := &pbtrace.AgentPayload{
		HostName: agentHostname, Env: agentEnv, AgentVersion: agentVersion,
		TargetTPS: 10, ErrorTPS: 10, IdxTracerPayloads: []*idx.TracerPayload{itp.ToProto()},
	}
	out, err := pbtrace.MarshalAgentPayload(ap)
	require.NoError(t, err)
	return out
}

// agentStats wraps both /v0.6/stats captures in one StatsPayload; the v1.0
// run's hostname is cleared so the Agent's stands in.
func agentStatsPayload(t *testing.T) *pbtrace.StatsPayload {
	sp := &pbtrace.StatsPayload{AgentHostname: agentHostname, AgentEnv: agentEnv, AgentVersion: agentVersion, ClientComputed: true}
	for i, dir := range []string{"stats_v04_dd_trace_go", "stats_v10_dd_trace_go"} {
		body, err := os.ReadFile(filepath.Join("testdata", "intake", dir, "payload.msgpack"))
		require.NoError(t, err)
		var c pbtrace.ClientStatsPayload
		_, err = c.UnmarshalMsg(body)
		require.NoError(t, err)
		if i == 1 {
			c.Hostname = ""
		}
		sp.Stats = append(sp.Stats, &c)
	}
	return sp
}

func writeAgentCase(t *testing.T, dir, file, path, contentType string, payload []byte) {
	require.NoError(t, os.MkdirAll(filepath.Join("testdata", dir), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join("testdata", dir, file), payload, 0o644))
	if path == "" {
		return
	}
	h := http.Header{}
	h.Set("Content-Type", contentType)
	h.Set("Dd-Agent-Version", agentVersion)
	h.Set("X-Datadog-Reported-Languages", "go")
	meta, err := json.MarshalIndent(requestMeta{Method: "POST", Path: path, Headers: h}, "", "  ")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join("testdata", dir, "request.json"), append(meta, '\n'), 0o644))
}

// TestGenerateAgentPayloads writes the agent_*_pbgo payloads. Run with -gen-agent.
func TestGenerateAgentPayloads(t *testing.T) {
	if !*genAgent {
		t.Skip("run with -gen-agent to regenerate")
	}
	writeAgentCase(t, "agent_v02_pbgo", "payload.pb", "/api/v0.2/traces", "application/x-protobuf", agentTracesFromV04(t))
	writeAgentCase(t, "agent_v02_idx_pbgo", "payload.pb", "/api/v0.2/traces", "application/x-protobuf", agentTracesFromV10(t))
	sp := agentStatsPayload(t)
	mp, err := sp.MarshalMsg(nil)
	require.NoError(t, err)
	writeAgentCase(t, filepath.Join("intake", "stats_agent_v02_pbgo"), "payload.msgpack", "", "", mp)
	pb, err := proto.MarshalOptions{Deterministic: true}.Marshal(sp)
	require.NoError(t, err)
	writeAgentCase(t, filepath.Join("intake", "stats_agent_v02_proto_pbgo"), "payload.pb", "", "", pb)
}

// withoutAttrs removes resource attributes one side has and the other
// cannot have.
func withoutAttrs(td ptrace.Traces, keys ...string) ptrace.Traces {
	for _, rs := range td.ResourceSpans().All() {
		for _, k := range keys {
			rs.Resource().Attributes().Remove(k)
		}
	}
	return td
}

// TestAgentPayloadsAgree: an Agent payload translates to what the tracer's
// own request translates to, plus what the Agent adds (its tags, the tracer
// payload's runtime id) and minus what it does not carry (the interpreter
// header).
func TestAgentPayloadsAgree(t *testing.T) {
	byDir := map[string]goldenCase{}
	for _, c := range goldenCases {
		byDir[c.dir] = c
	}
	want := withoutAttrs(translateCase(t, byDir["v04_dd_trace_go"]), "process.runtime.description")
	got := withoutAttrs(translateCase(t, byDir["agent_v02_pbgo"]), "service.instance.id", "_dd.tags.container", "_dd.agent.tag")
	require.NoError(t, ptracetest.CompareTraces(want, got))

	want = withoutAttrs(translateCase(t, byDir["v10_dd_trace_go"]), "process.runtime.description")
	got = withoutAttrs(translateCase(t, byDir["agent_v02_idx_pbgo"]), "process.runtime.description")
	require.NoError(t, ptracetest.CompareTraces(want, got))
}

func TestAgentPayloadPriorities(t *testing.T) {
	span := func(id uint64) *pbtrace.Span {
		return &pbtrace.Span{Service: "svc", Name: "op", TraceID: id, SpanID: id, Start: 1, Duration: 1}
	}
	ap := &pbtrace.AgentPayload{HostName: "agent", Env: "prod", TracerPayloads: []*pbtrace.TracerPayload{
		{LanguageName: "python", Hostname: "tracer-host", Chunks: []*pbtrace.TraceChunk{
			{Priority: 0, Spans: []*pbtrace.Span{span(1)}}, // kept by the Agent's error/rare sampler
			{Priority: 2, Spans: []*pbtrace.Span{span(2)}},
			{Priority: -1, DroppedTrace: true, Spans: []*pbtrace.Span{span(3)}},
			{Priority: int32(agentPriorityNone), Spans: []*pbtrace.Span{span(4)}},
		}},
		{LanguageName: "java", Chunks: []*pbtrace.TraceChunk{{Priority: 1, Spans: []*pbtrace.Span{span(5)}}}},
	}}
	body, err := ap.MarshalVT()
	require.NoError(t, err)

	td, stats, err := NewTranslator(Options{DropRejected: true}).Translate(AgentV02, Protobuf, body, Payload{})
	require.NoError(t, err)
	assert.Equal(t, 4, stats.Spans)
	assert.Equal(t, 1, stats.RejectedSpans, "only the chunk the Agent marked dropped")

	prio := map[uint64]any{}
	for _, rs := range td.ResourceSpans().All() {
		res := rs.Resource().Attributes().AsRaw()
		for _, s := range rs.ScopeSpans().At(0).Spans().All() {
			id := s.SpanID()
			v, ok := s.Attributes().Get(attrSamplingPri)
			prio[uint64(id[7])] = nil
			if ok {
				prio[uint64(id[7])] = v.Int()
			}
			assert.Equal(t, "prod", res["deployment.environment.name"])
			if rs.ScopeSpans().At(0).Scope().Name() == "dd-trace-java" {
				assert.Equal(t, "agent", res["host.name"], "the Agent's hostname stands in")
			} else {
				assert.Equal(t, "tracer-host", res["host.name"])
			}
		}
	}
	assert.Equal(t, map[uint64]any{1: int64(0), 2: int64(2), 4: nil, 5: int64(1)}, prio)
	assert.Equal(t, 2, td.ResourceSpans().Len(), "tracer payloads never share a resource")
}

func TestAgentPayloadErrors(t *testing.T) {
	body, err := os.ReadFile("testdata/agent_v02_pbgo/payload.pb")
	require.NoError(t, err)
	tr := NewTranslator(Options{})
	for _, n := range []int{1, len(body) / 2, len(body) - 1} {
		td, stats, err := tr.Translate(AgentV02, Protobuf, body[:n], Payload{})
		require.Error(t, err, "truncated at %d", n)
		assert.Equal(t, stats.Spans, td.SpanCount())
	}
	_, _, err = tr.Translate(AgentV02, Msgpack, body, Payload{})
	require.ErrorIs(t, err, ErrUnsupportedEncoding)
	_, _, err = tr.Translate(V04, Protobuf, body, Payload{})
	require.ErrorIs(t, err, ErrUnsupportedEncoding)
}

func TestAgentStatsMatchesTracerStats(t *testing.T) {
	// What /v0.6/stats makes of each capture, with the Agent's hostname
	// where the second one has none.
	want := pmetric.NewMetrics()
	for i, dir := range []string{"stats_v04_dd_trace_go", "stats_v10_dd_trace_go"} {
		body, err := os.ReadFile(filepath.Join("testdata", "intake", dir, "payload.msgpack"))
		require.NoError(t, err)
		md, _, err := TranslateTracerStats(body, Payload{})
		require.NoError(t, err)
		if i == 1 {
			for _, rm := range md.ResourceMetrics().All() {
				rm.Resource().Attributes().PutStr("host.name", agentHostname)
			}
		}
		md.ResourceMetrics().MoveAndAppendTo(want.ResourceMetrics())
	}
	for _, c := range []struct {
		file string
		enc  Encoding
	}{{"stats_agent_v02_pbgo/payload.msgpack", Msgpack}, {"stats_agent_v02_proto_pbgo/payload.pb", Protobuf}} {
		body, err := os.ReadFile(filepath.Join("testdata", "intake", c.file))
		require.NoError(t, err)
		got, stats, err := TranslateAgentStats(body, c.enc, Payload{})
		require.NoError(t, err)
		assert.Equal(t, got.DataPointCount(), stats.Points)
		require.NoError(t, pmetrictest.CompareMetrics(want, got, pmetrictest.IgnoreResourceMetricsOrder(),
			pmetrictest.IgnoreMetricsOrder(), pmetrictest.IgnoreMetricDataPointsOrder()), c.file)
	}
}

func agentStatsTranslate(enc Encoding) func([]byte) (pmetric.Metrics, MetricsStats, error) {
	return func(b []byte) (pmetric.Metrics, MetricsStats, error) {
		return TranslateAgentStats(b, enc, Payload{})
	}
}

func FuzzDecodeAgentV02(f *testing.F) { fuzzTranslate(f, AgentV02, Protobuf) }

func FuzzAgentStats(f *testing.F) {
	fuzzIntake(f, "stats_agent_v02_pbgo", agentStatsTranslate(Msgpack))
}

func FuzzAgentStatsProto(f *testing.F) {
	fuzzIntake(f, "stats_agent_v02_proto_pbgo", agentStatsTranslate(Protobuf))
}
