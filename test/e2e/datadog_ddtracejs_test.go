//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

type ddJSResult struct {
	TraceID  string   `json:"traceId"`
	Services []string `json:"services"`
	Spans    int      `json:"spans"`
}

// dd-trace-js 5.x (the 6.x line needs Node >= 22) sends a trace with several
// services, an error and a 128-bit trace id through the bridge.
func TestDDTraceJS(t *testing.T) {
	jsDir := filepath.Join(repoRoot(t), "test", "e2e", "js-dd")
	if _, err := os.Stat(filepath.Join(jsDir, "node_modules", "dd-trace")); err != nil {
		t.Fatalf("dd-trace-js not installed in %s (run `npm ci` there): %v", jsDir, err)
	}
	col, url := startDatadogAllSignals(t)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", "send-trace.js")
	cmd.Dir = jsDir
	cmd.Env = append(os.Environ(), "DD_TRACE_AGENT_URL="+url, "DD_TRACE_STARTUP_LOGS=false",
		"DD_INSTRUMENTATION_TELEMETRY_ENABLED=false", "DD_REMOTE_CONFIGURATION_ENABLED=false")
	out, err := cmd.Output()
	if ee, ok := err.(*exec.ExitError); ok {
		t.Fatalf("node send-trace.js: %v\n%s", err, ee.Stderr)
	}
	require.NoError(t, err)
	var res ddJSResult
	require.NoError(t, json.Unmarshal(out, &res), "sender output %q", out)
	require.Len(t, res.TraceID, 32)
	require.NotEqual(t, strings.Repeat("0", 16), res.TraceID[:16], "dd-trace-js 5.x generates 128-bit trace ids")

	td := waitForTrace(t, col.Path("traces.jsonl"), res.TraceID, res.Spans)
	spans := spansOfTrace(td, res.TraceID)
	require.Len(t, spans, res.Spans)
	services := map[string]bool{}
	var errored int
	for _, s := range spans {
		services[attr(t, s.Resource.Attributes(), "service.name").Str()] = true
		assert.Equal(t, res.TraceID, s.Span.TraceID().String(), "every span carries the 128-bit id")
		assert.Equal(t, "dd-trace-js", s.Scope.Name())
		assertStr(t, s.Resource.Attributes(), "telemetry.sdk.language", "nodejs")
		if s.Span.Status().Code() == ptrace.StatusCodeError {
			errored++
			ev := findEvent(t, s.Span, "exception")
			assertStr(t, ev.Attributes(), "exception.message", "card declined")
			assert.Equal(t, "card declined", s.Span.Status().Message())
		}
	}
	for _, svc := range res.Services {
		assert.True(t, services[svc], "service %s in %v", svc, services)
	}
	assert.Equal(t, 1, errored)
}
