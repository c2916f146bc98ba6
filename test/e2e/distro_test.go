//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetrichttp"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/metric"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
)

// TestComponentsPinned compares the binary's `components` output with the checked-in list,
// so any change to the manifest (a component added, dropped or moved to another version)
// is a deliberate diff in testdata/components.yaml.
func TestComponentsPinned(t *testing.T) {
	out, err := exec.Command(binaryPath(t), "components").CombinedOutput()
	require.NoError(t, err, "%s", out)
	path := filepath.Join("testdata", "components.yaml")
	if *update {
		require.NoError(t, os.WriteFile(path, out, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "create it with -update and review it")
	require.Equal(t, string(want), string(out), "`otelcol-bridge components` differs from %s: run the e2e tests with -update and commit the reviewed diff", path)
}

// defaultConfigOnFreePorts loads distro/config.yaml and moves every localhost port to a free
// one, so the shipped default runs here without clashing with anything else.
func defaultConfigOnFreePorts(t *testing.T) (string, map[int]int) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(repoRoot(t), "distro", "config.yaml"))
	require.NoError(t, err)
	cfg := string(raw)
	portRe := regexp.MustCompile(`localhost:(\d+)`)
	telemetryRe := regexp.MustCompile(`port: (\d+)`)
	var defaults []int
	for _, m := range portRe.FindAllStringSubmatch(cfg, -1) {
		p, _ := strconv.Atoi(m[1])
		defaults = append(defaults, p)
	}
	for _, m := range telemetryRe.FindAllStringSubmatch(cfg, -1) {
		p, _ := strconv.Atoi(m[1])
		defaults = append(defaults, p)
	}
	free := freePorts(t, len(defaults))
	mapping := map[int]int{}
	for i, p := range defaults {
		mapping[p] = free[i]
	}
	cfg = portRe.ReplaceAllStringFunc(cfg, func(s string) string {
		p, _ := strconv.Atoi(strings.TrimPrefix(s, "localhost:"))
		return fmt.Sprintf("localhost:%d", mapping[p])
	})
	cfg = telemetryRe.ReplaceAllStringFunc(cfg, func(s string) string {
		p, _ := strconv.Atoi(strings.TrimPrefix(s, "port: "))
		return fmt.Sprintf("port: %d", mapping[p])
	})
	return cfg, mapping
}

// TestDefaultConfigValidates: the default config and the container image's default config
// (distro/config.container.yaml) load in this build.
func TestDefaultConfigValidates(t *testing.T) {
	for _, name := range []string{"config.yaml", "config.container.yaml"} {
		out, err := exec.Command(binaryPath(t), "validate", "--config", filepath.Join(repoRoot(t), "distro", name)).CombinedOutput()
		require.NoError(t, err, "validate distro/%s: %s", name, out)
	}
}

