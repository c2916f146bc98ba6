package otlplogs

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Two export requests as the file exporter writes them (OTLP JSON, one a line).
const logsFile = `{"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"pricing"}}]},"scopeLogs":[{"scope":{},"logRecords":[{"timeUnixNano":"2000","severityText":"INFO","body":{"stringValue":"price quoted"},"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"00f067aa0ba902b7"},{"timeUnixNano":"1000","severityText":"INFO","body":{"stringValue":"other trace"},"traceId":"11111111111111111111111111111111","spanId":"00f067aa0ba902b8"}]}]}]}
{"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"shop-api"}}]},"scopeLogs":[{"scope":{},"logRecords":[{"timeUnixNano":"1500","severityText":"ERROR","body":{"stringValue":"order failed"},"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"a0f067aa0ba902b7"}]}]}]}
`

func TestByTrace(t *testing.T) {
	path := filepath.Join(t.TempDir(), "logs.jsonl")
	require.NoError(t, os.WriteFile(path, []byte(logsFile), 0o600))
	rs, err := ByTrace(path, "4BF92F3577B34DA6A3CE929D0E0E4736")
	require.NoError(t, err)
	require.Len(t, rs, 2)
	// Oldest first, the other trace's record left out.
	assert.Equal(t, Record{Time: rs[0].Time, Service: "shop-api", Severity: "ERROR", Body: "order failed",
		TraceID: "4bf92f3577b34da6a3ce929d0e0e4736", SpanID: "a0f067aa0ba902b7"}, rs[0])
	assert.Equal(t, int64(1500), rs[0].Time.UnixNano())
	assert.Equal(t, "price quoted", rs[1].Body)
	assert.Equal(t, "pricing", rs[1].Service)
	assert.Equal(t, map[string]bool{"pricing": true, "shop-api": true}, Services(rs))
}

func TestByTraceMissingFile(t *testing.T) {
	rs, err := ByTrace(filepath.Join(t.TempDir(), "none.jsonl"), "4bf92f3577b34da6a3ce929d0e0e4736")
	require.NoError(t, err)
	assert.Empty(t, rs)
}

func TestByTraceBadLineNamesIt(t *testing.T) {
	path := filepath.Join(t.TempDir(), "logs.jsonl")
	require.NoError(t, os.WriteFile(path, []byte(logsFile+"{\"4bf92f3577b34da6a3ce929d0e0e4736\n"), 0o600))
	_, err := ByTrace(path, "4bf92f3577b34da6a3ce929d0e0e4736")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "logs.jsonl:3:")
}
