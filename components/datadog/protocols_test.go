package datadog

import (
	"os"
	"testing"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/ptracetest"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

func translateCase(t *testing.T, c goldenCase) ptrace.Traces {
	t.Helper()
	body, err := os.ReadFile(c.payloadPath())
	require.NoError(t, err)
	req := readRequest(t, c.dir)
	got, _, err := NewTranslator(Options{}).Translate(c.proto, c.enc, body, PayloadFromHeaders(req.Headers))
	require.NoError(t, err)
	return got
}

// TestProtocolsAgree: the hand-built payloads carry the spans of the real
// v0.4 capture, so every protocol must translate to the same OTLP (the v0.7
// TracerPayload adds its own tracer fields to the resource).
func TestProtocolsAgree(t *testing.T) {
	want := translateCase(t, goldenCases[0])
	for _, c := range goldenCases[2:] {
		if c.proto == AgentV02 {
			continue // TestAgentPayloadsAgree
		}
		t.Run(c.dir, func(t *testing.T) {
			got := translateCase(t, c)
			if c.dir == "v07_HANDBUILT" {
				for _, rs := range got.ResourceSpans().All() {
					rs.Resource().Attributes().Remove("service.instance.id")
					rs.Resource().Attributes().Remove("_dd.tags.container")
				}
			}
			require.NoError(t, ptracetest.CompareTraces(want, got))
		})
	}
}
