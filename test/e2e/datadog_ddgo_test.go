//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// ddgoSender is test/e2e/ddgo (dd-trace-go v2, in a module of its own).
func ddgoSender(t *testing.T) string { return buildProgram(t, "test/e2e/ddgo") }

// TestDDTraceGoLive runs the real dd-trace-go v2 tracer against the bridge: it reads /info,
// picks the protocol the bridge advertises (v1.0), and sends a trace over several services
// with a 128-bit id, an error and a span link.
func TestDDTraceGoLive(t *testing.T) {
	bin := ddgoSender(t)
	col, url, metricsURL := startDatadogBridge(t)

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin)
	cmd.Env = append(os.Environ(), "DD_TRACE_AGENT_URL="+url,
		"DD_INSTRUMENTATION_TELEMETRY_ENABLED=false", "DD_REMOTE_CONFIGURATION_ENABLED=false",
		"DD_TRACE_STARTUP_LOGS=false")
	out, err := cmd.Output()
	if ee, ok := err.(*exec.ExitError); ok {
		t.Fatalf("ddgo: %v\n%s", err, ee.Stderr)
	}
	require.NoError(t, err)
	var res struct {
		TraceID      string `json:"traceId"`
		RootSpanID   uint64 `json:"rootSpanId"`
		ErrorSpanID  uint64 `json:"errorSpanId"`
		LinkedSpanID uint64 `json:"linkedSpanId"`
	}
	require.NoError(t, json.Unmarshal(out, &res), "ddgo output %q", out)
	require.Len(t, res.TraceID, 32)
	require.NotEqual(t, strings.Repeat("0", 16), res.TraceID[:16], "dd-trace-go v2 generates 128-bit trace ids")

	td := waitForTrace(t, col.Path("traces.jsonl"), res.TraceID, 3)
	spans := spansByName(t, spansOfTrace(td, res.TraceID))
	require.Len(t, spans, 3)
	root, db, charge := spans["GET /api/orders/{id}"], spans["SELECT * FROM orders WHERE id = $1"], spans["POST /v2/charges"]
	require.NotNil(t, root.Span, "root span by its resource name; have %v", keys(spans))
	require.NotNil(t, db.Span)
	require.NotNil(t, charge.Span)

	assert.Equal(t, fmt.Sprintf("%016x", res.RootSpanID), root.Span.SpanID().String())
	assert.True(t, root.Span.ParentSpanID().IsEmpty())
	assert.Equal(t, ptrace.SpanKindServer, root.Span.Kind())
	assertStr(t, root.Resource.Attributes(), "service.name", "checkout-ddgo")
	assertStr(t, root.Resource.Attributes(), "service.version", "3.1.0")
	assertStr(t, root.Resource.Attributes(), "deployment.environment.name", "e2e")
	assert.Contains(t, strings.ToLower(root.Scope.Name()), "go", "scope names the tracer")
	assert.Equal(t, ptrace.StatusCodeUnset, root.Span.Status().Code())

	require.Equal(t, 1, root.Span.Links().Len(), "span link to the producer")
	assert.Equal(t, fmt.Sprintf("%016x", res.LinkedSpanID), root.Span.Links().At(0).SpanID().String())
	assertStr(t, root.Span.Links().At(0).Attributes(), "link.reason", "enqueued-by")

	assert.Equal(t, ptrace.SpanKindClient, db.Span.Kind())
	assert.Equal(t, root.Span.SpanID(), db.Span.ParentSpanID())
	assertStr(t, db.Resource.Attributes(), "service.name", "checkout-ddgo-postgres")

	assert.Equal(t, fmt.Sprintf("%016x", res.ErrorSpanID), charge.Span.SpanID().String())
	assert.Equal(t, ptrace.StatusCodeError, charge.Span.Status().Code())
	assert.Equal(t, "card declined", charge.Span.Status().Message())
	ev := findEvent(t, charge.Span, "exception")
	assertStr(t, ev.Attributes(), "exception.message", "card declined")

	// The tracer chose the v1.0 protocol because /info advertises it.
	resp, err := http.Get(metricsURL)
	require.NoError(t, err)
	self, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Regexp(t, `otelcol_receiver_datadog_payloads(_total)?\{[^}]*endpoint="/v1.0/traces"[^}]*\} [1-9]`, string(self))
}
