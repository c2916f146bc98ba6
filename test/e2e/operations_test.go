//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"gopkg.in/yaml.v3"

	"github.com/otelcol-bridge/otelcol-bridge/test/internal/bridgeproc"
)

// TestOperationsRulesMetricNames checks that every metric name the alerting rules select is one
// the binary serves, driven by real clients into the failures the rules watch, so that the rules
// cannot drift from the binary unnoticed. (TestDocsMetricNamesExposed does the same for the
// operations pages and every other page.)
func TestOperationsRulesMetricNames(t *testing.T) {
	rulesFile := filepath.Join(repoRoot(t), "examples", "operations", "alerts.yaml")
	want := map[string]bool{}
	for _, expr := range ruleExprs(t, rulesFile) {
		for _, name := range metricNamesInExpr(expr) {
			want[name] = true
		}
	}
	require.NotEmpty(t, want)

	c := startSelfTelemetryCollector(t)
	// Three requests per signal and receiver: the first occupies otlp_grpc/full's consumer, the
	// second its one queue slot, the third is refused.
	c.sendAll(t, 3)
	served, missing := c.waitForServedNames(t, func(served map[string]bool) []string {
		var out []string
		for name := range want {
			if !served[name] {
				out = append(out, name)
			}
		}
		return out
	})
	sort.Strings(missing)
	require.Empty(t, missing, "metric names examples/operations/alerts.yaml uses but the binary does not serve;\nserved: %s\ncollector log:\n%s",
		strings.Join(slices.Sorted(maps.Keys(served)), " "), tail(c.Log(), 40))
}

// TestOperationsRulesOnRealData loads the rules file into a real Prometheus that scrapes the
// binary while clients keep provoking failures: every rule must evaluate without error on the
// binary's real series (a name collision, a bad label match or a typo in a recording rule's name
// shows here, not in promtool's synthetic series), and the alerts for the failures provoked must
// go pending.
func TestOperationsRulesOnRealData(t *testing.T) {
	rules, err := filepath.Abs(filepath.Join(repoRoot(t), "examples", "operations", "alerts.yaml"))
	require.NoError(t, err)
	c := startSelfTelemetryCollector(t)
	prom := startPrometheusWithRules(t, rules, c.addr("telemetry"))

	want := map[string]bool{ // alert -> seen pending or firing
		"OtelcolBridgeExporterEnqueueFailed":  false, // otlp_grpc/full: one-slot queue, occupied
		"OtelcolBridgeExporterSendFailed":     false, // otlp_grpc/down: nothing listens
		"OtelcolBridgeReceiverRefusing":       false, // otlp and otlp/tight refuse
		"OtelcolBridgeMemoryLimiterRefusing":  false, // memory_limiter/tight: 2 MiB limit
		"OtelcolBridgeRedactionDroppingMuch":  false, // auth_header: drop takes 1 of 3 log records
		"OtelcolBridgeZipkinRequestsRejected": false, // a span without id
		"OtelcolBridgeProfilingExportFailing": false, // profiles to the dead port
	}
	var health []string
	deadline := time.Now().Add(90 * time.Second)
	for {
		// Rates need increases between scrapes: keep the failures coming.
		c.sendAll(t, 1)
		for _, a := range prom.Query(t, `ALERTS{alertstate=~"pending|firing"}`) {
			if _, ok := want[a.Labels["alertname"]]; ok {
				want[a.Labels["alertname"]] = true
			}
		}
		health = prom.ruleProblems(t)
		done := len(health) == 0
		for _, seen := range want {
			done = done && seen
		}
		if done {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 90 s: alerts not pending (false) %v; rule problems %v", want, health)
		}
		time.Sleep(time.Second)
	}
	// Silent on a healthy scrape target.
	for _, a := range prom.Query(t, `ALERTS{alertname="OtelcolBridgeDown"}`) {
		t.Errorf("OtelcolBridgeDown is %s although the collector is up", a.Labels["alertstate"])
	}
}

