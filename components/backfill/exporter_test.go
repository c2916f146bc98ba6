package backfill

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-bridge/otelcol-bridge/components/parity"
)

// A Jaeger query API serving a response recorded from a real Jaeger (parity's testdata):
// the search lists the trace, /api/traces/{id} returns it.
func TestExportSkipsWhatIsDone(t *testing.T) {
	body, err := os.ReadFile(filepath.Join("..", "parity", "testdata", "jaeger-trace-3ea17da5.json"))
	require.NoError(t, err)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/traces" || strings.HasPrefix(r.URL.Path, "/api/traces/3ea17da5") {
			_, _ = w.Write(body)
			return
		}
		http.NotFound(w, r)
	}))
	defer srv.Close()
	src, err := parity.ParseSource("jaeger="+srv.URL, srv.Client())
	require.NoError(t, err)
	dir := t.TempDir()
	opts := ExportOptions{Source: src, Query: parity.SampleQuery{Service: "checkout", Lookback: time.Hour}, Limit: 10, Dir: dir}
	st, err := Export(context.Background(), opts)
	require.NoError(t, err)
	assert.Equal(t, 1, st.Traces)
	assert.Positive(t, st.Spans)

	st, err = Export(context.Background(), opts)
	require.NoError(t, err)
	assert.Equal(t, 0, st.Traces)
	assert.Equal(t, 1, st.Skipped)
	raw, err := os.ReadFile(filepath.Join(dir, "traces.jsonl"))
	require.NoError(t, err)
	assert.Equal(t, 1, strings.Count(string(raw), "\n"), "one line: nothing exported twice")
}
