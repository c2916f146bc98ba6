package datadog

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/golden"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/ptracetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the expected.yaml goldens")

// TestGolden translates every payload under testdata and compares the result
// with its expected.yaml.
func TestGolden(t *testing.T) {
	for _, c := range goldenCases {
		t.Run(c.dir, func(t *testing.T) {
			body, err := os.ReadFile(c.payloadPath())
			require.NoError(t, err)
			req := readRequest(t, c.dir)
			tr := NewTranslator(Options{TraceIDCache: NewTraceIDCache(100)})
			got, stats, err := tr.Translate(c.proto, c.enc, body, PayloadFromHeaders(req.Headers))
			require.NoError(t, err)
			assert.Equal(t, 5, stats.Spans)
			assert.Equal(t, 2, stats.Chunks)

			expectedPath := filepath.Join("testdata", c.dir, "expected.yaml")
			if *update {
				require.NoError(t, golden.WriteTraces(t, expectedPath, got))
			}
			want, err := golden.ReadTraces(expectedPath)
			require.NoError(t, err)
			require.NoError(t, ptracetest.CompareTraces(want, got))
		})
	}
}
