//go:build chaos

package chaos

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"
)

// Config is a collector config under test, as a YAML tree, plus where it listens on loopback.
type Config struct {
	Tree        map[string]any
	Dir         string      // working directory; the file_storage directory is Dir/queue
	Ports       map[int]int // port in the shipped config → loopback port in the test
	HealthPort  int
	MetricsPort int
}

func (c *Config) write(t testing.TB) string {
	t.Helper()
	out, err := yaml.Marshal(c.Tree)
	require.NoError(t, err)
	path := filepath.Join(c.Dir, "config.yaml")
	require.NoError(t, os.WriteFile(path, out, 0o600))
	return path
}

// Endpoint is the loopback address that replaced the shipped config's port.
func (c *Config) Endpoint(t testing.TB, shippedPort int) string {
	t.Helper()
	p, ok := c.Ports[shippedPort]
	require.True(t, ok, "the config listens on no port %d", shippedPort)
	return "127.0.0.1:" + strconv.Itoa(p)
}

// Get returns the value at a "::"-separated path (the collector's own key separator), or nil.
func (c *Config) Get(path string) any {
	var cur any = c.Tree
	for _, k := range strings.Split(path, "::") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[k]
	}
	return cur
}

// Set puts value at a "::"-separated path, creating maps on the way.
func (c *Config) Set(path string, value any) {
	keys := strings.Split(path, "::")
	m := c.Tree
	for _, k := range keys[:len(keys)-1] {
		next, ok := m[k].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[k] = next
		}
		m = next
	}
	m[keys[len(keys)-1]] = value
}

// Delete removes the key at a "::"-separated path.
func (c *Config) Delete(path string) {
	keys := strings.Split(path, "::")
	parent, ok := c.Get(strings.Join(keys[:len(keys)-1], "::")).(map[string]any)
	if len(keys) == 1 {
		parent, ok = c.Tree, true
	}
	if ok {
		delete(parent, keys[len(keys)-1])
	}
}

// helmBin is $HELM_BIN or .tools/bin/helm (`make chaos` builds it).
func helmBin(t testing.TB) string {
	t.Helper()
	p := os.Getenv("HELM_BIN")
	if p == "" {
		p = filepath.Join(repoRoot(t), ".tools", "bin", "helm")
	}
	_, err := os.Stat(p)
	require.NoError(t, err, "helm not found (run `make chaos`, which builds it)")
	return p
}

// renderShipped renders helm/otelcol-bridge/examples/<example>.yaml with `helm template` and
// returns the collector configs of its ConfigMaps by tier (app.kubernetes.io/component:
// gateway, sampler), made runnable on loopback by loopback(). sets are extra --set values.
func renderShipped(t testing.TB, example string, sets ...string) map[string]*Config {
	t.Helper()
	chart := filepath.Join(repoRoot(t), "helm", "otelcol-bridge")
	args := []string{"template", "chaos", chart, "--namespace", "chaos", "--kube-version", "1.33.0",
		"--values", filepath.Join(chart, "examples", example+".yaml")}
	for _, s := range sets {
		args = append(args, "--set", s)
	}
	cmd := exec.Command(helmBin(t), args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Run(), "helm template %s:\n%s", example, stderr.String())

	out := map[string]*Config{}
	for _, doc := range strings.Split(stdout.String(), "\n---") {
		var obj struct {
			Kind     string `json:"kind"`
			Metadata struct {
				Labels map[string]string `json:"labels"`
			} `json:"metadata"`
			Data map[string]string `json:"data"`
		}
		if err := yaml.Unmarshal([]byte(doc), &obj); err != nil || obj.Kind != "ConfigMap" {
			continue
		}
		raw, ok := obj.Data["config.yaml"]
		if !ok {
			continue
		}
		tier := obj.Metadata.Labels["app.kubernetes.io/component"]
		var tree map[string]any
		require.NoError(t, yaml.Unmarshal([]byte(raw), &tree), "the %s ConfigMap of %s", tier, example)
		out[tier] = &Config{Tree: tree}
	}
	require.NotEmpty(t, out, "examples/%s.yaml rendered no collector config", example)
	return out
}

// podAddr is a listening address in a shipped config: the chart binds to the pod IP, the
// examples/ files to every interface.
var podAddr = regexp.MustCompile(`^(?:\$\{env:MY_POD_IP\}|0\.0\.0\.0):(\d+)$`)