// startPrometheusWithRules is startPrometheus with a rule file, evaluated every second, and a
// scrape job named like the rules expect.
func startPrometheusWithRules(t *testing.T, rulesFile, target string) *prometheusServer {
	t.Helper()
	dir := t.TempDir()
	cfg := fmt.Sprintf(`global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - %q
scrape_configs:
  - job_name: otelcol-bridge
    static_configs:
      - targets: [%q]
`, rulesFile, target)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "prometheus.yml"), []byte(cfg), 0o600))
	port := freePorts(t, 1)[0]
	logBuf := &bridgeproc.LogBuffer{}
	cmd := exec.Command(prometheusBinary(t), "--config.file="+filepath.Join(dir, "prometheus.yml"),
		"--storage.tsdb.path="+filepath.Join(dir, "data"), fmt.Sprintf("--web.listen-address=127.0.0.1:%d", port))
	cmd.Stdout, cmd.Stderr = logBuf, logBuf
	require.NoError(t, cmd.Start())
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
		if t.Failed() {
			t.Logf("prometheus log:\n%s", tail(logBuf.String(), 40))
		}
	})
	waitFor(t, "prometheus ready", func() bool {
		select {
		case <-exited:
			t.Fatalf("prometheus exited during start-up:\n%s", logBuf.String())
		default:
		}
		resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/-/ready", port))
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	return &prometheusServer{Port: port, log: logBuf}
}

// ruleProblems lists the rules Prometheus has not evaluated yet or failed to evaluate.
func (p *prometheusServer) ruleProblems(t *testing.T) []string {
	t.Helper()
	resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/api/v1/rules", p.Port))
	require.NoError(t, err)
	defer resp.Body.Close()
	var body struct {
		Data struct {
			Groups []struct {
				Rules []struct {
					Name      string `json:"name"`
					Health    string `json:"health"`
					LastError string `json:"lastError"`
				} `json:"rules"`
			} `json:"groups"`
		} `json:"data"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
	var problems []string
	n := 0
	for _, g := range body.Data.Groups {
		for _, r := range g.Rules {
			n++
			if r.Health != "ok" {
				problems = append(problems, fmt.Sprintf("%s: %s %s", r.Name, r.Health, r.LastError))
			}
		}
	}
	if n == 0 {
		problems = append(problems, "no rules loaded")
	}
	return problems
}

// ruleExprs returns the expr of every rule (alerting and recording) of a Prometheus rules file.
func ruleExprs(t *testing.T, path string) []string {
	t.Helper()
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	var f struct {
		Groups []struct {
			Rules []struct {
				Alert  string `yaml:"alert"`
				Record string `yaml:"record"`
				Expr   string `yaml:"expr"`
			} `yaml:"rules"`
		} `yaml:"groups"`
	}
	require.NoError(t, yaml.Unmarshal(raw, &f), path)
	var out []string
	for _, g := range f.Groups {
		for _, r := range g.Rules {
			require.NotEmpty(t, r.Expr, "rule %s%s has no expr", r.Alert, r.Record)
			out = append(out, r.Expr)
		}
	}
	require.NotEmpty(t, out, "no rules in %s", path)
	return out
}

// plainName is a metric name of the binary in a PromQL expression; the recording rules' own
// names (otelcolbridge:...) do not match it.
var plainName = regexp.MustCompile(`\botelcol_[a-z0-9_]+\b`)

// metricNamesInExpr lists the otelcol_* names an expression selects.
func metricNamesInExpr(expr string) []string {
	return plainName.FindAllString(expr, -1)
}

func dedupe(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// TestOperationsPagesMatch: the Chinese operations page matches the English one section for
// section: the same heading levels in the same order, the same metric and alert names, the same
// anchors (the alerts' runbook links) and the same code blocks, comments aside.
func TestOperationsPagesMatch(t *testing.T) {
	root := repoRoot(t)
	type shape struct {
		Headings []string
		Names    []string
		Alerts   []string
		Anchors  []string
		Code     []string
	}
	read := func(lang string) shape {
		raw, err := os.ReadFile(filepath.Join(root, "docs", lang, "operations.md"))
		require.NoError(t, err)
		text := string(raw)
		var s shape
		for _, line := range strings.Split(text, "\n") {
			if strings.HasPrefix(line, "#") && !strings.HasPrefix(line, "#!") {
				s.Headings = append(s.Headings, strings.SplitN(line, " ", 2)[0])
			}
		}
		s.Names = sortedUnique(docMetricName.FindAllString(text, -1))
		s.Alerts = sortedUnique(regexp.MustCompile(`\bOtelcolBridge[A-Za-z]+`).FindAllString(text, -1))
		s.Anchors = sortedUnique(regexp.MustCompile(`<a id="[^"]+">`).FindAllString(text, -1))
		for _, m := range regexp.MustCompile("(?s)```[a-z]*\n(.*?)```").FindAllStringSubmatch(text, -1) {
			s.Code = append(s.Code, regexp.MustCompile(`\s+#.*`).ReplaceAllString(m[1], ""))
		}
		return s
	}
	en, zh := read("en"), read("zh")
	require.NotEmpty(t, en.Names)
	require.Equal(t, en.Headings, zh.Headings, "heading levels and order")
	require.Equal(t, en.Names, zh.Names, "metric names")
	require.Equal(t, en.Alerts, zh.Alerts, "alert names")
	require.Equal(t, en.Anchors, zh.Anchors, "anchors")
	require.Equal(t, en.Code, zh.Code, "code blocks")
}

func sortedUnique(in []string) []string {
	out := dedupe(in)
	sort.Strings(out)
	return out
}
