// Package helm_test checks the Helm chart in helm/otelcol-bridge: it lints, every example
// values file renders to the committed golden manifests, every rendered object decodes
// strictly into the Kubernetes API types, every rendered collector config passes
// `otelcol-bridge validate`, and invalid values files are refused with a clear message.
//
// It needs two binaries and fails (never skips) without them:
//   - helm, from $HELM_BIN or .tools/bin/helm
//     (GOBIN=$PWD/.tools/bin go install helm.sh/helm/v3/cmd/helm@v3.22.0);
//   - otelcol-bridge, from $OTELCOL_BRIDGE_BINARY or bin/otelcol-bridge (make build).
//
// `go test ./test/helm/ -run TestExamplesMatchGolden -update` regenerates the goldens.
package helm_test

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

var update = flag.Bool("update", false, "rewrite helm/otelcol-bridge/tests/golden from the current chart")

const (
	releaseName = "otelcol-bridge"
	namespace   = "observability"
	// helm built by `go install` carries no Kubernetes version of its own (it reports
	// v1.20.0), which the chart's kubeVersion constraint refuses; render for a current one.
	kubeVersion = "1.33.0"
)

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	require.NoError(t, err)
	return root
}

func chartDir(t *testing.T) string {
	return filepath.Join(repoRoot(t), "helm", "otelcol-bridge")
}

// binary returns the path in env, or def (relative to the repository root); a missing
// binary fails the test with how to get it.
func binary(t *testing.T, env, def, how string) string {
	t.Helper()
	path := os.Getenv(env)
	if path == "" {
		path = filepath.Join(repoRoot(t), def)
	}
	info, err := os.Stat(path)
	if err != nil || info.IsDir() {
		t.Fatalf("%s binary not found at %s: set %s or %s", filepath.Base(def), path, env, how)
	}
	return path
}

func helmBin(t *testing.T) string {
	return binary(t, "HELM_BIN", ".tools/bin/helm",
		"install it: GOBIN=$PWD/.tools/bin go install helm.sh/helm/v3/cmd/helm@v3.22.0")
}

func bridgeBin(t *testing.T) string {
	return binary(t, "OTELCOL_BRIDGE_BINARY", "bin/otelcol-bridge", "build it: make build")
}

// render runs `helm template` with a values file (none when valuesFile is empty) and
// extra arguments; it returns stdout, and stderr as the error text on failure.
func render(t *testing.T, valuesFile string, args ...string) (string, string, error) {
	t.Helper()
	cmdArgs := []string{"template", releaseName, chartDir(t), "--namespace", namespace, "--kube-version", kubeVersion}
	if valuesFile != "" {
		cmdArgs = append(cmdArgs, "--values", valuesFile)
	}
	cmdArgs = append(cmdArgs, args...)
	cmd := exec.Command(helmBin(t), cmdArgs...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	return stdout.String(), stderr.String(), err
}

// examples lists helm/otelcol-bridge/examples/*.yaml by name without extension.
func examples(t *testing.T) map[string]string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(chartDir(t), "examples", "*.yaml"))
	require.NoError(t, err)
	require.NotEmpty(t, files, "no example values files")
	out := map[string]string{}
	for _, f := range files {
		out[strings.TrimSuffix(filepath.Base(f), ".yaml")] = f
	}
	return out
}

var (
	renderedMu    sync.Mutex
	renderedCache = map[string]string{}
)

// renderExample renders one example once per test binary run.
func renderExample(t *testing.T, name, file string) string {
	t.Helper()
	renderedMu.Lock()
	defer renderedMu.Unlock()
	if out, ok := renderedCache[name]; ok {
		return out
	}
	out, stderr, err := render(t, file)
	require.NoError(t, err, "helm template with examples/%s.yaml:\n%s", name, stderr)
	renderedCache[name] = out
	return out
}

func TestLint(t *testing.T) {
	args := []string{"lint", chartDir(t), "--strict", "--kube-version", kubeVersion}
	out, err := exec.Command(helmBin(t), args...).CombinedOutput()
	require.NoError(t, err, "helm lint:\n%s", out)
	for name, file := range examples(t) {
		t.Run(name, func(t *testing.T) {
			out, err := exec.Command(helmBin(t), append(args, "--values", file)...).CombinedOutput()
			require.NoError(t, err, "helm lint with examples/%s.yaml:\n%s", name, out)
		})
	}
}

func TestExamplesMatchGolden(t *testing.T) {
	goldenDir := filepath.Join(chartDir(t), "tests", "golden")
	for name, file := range examples(t) {
		t.Run(name, func(t *testing.T) {
			got := renderExample(t, name, file)
			golden := filepath.Join(goldenDir, name+".yaml")
			if *update {
				require.NoError(t, os.WriteFile(golden, []byte(got), 0o644))
				return
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err, "no golden manifest for examples/%s.yaml: run go test ./test/helm/ -update", name)
			assert.Equal(t, string(want), got,
				"examples/%s.yaml renders differently from tests/golden/%s.yaml: review the diff, then run go test ./test/helm/ -update", name, name)
		})
	}
	if *update {
		return
	}
	// Every golden belongs to an example, so a removed example leaves no stale golden.
	goldens, err := filepath.Glob(filepath.Join(goldenDir, "*.yaml"))
	require.NoError(t, err)
	all := examples(t)
	for _, g := range goldens {
		name := strings.TrimSuffix(filepath.Base(g), ".yaml")
		assert.Contains(t, all, name, "tests/golden/%s.yaml has no examples/%s.yaml", name, name)
	}
}

