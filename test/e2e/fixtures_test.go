//go:build e2e

package e2e

import (
	"bytes"
	"compress/gzip"
	"flag"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/golden"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/plogtest"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/pmetrictest"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/ptracetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog/plogotlp"
	"go.opentelemetry.io/collector/pdata/pmetric/pmetricotlp"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden from the collector's output (review the diff!)")

// TestFixtureReplay replays every capture of a real client library (testdata/fixtures) to the
// matching receiver, byte for byte, and compares what the file exporter wrote with the
// reviewed golden output in testdata/golden/<folder>/<NNN>.yaml. OTLP captures are also
// compared with their own decoded request: the bridge must pass OTLP through unchanged.
func TestFixtureReplay(t *testing.T) {
	b := startBridge(t)
	folders, err := filepath.Glob(filepath.Join("testdata", "fixtures", "*.*"))
	require.NoError(t, err)
	sort.Strings(folders)
	require.NotEmpty(t, folders)

	replayed := 0
	for _, folder := range folders {
		if st, err := os.Stat(folder); err != nil || !st.IsDir() {
			continue
		}
		t.Run(filepath.Base(folder), func(t *testing.T) {
			for _, c := range loadCaptures(t, folder) {
				outFile := map[string]string{"traces": b.TracesFile(), "metrics": b.MetricsFile(), "logs": b.LogsFile()}[c.Signal()]
				before := len(readJSONLines(t, outFile))
				replayCapture(t, b, c)
				lines := waitForLines(t, outFile, before+1)[before:]
				require.Len(t, lines, 1, "%s/%s: one request, one export", c.Folder, c.Name)
				compareWithGolden(t, c, lines)
				replayed++
			}
		})
	}
	assert.GreaterOrEqual(t, replayed, 30, "captures replayed")
}

func replayCapture(t *testing.T, b *bridge, c capture) {
	t.Helper()
	switch c.Listener {
	case "otlp-http", "zipkin-http", "jaeger-thrift-http":
		port := map[string]int{"otlp-http": b.Ports.OTLPHTTP, "zipkin-http": b.Ports.Zipkin, "jaeger-thrift-http": b.Ports.JaegerThriftHTTP}[c.Listener]
		status, body := replayHTTP(t, port, c)
		require.Contains(t, []int{http.StatusOK, http.StatusAccepted}, status, "%s/%s answered %d: %s", c.Folder, c.Name, status, body)
	case "otlp-grpc", "jaeger-grpc":
		port := map[string]int{"otlp-grpc": b.Ports.OTLPGRPC, "jaeger-grpc": b.Ports.JaegerGRPC}[c.Listener]
		require.NotEmpty(t, c.Wire, "%s/%s has no .wire", c.Folder, c.Name)
		enc := ""
		if c.GRPC != nil {
			enc = c.GRPC.Encoding
		}
		status, msg := replayGRPC(t, port, c.Path, c.Wire, enc)
		require.Equal(t, "0", status, "%s/%s: grpc-status %s %s", c.Folder, c.Name, status, msg)
	case "jaeger-agent-compact-udp":
		sendUDP(t, b.Ports.JaegerCompact, c.Body)
	default:
		t.Fatalf("%s/%s: no receiver for listener %q", c.Folder, c.Name, c.Listener)
	}
}

func compareWithGolden(t *testing.T, c capture, lines [][]byte) {
	t.Helper()
	goldenPath := filepath.Join("testdata", "golden", c.Folder, c.Name+".yaml")
	switch c.Signal() {
	case "traces":
		got := parseTraces(t, lines)
		if *update {
			require.NoError(t, os.MkdirAll(filepath.Dir(goldenPath), 0o755))
			require.NoError(t, golden.WriteTracesToFile(goldenPath, got))
		}
		want, err := golden.ReadTraces(goldenPath)
		require.NoError(t, err, "golden file (create it with -update and review it)")
		require.NoError(t, ptracetest.CompareTraces(want, got), "%s/%s differs from %s", c.Folder, c.Name, goldenPath)
		if isOTLP(c) {
			req := ptraceotlp.NewExportRequest()
			unmarshalOTLP(t, c, req.UnmarshalProto, req.UnmarshalJSON)
			require.NoError(t, ptracetest.CompareTraces(req.Traces(), got), "%s/%s: OTLP not passed through unchanged", c.Folder, c.Name)
		}
	case "metrics":
		got := parseMetrics(t, lines)
		if *update {
			require.NoError(t, os.MkdirAll(filepath.Dir(goldenPath), 0o755))
			require.NoError(t, golden.WriteMetricsToFile(goldenPath, got, golden.SkipMetricTimestampNormalization()))
		}
		want, err := golden.ReadMetrics(goldenPath)
		require.NoError(t, err, "golden file (create it with -update and review it)")
		require.NoError(t, pmetrictest.CompareMetrics(want, got, metricOrderOpts()...), "%s/%s differs from %s", c.Folder, c.Name, goldenPath)
		if isOTLP(c) {
			req := pmetricotlp.NewExportRequest()
			unmarshalOTLP(t, c, req.UnmarshalProto, req.UnmarshalJSON)
			require.NoError(t, pmetrictest.CompareMetrics(req.Metrics(), got, metricOrderOpts()...), "%s/%s: OTLP not passed through unchanged", c.Folder, c.Name)
		}
	case "logs":
		got := parseLogs(t, lines)
		if *update {
			require.NoError(t, os.MkdirAll(filepath.Dir(goldenPath), 0o755))
			require.NoError(t, golden.WriteLogsToFile(goldenPath, got))
		}
		want, err := golden.ReadLogs(goldenPath)
		require.NoError(t, err, "golden file (create it with -update and review it)")
		require.NoError(t, plogtest.CompareLogs(want, got), "%s/%s differs from %s", c.Folder, c.Name, goldenPath)
		if isOTLP(c) {
			req := plogotlp.NewExportRequest()
			unmarshalOTLP(t, c, req.UnmarshalProto, req.UnmarshalJSON)
			require.NoError(t, plogtest.CompareLogs(req.Logs(), got), "%s/%s: OTLP not passed through unchanged", c.Folder, c.Name)
		}
	}
}

// The golden writer sorts metrics; the collector keeps the client's order.
func metricOrderOpts() []pmetrictest.CompareMetricsOption {
	return []pmetrictest.CompareMetricsOption{
		pmetrictest.IgnoreResourceMetricsOrder(),
		pmetrictest.IgnoreScopeMetricsOrder(),
		pmetrictest.IgnoreMetricsOrder(),
		pmetrictest.IgnoreMetricDataPointsOrder(),
	}
}

func isOTLP(c capture) bool { return strings.HasPrefix(c.Listener, "otlp-") }

// unmarshalOTLP decodes a capture's request body (gzip removed) as OTLP protobuf or JSON.
func unmarshalOTLP(t *testing.T, c capture, fromProto, fromJSON func([]byte) error) {
	t.Helper()
	body := c.Body
	if strings.EqualFold(firstHeader(c, "Content-Encoding"), "gzip") {
		zr, err := gzip.NewReader(bytes.NewReader(body))
		require.NoError(t, err)
		body, err = io.ReadAll(zr)
		require.NoError(t, err)
	}
	if strings.Contains(firstHeader(c, "Content-Type"), "json") {
		require.NoError(t, fromJSON(body))
		return
	}
	require.NoError(t, fromProto(body))
}

func firstHeader(c capture, name string) string {
	if vs := c.Headers[name]; len(vs) > 0 {
		return vs[0]
	}
	return ""
}
