//go:build e2e

package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
)

func appendLines(t *testing.T, path string, lines ...string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	require.NoError(t, err)
	defer f.Close()
	for _, l := range lines {
		_, err := f.WriteString(l + "\n")
		require.NoError(t, err)
	}
}

// TestLogsFromFiles runs examples/logs/filelog.yaml: JSON lines from the checkout app (with
// trace context) and plain-text lines with a multi-line stack trace, across a file rotation,
// fanned out to a second collector over OTLP and to a file; the count connector's metrics too.
func TestLogsFromFiles(t *testing.T) {
	backend := startBridge(t)
	logDir := t.TempDir()

	// JSON lines written by the demo app (20 requests, every 5th an ERROR) before the collector starts.
	jsonLog := filepath.Join(logDir, "app.json.log")
	require.NoError(t, runCheckoutErr(t, "-signals", "none", "-requests", "20", "-log-file", jsonLog))

	textLog := filepath.Join(logDir, "app.txt.log")
	appendLines(t, textLog,
		"2026-11-26 10:00:00.100 INFO  [main] service started",
		"2026-11-26 10:00:01.200 ERROR [worker-1] payment failed: card declined",
		"java.lang.IllegalStateException: card declined",
		"\tat com.shop.Payments.charge(Payments.java:42)",
		"\tat com.shop.Checkout.run(Checkout.java:7)",
		"2026-11-26 10:00:02.300 WARN  [worker-2] retry budget low",
	)

	env := newExampleEnv(t)
	outDir := t.TempDir()
	c := startExample(t, "logs/filelog.yaml", env,
		"LOG_DIR="+logDir, "OUTPUT_DIR="+outDir, "STATE_DIR="+filepath.Join(outDir, "state"),
		"SERVICE_NAME=checkout-files",
		fmt.Sprintf("BACKEND_OTLP_HTTP=http://127.0.0.1:%d", backend.Ports.OTLPHTTP))

	// Rotate while the collector runs: the old file is renamed, a new one takes its place.
	waitFor(t, "first text records read", func() bool {
		return len(textRecords(parseLogs(t, readJSONLines(t, filepath.Join(outDir, "logs.jsonl"))))) >= 2
	})
	require.NoError(t, os.Rename(textLog, textLog+".1"))
	appendLines(t, textLog,
		"2026-11-26 10:00:03.400 INFO  [main] after rotation one",
		"2026-11-26 10:00:04.500 INFO  [main] after rotation two",
	)

	var records []plog.LogRecord
	waitFor(t, "25 records in logs.jsonl", func() bool {
		records = logsOfService(parseLogs(t, readJSONLines(t, filepath.Join(outDir, "logs.jsonl"))), "checkout-files")
		return len(records) >= 25
	})
	time.Sleep(500 * time.Millisecond) // nothing more must come: duplicates would show here
	records = logsOfService(parseLogs(t, readJSONLines(t, filepath.Join(outDir, "logs.jsonl"))), "checkout-files")
	require.Len(t, records, 25, "20 JSON + 5 text records, none lost or duplicated across the rotation")

	var jsonRecs, errs int
	for _, r := range records {
		if _, ok := r.Attributes().Get("order.id"); !ok {
			continue
		}
		jsonRecs++
		assert.False(t, r.TraceID().IsEmpty(), "trace_id moved into the record")
		assert.False(t, r.SpanID().IsEmpty(), "span_id moved into the record")
		_, leftover := r.Attributes().Get("trace_id")
		assert.False(t, leftover, "trace_id attribute removed after parsing")
		assert.NotZero(t, r.Timestamp(), "time parsed")
		if r.SeverityNumber() == plog.SeverityNumberError {
			errs++
			assert.Equal(t, "payment declined", r.Body().Str())
		} else {
			assert.Equal(t, plog.SeverityNumberInfo, r.SeverityNumber())
			assert.Equal(t, "order served", r.Body().Str())
		}
	}
	assert.Equal(t, 20, jsonRecs)
	assert.Equal(t, 4, errs)

	text := textRecords(parseLogs(t, readJSONLines(t, filepath.Join(outDir, "logs.jsonl"))))
	require.Len(t, text, 5)
	byBody := map[string]plog.LogRecord{}
	for _, r := range text {
		byBody[strings.SplitN(r.Body().Str(), "\n", 2)[0]] = r
	}
	failed, ok := byBody["payment failed: card declined"]
	require.True(t, ok, "bodies: %v", keys(byBody))
	assert.Equal(t, plog.SeverityNumberError, failed.SeverityNumber())
	assert.Equal(t, "ERROR", failed.SeverityText())
	assert.Contains(t, failed.Body().Str(), "\tat com.shop.Checkout.run(Checkout.java:7)", "stack trace kept with its line")
	assertStr(t, failed.Attributes(), "thread", "worker-1")
	assert.Equal(t, time.Date(2026, 11, 26, 10, 0, 1, 200e6, time.UTC), failed.Timestamp().AsTime())
	assert.Equal(t, plog.SeverityNumberWarn, byBody["retry budget low"].SeverityNumber())
	assert.Contains(t, byBody, "after rotation two")

	// The same 25 records reached the OTLP backend.
	waitFor(t, "25 records at the OTLP backend", func() bool {
		return len(logsOfService(parseLogs(t, readJSONLines(t, backend.LogsFile())), "checkout-files")) >= 25
	})

	// Count connector: 25 records, 5 errors (4 JSON + 1 text).
	waitFor(t, "counts", func() bool {
		md := parseMetrics(t, readJSONLines(t, filepath.Join(outDir, "log-counts.jsonl")))
		return sumOf(md, "app.log.records") == 25 && sumOf(md, "app.log.errors") == 5
	})
	require.True(t, c.Running())
}

func runCheckoutErr(t *testing.T, args ...string) error {
	t.Helper()
	out, err := execCommand(checkoutApp(t), args...)
	if err != nil {
		return fmt.Errorf("checkout %v: %v\n%s", args, err, out)
	}
	return nil
}

// textRecords are the records of the plain-text file (they carry a thread attribute).
func textRecords(ld plog.Logs) []plog.LogRecord {
	var out []plog.LogRecord
	for _, r := range logsOfService(ld, "checkout-files") {
		if _, ok := r.Attributes().Get("thread"); ok {
			out = append(out, r)
		}
	}
	return out
}

// sumOf adds up every data point of a sum metric across all exports.
func sumOf(md pmetric.Metrics, name string) int64 {
	var total int64
	for i := 0; i < md.ResourceMetrics().Len(); i++ {
		sms := md.ResourceMetrics().At(i).ScopeMetrics()
		for j := 0; j < sms.Len(); j++ {
			ms := sms.At(j).Metrics()
			for k := 0; k < ms.Len(); k++ {
				if m := ms.At(k); m.Name() == name && m.Type() == pmetric.MetricTypeSum {
					for p := 0; p < m.Sum().DataPoints().Len(); p++ {
						total += m.Sum().DataPoints().At(p).IntValue()
					}
				}
			}
		}
	}
	return total
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