// TestDefaultConfigRuns runs the shipped default configuration (ports moved to free ones)
// and checks what `make run` promises: health check, traces and metrics written as OTLP JSON
// lines under ./data/, received metrics served for Prometheus, and a clean stop on Ctrl-C.
func TestDefaultConfigRuns(t *testing.T) {
	cfg, port := defaultConfigOnFreePorts(t)
	dir := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(dir, "data"), 0o755)) // as `make run` does
	c := startCollector(t, collectorOptions{Config: cfg, HealthPort: port[13133], Dir: dir})
	ctx := context.Background()

	texp, err := otlptracehttp.New(ctx, otlptracehttp.WithInsecure(),
		otlptracehttp.WithEndpoint(fmt.Sprintf("localhost:%d", port[4318])))
	require.NoError(t, err)
	tp := newGoTracerProvider(t, texp)
	ids := emitRealisticTrace(tp)
	require.NoError(t, tp.Shutdown(ctx))

	mexp, err := otlpmetrichttp.New(ctx, otlpmetrichttp.WithInsecure(),
		otlpmetrichttp.WithEndpoint(fmt.Sprintf("localhost:%d", port[4318])))
	require.NoError(t, err)
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithResource(newResource("default-config")),
		sdkmetric.WithReader(sdkmetric.NewPeriodicReader(mexp, sdkmetric.WithInterval(time.Hour))))
	counter, err := mp.Meter("e2e").Int64Counter("e2e.default.requests")
	require.NoError(t, err)
	counter.Add(ctx, 7, metric.WithAttributes(attribute.String("http.route", "/checkout")))
	require.NoError(t, mp.Shutdown(ctx))

	td := waitForTrace(t, c.Path("data/traces.jsonl"), ids.TraceID, 3)
	assertRealisticTrace(t, td, ids, goService)
	waitFor(t, "metrics in data/metrics.jsonl", func() bool {
		return len(metricsOfService(parseMetrics(t, readJSONLines(t, c.Path("data/metrics.jsonl"))), "default-config")) > 0
	})

	var scrape string
	waitFor(t, "e2e_default_requests_total on the prometheus exporter", func() bool {
		resp, err := http.Get(fmt.Sprintf("http://localhost:%d/metrics", port[8889]))
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		scrape = string(body)
		return strings.Contains(scrape, "e2e_default_requests_total")
	})
	assert.Regexp(t, `e2e_default_requests_total\{[^}]*http_route="/checkout"[^}]*\} 7`, scrape)

	// The curl example of docs/en/getting-started.md, sent as written.
	page, err := os.ReadFile(filepath.Join(repoRoot(t), "docs", "en", "getting-started.md"))
	require.NoError(t, err)
	m := regexp.MustCompile(`(?s)curl -s -X POST localhost:4318/v1/traces -H 'Content-Type: application/json' -d '(.*?)'\n`).FindSubmatch(page)
	require.NotNil(t, m, "curl example not found in getting-started.md")
	resp0, err := http.Post(fmt.Sprintf("http://localhost:%d/v1/traces", port[4318]), "application/json", strings.NewReader(string(m[1])))
	require.NoError(t, err)
	resp0.Body.Close()
	require.Equal(t, http.StatusOK, resp0.StatusCode)
	hello := waitForTrace(t, c.Path("data/traces.jsonl"), "5b8efff798038103d269b633813fc60c", 1)
	assert.Equal(t, "hello-span", spansOfTrace(hello, "5b8efff798038103d269b633813fc60c")[0].Span.Name())

	// The collector's own telemetry is served too.
	resp, err := http.Get(fmt.Sprintf("http://localhost:%d/metrics", port[8888]))
	require.NoError(t, err)
	self, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Contains(t, string(self), "otelcol_receiver_accepted_spans")

	require.NoError(t, c.Interrupt(), "clean shutdown on Ctrl-C (SIGINT), as `make run` promises")
	assert.Contains(t, c.Log(), "Shutdown complete")
}

// TestVersionMetadata: `make build` stamps the version, the git commit and the commit's date
// into the binary (distro/otelcol-bridge/buildinfo.go), and --version prints them.
func TestVersionMetadata(t *testing.T) {
	out, err := exec.Command(binaryPath(t), "--version").CombinedOutput()
	require.NoError(t, err, "%s", out)
	head, err := exec.Command("git", "-C", repoRoot(t), "rev-parse", "HEAD").Output()
	require.NoError(t, err)
	re := regexp.MustCompile(`^otelcol-bridge version (\S+)\ncommit: ([0-9a-f]{40})(-dirty)?\nbuilt: (\S+)\ngo: go\S+ \S+/\S+\n$`)
	m := re.FindStringSubmatch(string(out))
	require.NotNil(t, m, "--version output:\n%s", out)
	assert.Equal(t, strings.TrimSpace(string(head)), m[2], "the commit the binary was built from")
	_, err = time.Parse(time.RFC3339, m[4])
	assert.NoError(t, err, "build date %q", m[4])
	manifest, err := os.ReadFile(filepath.Join(repoRoot(t), "builder-config.yaml"))
	require.NoError(t, err)
	if !strings.Contains(m[1], ".") || !regexp.MustCompile(`(?m)^  version: `+regexp.QuoteMeta(m[1])+`$`).Match(manifest) {
		// Not the manifest's version: then a release tag's.
		tag, err := exec.Command("git", "-C", repoRoot(t), "describe", "--tags", "--exact-match").Output()
		require.NoError(t, err, "version %q is neither the manifest's nor a tag's", m[1])
		assert.Equal(t, "v"+m[1], strings.TrimSpace(string(tag)))
	}
}
