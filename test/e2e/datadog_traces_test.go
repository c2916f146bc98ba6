//go:build e2e

package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// The datadog receiver (receiver/datadogreceiver) in the built distro: real
// dd-trace-go v2.12.0 captures (v0.4 and v1.0) are replayed byte for byte and
// the file exporter's OTLP is checked field by field.

func datadogConfig(ddPort, healthPort, telemetryPort int) string {
	return fmt.Sprintf(`
receivers:
  datadog:
    endpoint: 127.0.0.1:%d
exporters:
  file:
    path: ./traces.jsonl
    flush_interval: 100ms
extensions:
  health_check:
    endpoint: 127.0.0.1:%d
service:
  extensions: [health_check]
  pipelines:
    traces:
      receivers: [datadog]
      exporters: [file]
  telemetry:
    metrics:
      readers:
        - pull:
            exporter:
              prometheus:
                host: 127.0.0.1
                port: %d
`, ddPort, healthPort, telemetryPort)
}

type ddCapture struct {
	Path    string      `json:"path"`
	Headers http.Header `json:"headers"`
	Body    []byte
}

// ddFixture reads a capture copied into components/datadog/testdata.
func ddFixture(t *testing.T, dir string) ddCapture {
	t.Helper()
	base := filepath.Join(repoRoot(t), "components", "datadog", "testdata", dir)
	meta, err := os.ReadFile(filepath.Join(base, "request.json"))
	require.NoError(t, err)
	var c ddCapture
	require.NoError(t, json.Unmarshal(meta, &c))
	c.Body, err = os.ReadFile(filepath.Join(base, "payload.msgpack"))
	require.NoError(t, err)
	return c
}