// TestInvalidValuesRejected: every tests/invalid/*.yaml starts with "# want: <text>", and
// rendering it must fail with an error containing that text.
func TestInvalidValuesRejected(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(chartDir(t), "tests", "invalid", "*.yaml"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".yaml"), func(t *testing.T) {
			raw, err := os.ReadFile(file)
			require.NoError(t, err)
			first, _, _ := strings.Cut(string(raw), "\n")
			want, ok := strings.CutPrefix(first, "# want: ")
			require.True(t, ok, "%s must start with a '# want: <error text>' line", file)
			out, stderr, err := render(t, file)
			require.Error(t, err, "rendering succeeded, but should fail with %q; output:\n%s", want, out)
			assert.Contains(t, stderr, want)
		})
	}
}

// TestGoMemLimit: GOMEMLIMIT is the configured share of the memory limit, in MiB rounded down.
func TestGoMemLimit(t *testing.T) {
	cases := []struct {
		limit, percent, want string
	}{
		{"512Mi", "80", "409MiB"},
		{"1Gi", "80", "819MiB"},
		{"1.5Gi", "80", "1228MiB"},
		{"2G", "80", "1525MiB"},
		{"536870912", "80", "409MiB"},
		{"4Gi", "50", "2048MiB"},
	}
	for _, c := range cases {
		t.Run(c.limit+"@"+c.percent, func(t *testing.T) {
			out, stderr, err := render(t, "", "--show-only", "templates/gateway.yaml",
				"--set", "gateway.resources.limits.memory="+c.limit, "--set", "goMemLimitPercent="+c.percent)
			require.NoError(t, err, stderr)
			objs := decodeAll(t, out)
			require.Len(t, objs, 1)
			env := podSpecs(objs[0].obj)[0].Containers[0].Env
			var got string
			for _, e := range env {
				if e.Name == "GOMEMLIMIT" {
					got = e.Value
				}
			}
			assert.Equal(t, c.want, got)
		})
	}
	t.Run("no limit", func(t *testing.T) {
		out, stderr, err := render(t, "", "--show-only", "templates/gateway.yaml", "--set", "gateway.resources.limits=null")
		require.NoError(t, err, stderr)
		for _, e := range podSpecs(decodeAll(t, out)[0].obj)[0].Containers[0].Env {
			assert.NotEqual(t, "GOMEMLIMIT", e.Name, "GOMEMLIMIT without a memory limit")
		}
	})
}

// components lists the component types the binary contains, by kind (receivers, ...).
func components(t *testing.T) map[string]map[string]bool {
	t.Helper()
	out, err := exec.Command(bridgeBin(t), "components").Output()
	require.NoError(t, err, "otelcol-bridge components")
	var listed map[string]any
	require.NoError(t, yaml.Unmarshal(out, &listed))
	kinds := map[string]map[string]bool{}
	for _, kind := range []string{"receivers", "processors", "exporters", "extensions", "connectors"} {
		kinds[kind] = map[string]bool{}
		entries, _ := listed[kind].([]any)
		for _, e := range entries {
			if m, ok := e.(map[string]any); ok {
				kinds[kind][m["name"].(string)] = true
			}
		}
	}
	return kinds
}

func TestConfigsValidate(t *testing.T) {
	bin := bridgeBin(t)
	have := components(t)
	for name, file := range examples(t) {
		for _, o := range decodeAll(t, renderExample(t, name, file)) {
			if o.kind != "ConfigMap" {
				continue
			}
			cm := o.obj.(*corev1.ConfigMap)
			cfg, ok := cm.Data["config.yaml"]
			if !assert.True(t, ok, "%s: ConfigMap %s has no config.yaml", name, cm.Name) {
				continue
			}
			t.Run(name+"/"+cm.Name, func(t *testing.T) {
				var parsed map[string]any
				require.NoError(t, yaml.Unmarshal([]byte(cfg), &parsed))
				var missing []string
				for kind, known := range have {
					section, _ := parsed[kind].(map[string]any)
					for id := range section {
						typ, _, _ := strings.Cut(id, "/")
						if known[typ] {
							continue
						}
						missing = append(missing, kind+" "+typ)
					}
				}
				// Every component the chart can render is in the binary: a missing one is a bug.
				require.Empty(t, missing, "%s uses components the binary does not contain", cm.Name)
				// host_metrics' root_path is the host's / mounted into the agent pod; here the
				// host's / is that directory.
				cfg = strings.ReplaceAll(cfg, "root_path: /hostfs", "root_path: /")
				path := filepath.Join(t.TempDir(), "config.yaml")
				require.NoError(t, os.WriteFile(path, []byte(cfg), 0o600))
				cmd := exec.Command(bin, "validate", "--config", path)
				// The hash action's key comes from a Secret through this variable (presets.redaction.hmacKey).
				cmd.Env = append(os.Environ(), "MY_POD_IP=127.0.0.1", "K8S_NODE_NAME=node-1", "K8S_POD_NAME=pod-0", "K8S_NAMESPACE="+namespace,
					"OTELCOL_REDACTION_HMAC_KEY="+strings.Repeat("k", 32))
				out, err := cmd.CombinedOutput()
				require.NoError(t, err, "config.yaml of ConfigMap %s (examples/%s.yaml) does not validate:\n%s\n--- config ---\n%s", cm.Name, name, out, cfg)
			})
		}
	}
}