// loopback makes a rendered config runnable here, changing addresses and paths only: every
// ${env:MY_POD_IP}:<port> becomes a free loopback port, the collector's own metrics move to a
// free port, and file_storage keeps its files in a fresh directory. The pipelines, queues,
// batching and processors stay as shipped. The config is a copy per call, so one rendered
// config can start several instances.
func loopback(t testing.TB, shipped *Config, dir string) *Config {
	t.Helper()
	raw, err := yaml.Marshal(shipped.Tree)
	require.NoError(t, err)
	var tree map[string]any
	require.NoError(t, yaml.Unmarshal(raw, &tree))
	c := &Config{Tree: tree, Dir: dir, Ports: map[int]int{}}
	var walk func(v any) any
	walk = func(v any) any {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				x[k] = walk(e)
			}
		case []any:
			for i, e := range x {
				x[i] = walk(e)
			}
		case string:
			if m := podAddr.FindStringSubmatch(x); m != nil {
				orig, _ := strconv.Atoi(m[1])
				if _, ok := c.Ports[orig]; !ok {
					c.Ports[orig] = freePort(t)
				}
				return fmt.Sprintf("127.0.0.1:%d", c.Ports[orig])
			}
		}
		return v
	}
	walk(c.Tree)
	c.HealthPort = c.Ports[13133]
	require.NotZero(t, c.HealthPort, "the config has no health_check on port 13133")

	readers, _ := c.Get("service::telemetry::metrics::readers").([]any)
	if len(readers) == 0 {
		// The collector's default (localhost:8888) would collide between instances.
		readers = []any{map[string]any{"pull": map[string]any{"exporter": map[string]any{"prometheus": map[string]any{}}}}}
		c.Set("service::telemetry::metrics::readers", readers)
	}
	c.MetricsPort = freePort(t)
	prom := readers[0].(map[string]any)["pull"].(map[string]any)["exporter"].(map[string]any)["prometheus"].(map[string]any)
	prom["host"], prom["port"] = "127.0.0.1", c.MetricsPort

	if c.Get("extensions::file_storage") != nil {
		q := filepath.Join(dir, "queue")
		require.NoError(t, os.MkdirAll(q, 0o755))
		c.Set("extensions::file_storage::directory", q)
		c.Set("extensions::file_storage::compaction::directory", q)
	}
	// Quiet logs: a collector retrying against a dead backend logs every attempt.
	c.Set("service::telemetry::logs::level", "warn")
	return c
}

// loadExample reads a collector config from the repository (e.g. examples/gateway/config.yaml).
func loadExample(t testing.TB, rel string) *Config {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(repoRoot(t), rel))
	require.NoError(t, err)
	var tree map[string]any
	require.NoError(t, yaml.Unmarshal(raw, &tree), rel)
	return &Config{Tree: tree}
}

// pointAt aims a shipped exporter at the sink: otlp_http at its HTTP port, otlp_grpc at its
// gRPC port (plaintext on loopback).
func pointAt(t testing.TB, c *Config, exporterID string, s *Sink) {
	t.Helper()
	require.NotNil(t, c.Get("exporters::"+exporterID), "the config has no exporter %s", exporterID)
	switch strings.SplitN(exporterID, "/", 2)[0] {
	case "otlp_http", "otlphttp":
		c.Set("exporters::"+exporterID+"::endpoint", fmt.Sprintf("http://127.0.0.1:%d", s.HTTPPort))
	case "otlp_grpc", "otlp":
		c.Set("exporters::"+exporterID+"::endpoint", fmt.Sprintf("127.0.0.1:%d", s.GRPCPort))
		c.Set("exporters::"+exporterID+"::tls::insecure", true)
	default:
		t.Fatalf("cannot point %s at the sink", exporterID)
	}
}

// traceExporter is the single exporter of the traces pipeline.
func traceExporter(t testing.TB, c *Config) string {
	t.Helper()
	exps, _ := c.Get("service::pipelines::traces::exporters").([]any)
	require.Len(t, exps, 1, "the traces pipeline should export to one exporter")
	return exps[0].(string)
}

// pointAllAt aims every exporter of the config at the sink (a load_balancing exporter gets a
// static resolver with the sink as its only endpoint), so nothing leaves loopback.
func pointAllAt(t testing.TB, c *Config, s *Sink) {
	t.Helper()
	exps, _ := c.Get("exporters").(map[string]any)
	for id := range exps {
		switch strings.SplitN(id, "/", 2)[0] {
		case "otlp_http", "otlphttp", "otlp_grpc", "otlp":
			pointAt(t, c, id, s)
		case "load_balancing":
			c.Set("exporters::"+id+"::resolver", map[string]any{
				"static": map[string]any{"hostnames": []any{fmt.Sprintf("127.0.0.1:%d", s.GRPCPort)}},
			})
		}
	}
}