func ddPost(t *testing.T, url string, c ddCapture) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url+c.Path, bytes.NewReader(c.Body))
	require.NoError(t, err)
	for k, v := range c.Headers {
		if k != "Content-Length" {
			req.Header[k] = v
		}
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// startDatadogBridge returns the collector, the receiver's URL and the URL of
// the collector's own metrics.
func startDatadogBridge(t *testing.T) (*Collector, string, string) {
	t.Helper()
	ports := freePorts(t, 3)
	c := startCollector(t, collectorOptions{Config: datadogConfig(ports[0], ports[1], ports[2]), HealthPort: ports[1]})
	return c, fmt.Sprintf("http://127.0.0.1:%d", ports[0]), fmt.Sprintf("http://127.0.0.1:%d/metrics", ports[2])
}

type ddSpan struct {
	res  pcommon.Map
	span ptrace.Span
}

func ddSpansByID(td ptrace.Traces) map[string]ddSpan {
	out := map[string]ddSpan{}
	for _, rs := range td.ResourceSpans().All() {
		for _, ss := range rs.ScopeSpans().All() {
			if ss.Scope().Name() != "dd-trace-go" || ss.Scope().Version() != "v2.12.0" {
				continue
			}
			for _, s := range ss.Spans().All() {
				out[s.SpanID().String()] = ddSpan{res: rs.Resource().Attributes(), span: s}
			}
		}
	}
	return out
}

func TestDatadogTraceFixtures(t *testing.T) {
	cases := []struct {
		dir, traceHigh         string
		kafka, root, pg, redis string // span ids
		charge                 string
		pid                    int64
	}{
		{"v04_dd_trace_go", "6b07bc7100000000", "4a34f1ca36099ceb", "79fe54754f8c312d", "26b27b0f26e44f28", "4d6250ebf80aff30", "2aef3f0fcfd8b13a", 17464},
		{"v10_dd_trace_go", "6b07bc7200000000", "00922e5792a29a36", "640c030858bb345f", "095efb8638678463", "200fd6443e3e9dd9", "31546a109918ff91", 17470},
	}
	for _, tc := range cases {
		t.Run(tc.dir, func(t *testing.T) {
			col, url, _ := startDatadogBridge(t)
			fx := ddFixture(t, tc.dir)
			status, body := ddPost(t, url, fx)
			require.Equal(t, http.StatusOK, status, body)
			assert.JSONEq(t, `{"rate_by_service":{}}`, body)

			var spans map[string]ddSpan
			waitFor(t, "5 dd-trace-go spans", func() bool {
				spans = ddSpansByID(parseTraces(t, readJSONLines(t, col.Path("traces.jsonl"))))
				return len(spans) >= 5
			})
			require.Len(t, spans, 5)

			kafka := spans[tc.kafka]
			require.True(t, kafka.span.SpanID().String() == tc.kafka, "kafka span missing")
			assert.Equal(t, tc.traceHigh+tc.kafka, kafka.span.TraceID().String(), "128-bit id from _dd.p.tid / chunk id")
			assert.Equal(t, "Produce Topic orders", kafka.span.Name())
			assert.Equal(t, ptrace.SpanKindProducer, kafka.span.Kind())
			assertStr(t, kafka.res, "service.name", "checkout-dd-go-kafka")
			assertStr(t, kafka.res, "deployment.environment.name", "staging")
			assertStr(t, kafka.res, "host.name", "fixture-host")
			assertStr(t, kafka.res, "telemetry.sdk.language", "go")
			assertStr(t, kafka.span.Attributes(), "operation.name", "kafka.produce")
			assertStr(t, kafka.span.Attributes(), "messaging.system", "kafka")
			assert.Equal(t, int64(1), attr(t, kafka.span.Attributes(), "sampling.priority").Int())
			assert.Equal(t, tc.pid, attr(t, kafka.span.Attributes(), "process.pid").Int())

			root := spans[tc.root]
			assert.Equal(t, tc.traceHigh+tc.root, root.span.TraceID().String())
			assert.Equal(t, "GET /api/orders/{id}", root.span.Name())
			assert.Equal(t, ptrace.SpanKindServer, root.span.Kind())
			assert.True(t, root.span.ParentSpanID().IsEmpty())
			assertStr(t, root.res, "service.name", "checkout-dd-go")
			assertStr(t, root.res, "service.version", "1.4.2")
			assertStr(t, root.span.Attributes(), "http.request.method", "GET")
			assert.Equal(t, int64(200), attr(t, root.span.Attributes(), "http.response.status_code").Int())
			assertStr(t, root.span.Attributes(), "url.full", "http://checkout.shop.internal:8080/api/orders/42")
			assertStr(t, root.span.Attributes(), "http.route", "/api/orders/{id}")
			assertStr(t, root.span.Attributes(), "component", "net/http")
			assertStr(t, root.span.Attributes(), "team", "payments")
			assert.Equal(t, 0.25, attr(t, root.span.Attributes(), "app.sampling.ratio").Double())
			_, leaked := root.span.Attributes().Get("_dd.span_links")
			assert.False(t, leaked, "meta _dd.span_links is translated, not copied")
			require.Equal(t, 1, root.span.Links().Len(), "native and meta links are deduplicated")
			link := root.span.Links().At(0)
			assert.Equal(t, tc.traceHigh+tc.kafka, link.TraceID().String())
			assert.Equal(t, tc.kafka, link.SpanID().String())
			assert.Equal(t, uint32(1), link.Flags())
			assertStr(t, link.Attributes(), "link.reason", "triggered-by-message")
			require.Equal(t, 1, root.span.Events().Len())
			ev := root.span.Events().At(0)
			assert.Equal(t, "order.validated", ev.Name())
			assertStr(t, ev.Attributes(), "order.id", "42")
			assert.Equal(t, int64(3), attr(t, ev.Attributes(), "order.items").Int())
			assert.Equal(t, 129.95, attr(t, ev.Attributes(), "order.total").Double())
			assert.False(t, attr(t, ev.Attributes(), "order.gift").Bool())
			assert.Equal(t, []any{"SKU-1", "SKU-2", "SKU-3"}, attr(t, ev.Attributes(), "order.skus").Slice().AsRaw())

			pg := spans[tc.pg]
			assert.Equal(t, root.span.SpanID(), pg.span.ParentSpanID())
			assert.Equal(t, tc.traceHigh+tc.root, pg.span.TraceID().String(), "upper bits applied to every span of the chunk")
			assert.Equal(t, ptrace.SpanKindClient, pg.span.Kind())
			assert.Equal(t, "SELECT * FROM orders WHERE id = $1", pg.span.Name())
			assertStr(t, pg.res, "service.name", "checkout-dd-go-postgres")
			assertStr(t, pg.span.Attributes(), "db.system.name", "postgresql")
			assertStr(t, pg.span.Attributes(), "db.namespace", "shop")
			assertStr(t, pg.span.Attributes(), "server.address", "db.shop.internal")
			assert.Equal(t, int64(5432), attr(t, pg.span.Attributes(), "server.port").Int())

			redis := spans[tc.redis]
			assert.Equal(t, "GET", redis.span.Name())
			assertStr(t, redis.res, "service.name", "checkout-dd-go-redis")
			assertStr(t, redis.span.Attributes(), "db.system.name", "redis")

			charge := spans[tc.charge]
			assert.Equal(t, "POST /v2/charges", charge.span.Name())
			assert.Equal(t, ptrace.StatusCodeError, charge.span.Status().Code())
			assert.Equal(t, "payment service unavailable: upstream connect error", charge.span.Status().Message())
			require.Equal(t, 1, charge.span.Events().Len())
			exc := charge.span.Events().At(0)
			assert.Equal(t, "exception", exc.Name())
			assertStr(t, exc.Attributes(), "exception.type", "*errortrace.TracerError")
			assertStr(t, exc.Attributes(), "exception.message", "payment service unavailable: upstream connect error")
			assert.Equal(t, charge.span.EndTimestamp(), exc.Timestamp())
			assert.Equal(t, int64(503), attr(t, charge.span.Attributes(), "http.response.status_code").Int())
			assertStr(t, charge.span.Attributes(), "peer.service", "payments")
			for _, s := range []ddSpan{kafka, root, pg, redis} {
				assert.Equal(t, ptrace.StatusCodeUnset, s.span.Status().Code())
			}
		})
	}
}

func TestDatadogUnknownPathAndSideFeatures(t *testing.T) {
	_, url, metricsURL := startDatadogBridge(t)
	get := func(method, path string) (int, string, string) {
		req, err := http.NewRequest(method, url+path, nil)
		require.NoError(t, err)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get("Content-Type"), string(b)
	}

	status, ct, body := get(http.MethodPost, "/dogstatsd/v3/proxy")
	assert.Equal(t, http.StatusNotFound, status)
	assert.Equal(t, "application/json", ct)
	var msg struct{ Error, Path string }
	require.NoError(t, json.Unmarshal([]byte(body), &msg), body)
	assert.Equal(t, "/dogstatsd/v3/proxy", msg.Path)
	assert.NotEmpty(t, msg.Error)

	// The unknown path is counted, by path, in the collector's own metrics.
	waitFor(t, "the unknown-path counter", func() bool {
		resp, err := http.Get(metricsURL)
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		for _, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(line, "otelcol_receiver_datadog_requests_unknown_path") &&
				strings.Contains(line, `path="/dogstatsd/v3/proxy"`) && strings.HasSuffix(line, " 1") {
				return true
			}
		}
		return false
	})

	status, _, body = get(http.MethodPost, "/v0.6/stats")
	assert.Equal(t, http.StatusNotImplemented, status, body)

	status, _, body = get(http.MethodGet, "/info")
	require.Equal(t, http.StatusOK, status)
	var info struct {
		Endpoints     []string `json:"endpoints"`
		ClientDropP0s bool     `json:"client_drop_p0s"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &info))
	assert.ElementsMatch(t, []string{"/v0.3/traces", "/v0.4/traces", "/v0.5/traces", "/v0.7/traces", "/v1.0/traces"}, info.Endpoints)
	assert.False(t, info.ClientDropP0s)
}
