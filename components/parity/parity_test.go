package parity

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-bridge/otelcol-bridge/components/semconv"
)

// Testdata, all real: jaeger-trace-3ea17da5.json is Jaeger v2 (v1.76.0, memory storage)
// answering /api/traces/{id} after receiving, over OTLP, what the bridge's jaeger receiver
// made of jaeger-client-go's spans; zipkin-trace-7d7761e5.json is zipkin-go's JSON as sent
// (Zipkin's API returns the same v2 model); traces.jsonl holds the bridge's translations of
// both, as its file exporter writes them (before any normalization).
const (
	jaegerTraceID = "3ea17da5fd0f97cd3fcddfbfa2e341de"
	zipkinTraceID = "7d7761e535a809d3060993cfc5f01ebb"
)

func mustID(t *testing.T, s string) pcommon.TraceID {
	t.Helper()
	id, err := ParseTraceID(s)
	require.NoError(t, err)
	return id
}

// fakeJaeger serves the captured trace, 404 for any other id (with the body Jaeger sends),
// and the search API.
func fakeJaeger(t *testing.T) *httptest.Server {
	body, err := os.ReadFile(filepath.Join("testdata", "jaeger-trace-3ea17da5.json"))
	require.NoError(t, err)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/api/traces/"+jaegerTraceID:
			_, _ = w.Write(body)
		case r.URL.Path == "/api/traces" && r.URL.Query().Get("service") == "checkout-jaeger-go":
			if r.URL.Query().Get("start") == "" || r.URL.Query().Get("limit") != "5" {
				http.Error(w, "bad search", http.StatusBadRequest)
				return
			}
			_, _ = w.Write(body)
		case strings.HasPrefix(r.URL.Path, "/api/traces/"):
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"data":null,"total":0,"limit":0,"offset":0,"errors":[{"code":404,"msg":"trace not found"}]}`))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func fakeZipkin(t *testing.T) *httptest.Server {
	body, err := os.ReadFile(filepath.Join("testdata", "zipkin-trace-7d7761e5.json"))
	require.NoError(t, err)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/v2/trace/" + zipkinTraceID:
			_, _ = w.Write(body)
		case "/api/v2/traces":
			_, _ = w.Write(append(append([]byte("["), body...), ']'))
		default:
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte("Trace not found"))
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func source(t *testing.T, spec string) Source {
	t.Helper()
	s, err := ParseSource(spec, nil)
	require.NoError(t, err)
	return s
}

func TestJaegerMatchesTheBridgesOwnOutput(t *testing.T) {
	srv := fakeJaeger(t)
	rep, err := Run(context.Background(), Options{
		Left:     source(t, "jaeger="+srv.URL),
		Right:    source(t, "otlp-file="+filepath.Join("testdata", "traces.jsonl")),
		TraceIDs: []pcommon.TraceID{mustID(t, jaegerTraceID)},
		Compare:  CompareOptions{IgnoreAttributes: DefaultIgnoredAttributes},
	})
	require.NoError(t, err)
	require.Empty(t, rep.Mismatches, "%+v", rep.Mismatches)
	assert.True(t, rep.OK)
	assert.Equal(t, 1, rep.TracesMatching)
}

func TestZipkinMatchesTheBridgesOwnOutput(t *testing.T) {
	srv := fakeZipkin(t)
	rep, err := Run(context.Background(), Options{
		Left:    source(t, "zipkin="+srv.URL+"/"),
		Right:   source(t, "otlp-file="+filepath.Join("testdata", "traces.jsonl")),
		Sample:  5,
		Query:   SampleQuery{Lookback: time.Hour},
		Compare: CompareOptions{IgnoreAttributes: DefaultIgnoredAttributes, FoldNameCase: true, ServiceNameOnlyResource: true},
	})
	require.NoError(t, err)
	require.Empty(t, rep.Mismatches, "%+v", rep.Mismatches)
	assert.Equal(t, 1, rep.TracesCompared)
}

func TestJaegerSample(t *testing.T) {
	srv := fakeJaeger(t)
	j := source(t, "jaeger="+srv.URL)
	ids, err := j.Sample(context.Background(), 5, SampleQuery{Service: "checkout-jaeger-go", Lookback: time.Hour})
	require.NoError(t, err)
	assert.Equal(t, []pcommon.TraceID{mustID(t, jaegerTraceID)}, ids)

	_, err = j.Sample(context.Background(), 5, SampleQuery{Lookback: time.Hour})
	require.ErrorIs(t, err, ErrUsage)
	assert.ErrorContains(t, err, "needs --service")

	_, found, err := j.Fetch(context.Background(), mustID(t, "1"))
	require.NoError(t, err)
	assert.False(t, found, "404 is a missing trace, not an error")
}

func TestQueryAPIErrorsNameTheURL(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "html") {
			_, _ = w.Write([]byte("<html>not an API</html>"))
			return
		}
		http.Error(w, "storage unavailable", http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	id := mustID(t, jaegerTraceID)
	for _, spec := range []string{"jaeger=" + srv.URL, "zipkin=" + srv.URL} {
		_, _, err := source(t, spec).Fetch(context.Background(), id)
		require.Error(t, err)
		assert.Contains(t, err.Error(), srv.URL)
		assert.Contains(t, err.Error(), "HTTP 503")
	}
	_, _, err := source(t, "jaeger="+srv.URL+"/html").Fetch(context.Background(), id)
	assert.ErrorContains(t, err, "not Jaeger query API JSON")
	_, _, err = source(t, "zipkin=http://127.0.0.1:1").Fetch(context.Background(), id)
	assert.ErrorContains(t, err, "GET http://127.0.0.1:1/api/v2/trace/"+jaegerTraceID)
}

func TestOTLPFileErrorsNameTheLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "traces.jsonl")
	good, err := os.ReadFile(filepath.Join("testdata", "traces.jsonl"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, append(good, []byte("{\"resourceSpans\": [\n")...), 0o600))
	_, _, err = source(t, "otlp-file="+path).Fetch(context.Background(), mustID(t, jaegerTraceID))
	assert.ErrorContains(t, err, path+":3: not an OTLP JSON traces line")

	_, _, err = source(t, "otlp-file=/nonexistent/traces.jsonl").Fetch(context.Background(), mustID(t, jaegerTraceID))
	assert.ErrorContains(t, err, "/nonexistent/traces.jsonl")
}

func TestOTLPFileSample(t *testing.T) {
	f := source(t, "otlp-file="+filepath.Join("testdata", "traces.jsonl"))
	ids, err := f.Sample(context.Background(), 10, SampleQuery{})
	require.NoError(t, err)
	assert.Len(t, ids, 3, "two traces of jaeger-client-go, one of zipkin-go")
	ids, err = f.Sample(context.Background(), 10, SampleQuery{Service: "checkout-zipkin-go"})
	require.NoError(t, err)
	assert.Equal(t, []pcommon.TraceID{mustID(t, zipkinTraceID)}, ids)
	ids, err = f.Sample(context.Background(), 2, SampleQuery{})
	require.NoError(t, err)
	assert.Len(t, ids, 2)
}

func TestParseSourceAndTraceID(t *testing.T) {
	for spec, want := range map[string]string{
		"jaeger":                 "want kind=location",
		"jaeger=localhost:16686": "needs an http(s) URL such as http://localhost:16686",
		"tempo=http://x":         `unknown source kind "tempo"`,
		"otlp-file=":             "want kind=location",
	} {
		_, err := ParseSource(spec, nil)
		require.ErrorIs(t, err, ErrUsage, spec)
		assert.ErrorContains(t, err, want, spec)
	}
	id, err := ParseTraceID("06d0e13ad4f4b1cf")
	require.NoError(t, err)
	assert.Equal(t, "000000000000000006d0e13ad4f4b1cf", id.String(), "64-bit ids are padded on the left")
	for _, bad := range []string{"", "xyz", "0", strings.Repeat("a", 33)} {
		_, err := ParseTraceID(bad)
		assert.ErrorIs(t, err, ErrUsage, bad)
	}
}

// loadFile returns one trace of traces.jsonl.
func loadTrace(t *testing.T, id string) ptrace.Traces {
	td, found, err := (&OTLPFile{Path: filepath.Join("testdata", "traces.jsonl")}).Fetch(context.Background(), mustID(t, id))
	require.NoError(t, err)
	require.True(t, found)
	return td
}

func TestCompareFindsEveryKindOfDifference(t *testing.T) {
	id := mustID(t, jaegerTraceID)
	left := loadTrace(t, jaegerTraceID)
	right := loadTrace(t, jaegerTraceID)
	spans := right.ResourceSpans().At(0).ScopeSpans().At(0).Spans()
	// Drop the SELECT span, change the POST span, add a span only the right has.
	spans.RemoveIf(func(s ptrace.Span) bool { return s.Name() == "SELECT shop.orders" })
	for i := 0; i < spans.Len(); i++ {
		s := spans.At(i)
		if s.Name() == "POST /v2/charges" {
			s.Attributes().PutInt("http.status_code", 502)
			s.Attributes().Remove("peer.service")
			s.Attributes().PutStr("otelcol_bridge.normalized_from", "ignored by default")
			s.SetKind(ptrace.SpanKindInternal)
			s.Status().SetCode(ptrace.StatusCodeOk)
		}
	}
	extra := spans.AppendEmpty()
	extra.SetName("extra")
	extra.SetTraceID(id)
	extra.SetSpanID(pcommon.SpanID{1, 2, 3, 4, 5, 6, 7, 8})
	right.ResourceSpans().At(0).Resource().Attributes().PutStr("host.name", "other-vm")

	res := CompareTrace(id, left, true, right, true, CompareOptions{IgnoreAttributes: DefaultIgnoredAttributes})
	assert.False(t, res.Matches())
	assert.Equal(t, []SpanRef{{SpanID: "7e5a74a407856210", Name: "SELECT shop.orders", Service: "checkout-jaeger-go"}}, res.SpansMissingRight)
	assert.Equal(t, []SpanRef{{SpanID: "0102030405060708", Name: "extra", Service: "checkout-jaeger-go"}}, res.SpansMissingLeft)
	fields := map[string][2]string{}
	for _, d := range res.Differences {
		if d.Name == "POST /v2/charges" {
			fields[d.Field] = [2]string{d.Left, d.Right}
		}
	}
	assert.Equal(t, map[string][2]string{
		"kind":                      {"Client", "Internal"},
		"status":                    {"Error", "Ok"},
		"http.response.status_code": {"503", "502"},
		"service.peer.name":         {"payments", "(absent)"},
		"resource:host.name":        {"vm", "other-vm"},
	}, fields, "compared after normalization, resource attributes as resource:<key>")

	// The same comparison ignoring what differs on purpose.
	res = CompareTrace(id, loadTrace(t, jaegerTraceID), true, loadTrace(t, jaegerTraceID), true,
		CompareOptions{IgnoreAttributes: []string{"resource:*"}})
	assert.True(t, res.Matches())

	res = CompareTrace(id, left, true, ptrace.NewTraces(), false, CompareOptions{})
	assert.Equal(t, "right", res.Missing)
}

func TestThresholdAndReports(t *testing.T) {
	srv := fakeJaeger(t)
	opts := Options{
		Left:  source(t, "otlp-file="+filepath.Join("testdata", "traces.jsonl")),
		Right: source(t, "jaeger="+srv.URL),
		// Jaeger has one of the file's three traces.
		Sample:           3,
		Compare:          CompareOptions{IgnoreAttributes: DefaultIgnoredAttributes},
		MaxMismatchRatio: 0.5,
	}
	rep, err := Run(context.Background(), opts)
	require.NoError(t, err)
	assert.Equal(t, 3, rep.TracesCompared)
	assert.Equal(t, 2, rep.TracesMismatched)
	assert.False(t, rep.OK, "2/3 > 0.5")

	opts.MaxMismatchRatio = 0.7
	rep, err = Run(context.Background(), opts)
	require.NoError(t, err)
	assert.True(t, rep.OK)

	var text bytes.Buffer
	require.NoError(t, rep.WriteText(&text))
	assert.Contains(t, text.String(), "PARITY: 3 traces compared, 1 identical, 2 different (66.7%, allowed 70.0%)")
	assert.Contains(t, text.String(), "trace "+zipkinTraceID+": missing on the right (4 spans on the other side)")

	var js bytes.Buffer
	require.NoError(t, rep.WriteJSON(&js))
	var decoded Report
	require.NoError(t, json.Unmarshal(js.Bytes(), &decoded))
	assert.Equal(t, *rep, decoded)

	_, err = Run(context.Background(), Options{Left: opts.Left, Right: opts.Right})
	assert.True(t, errors.Is(err, ErrUsage))
}

func TestGlob(t *testing.T) {
	for _, tc := range []struct {
		pattern, s string
		want       bool
	}{
		{"otelcol_bridge.*", "otelcol_bridge.normalized_from", true},
		{"otelcol_bridge.*", "resource:otelcol_bridge.x", false},
		{"*.id", "service.instance.id", true},
		{"resource:*", "resource:host.name", true},
		{"a*b*c", "axxbyyc", true},
		{"a*b*c", "axxc", false},
		{"exact", "exact", true},
		{"ab*ba", "aba", false},
	} {
		assert.Equal(t, tc.want, globMatch(tc.pattern, tc.s), "%s %s", tc.pattern, tc.s)
	}
}

// TestNormalizedRouteMatchesTheRawOne: the new route carries legacy_normalize's output
// (current names, provenance attribute, error events renamed, component scopes), the old one
// the raw translation; the comparison sees no difference.
func TestNormalizedRouteMatchesTheRawOne(t *testing.T) {
	for _, id := range []string{jaegerTraceID, zipkinTraceID} {
		raw := loadTrace(t, id)
		normalized := loadTrace(t, id)
		semconv.New(semconv.Options{ProvenanceKey: semconv.DefaultProvenanceKey}).Traces(normalized)
		res := CompareTrace(mustID(t, id), raw, true, normalized, true, CompareOptions{IgnoreAttributes: DefaultIgnoredAttributes})
		assert.True(t, res.Matches(), "%+v", res)
		res = CompareTrace(mustID(t, id), loadTrace(t, id), true, normalized, true, CompareOptions{})
		assert.False(t, res.Matches(), "without the default ignores the provenance attribute differs")
	}
}
