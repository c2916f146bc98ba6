package helm_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"sigs.k8s.io/yaml"
)

// The chart's secure defaults (issue 15): redaction on in the gateway, the hash key from a
// Secret, NetworkPolicies that deny what is not listed, TLS on every receiver of the
// hardened example, and a host-metrics agent that sees only /proc and /sys and stays off
// control-plane nodes unless asked.

// renderObjects renders the chart with a values file (may be empty) and --set pairs.
func renderObjects(t *testing.T, valuesFile string, sets ...string) []object {
	t.Helper()
	var args []string
	for _, s := range sets {
		args = append(args, "--set", s)
	}
	out, stderr, err := render(t, valuesFile, args...)
	require.NoError(t, err, stderr)
	return decodeAll(t, out)
}

// collectorConfig is the parsed config.yaml of the ConfigMap named name.
func collectorConfig(t *testing.T, objs []object, name string) (map[string]any, string) {
	t.Helper()
	for _, o := range objs {
		if cm, ok := o.obj.(*corev1.ConfigMap); ok && cm.Name == name {
			raw := cm.Data["config.yaml"]
			var cfg map[string]any
			require.NoError(t, yaml.Unmarshal([]byte(raw), &cfg))
			return cfg, raw
		}
	}
	t.Fatalf("no ConfigMap %s", name)
	return nil, ""
}

// dig walks nested maps by key.
func dig(m any, keys ...string) any {
	for _, k := range keys {
		mm, ok := m.(map[string]any)
		if !ok {
			return nil
		}
		m = mm[k]
	}
	return m
}

func gatewayContainer(t *testing.T, objs []object) corev1.Container {
	t.Helper()
	for _, o := range objs {
		if d, ok := o.obj.(*appsv1.Deployment); ok && d.Name == releaseName {
			return d.Spec.Template.Spec.Containers[0]
		}
	}
	t.Fatal("no gateway Deployment")
	return corev1.Container{}
}

func TestRedactionOnByDefault(t *testing.T) {
	objs := renderObjects(t, "")
	cfg, _ := collectorConfig(t, objs, releaseName)
	assert.Equal(t, []any{"secrets"}, dig(cfg, "processors", "pii_redaction", "presets"))
	assert.Equal(t, "mask", dig(cfg, "processors", "pii_redaction", "action"))
	assert.Nil(t, dig(cfg, "processors", "log_redaction"), "the chart renders the new id, not the deprecated alias")
	for _, pipeline := range []string{"logs", "traces", "metrics"} {
		assert.Equal(t, []any{"memory_limiter", "pii_redaction", "batch"},
			dig(cfg, "service", "pipelines", pipeline, "processors"),
			"the gateway's %s pipeline redacts by default, after memory_limiter and before batch", pipeline)
	}
	// The sampler tier only receives what the gateway already redacted.
	objs = renderObjects(t, "", "presets.tailSampling.enabled=true")
	cfg, _ = collectorConfig(t, objs, releaseName)
	assert.Contains(t, dig(cfg, "service", "pipelines", "traces", "processors"), "pii_redaction")
	assert.Equal(t, []any{"load_balancing"}, dig(cfg, "service", "pipelines", "traces", "exporters"))

	// The traces and metrics toggles take the processor out of their pipeline only.
	cfg, _ = collectorConfig(t, renderObjects(t, "", "presets.redaction.traces=false",
		"presets.redaction.metrics=false"), releaseName)
	assert.Contains(t, dig(cfg, "service", "pipelines", "logs", "processors"), "pii_redaction")
	for _, pipeline := range []string{"traces", "metrics"} {
		assert.NotContains(t, dig(cfg, "service", "pipelines", pipeline, "processors"), "pii_redaction", pipeline)
	}
	// Off: no processor and no pipeline entry anywhere.
	cfg, raw := collectorConfig(t, renderObjects(t, "", "presets.redaction.enabled=false"), releaseName)
	assert.NotContains(t, raw, "redaction")
	assert.Nil(t, dig(cfg, "processors", "pii_redaction"))
}

// TestRedactionOldIDRejected: the processor was renamed log_redaction -> pii_redaction. Settings
// a user left under the old id would define a second, unused processor (the binary still loads
// the alias) and silently stop tuning the preset, so rendering fails and says where to move them.
func TestRedactionOldIDRejected(t *testing.T) {
	_, stderr, err := render(t, "", "--set", "config.processors.log_redaction.actions.credit_card=partial")
	require.Error(t, err)
	assert.Contains(t, stderr, "config.processors.pii_redaction")
	_, stderr, err = render(t, "", "--set", "config.service.pipelines.traces.processors={memory_limiter,log_redaction,batch}")
	require.Error(t, err)
	assert.Contains(t, stderr, "config.service.pipelines.traces.processors lists log_redaction")
	// The new id is accepted and merged into the preset's settings.
	cfg, _ := collectorConfig(t, renderObjects(t, "", "config.processors.pii_redaction.actions.credit_card=partial"), releaseName)
	assert.Equal(t, "partial", dig(cfg, "processors", "pii_redaction", "actions", "credit_card"))
	assert.Equal(t, []any{"secrets"}, dig(cfg, "processors", "pii_redaction", "presets"))
}

func TestRedactionHashKeyFromSecret(t *testing.T) {
	objs := renderObjects(t, "", "presets.redaction.action=hash",
		"presets.redaction.hmacKey.valueFrom.secretKeyRef.name=redaction-hmac",
		"presets.redaction.hmacKey.valueFrom.secretKeyRef.key=key")
	cfg, raw := collectorConfig(t, objs, releaseName)
	assert.Equal(t, "${env:OTELCOL_REDACTION_HMAC_KEY}", dig(cfg, "processors", "pii_redaction", "hmac_key"))
	assert.NotContains(t, raw, "redaction-hmac", "the ConfigMap names no Secret and holds no key")

	var env *corev1.EnvVar
	for _, e := range gatewayContainer(t, objs).Env {
		if e.Name == "OTELCOL_REDACTION_HMAC_KEY" {
			env = &e
		}
	}
	require.NotNil(t, env, "the gateway gets the key as an environment variable")
	require.NotNil(t, env.ValueFrom)
	require.NotNil(t, env.ValueFrom.SecretKeyRef)
	assert.Equal(t, "redaction-hmac", env.ValueFrom.SecretKeyRef.Name)
	assert.Equal(t, "key", env.ValueFrom.SecretKeyRef.Key)
	assert.Empty(t, env.Value)

	// The rendered config starts with the key the Secret provides, and fails without one
	// (what a pod would do): the wiring is the config's, not just the manifest's.
	path := filepath.Join(t.TempDir(), "config.yaml")
	require.NoError(t, os.WriteFile(path, []byte(raw), 0o600))
	validate := func(key string) ([]byte, error) {
		cmd := exec.Command(bridgeBin(t), "validate", "--config", path)
		cmd.Env = append(os.Environ(), "MY_POD_IP=127.0.0.1", "OTELCOL_REDACTION_HMAC_KEY="+key)
		return cmd.CombinedOutput()
	}
	out, err := validate(strings.Repeat("k", 32))
	require.NoError(t, err, "%s", out)
	out, err = validate("")
	require.Error(t, err)
	assert.Contains(t, string(out), "hmac_key")

	// Without a key source, rendering fails rather than shipping pods that crash-loop.
	_, stderr, err := render(t, "", "--set", "presets.redaction.action=hash")
	require.Error(t, err)
	assert.Contains(t, stderr, "presets.redaction.hmacKey.valueFrom")
	// No env var when the action needs no key.
	for _, e := range gatewayContainer(t, renderObjects(t, "")).Env {
		assert.NotEqual(t, "OTELCOL_REDACTION_HMAC_KEY", e.Name)
	}
}

func networkPolicies(objs []object) map[string]*networkingv1.NetworkPolicy {
	out := map[string]*networkingv1.NetworkPolicy{}
	for _, o := range objs {
		if np, ok := o.obj.(*networkingv1.NetworkPolicy); ok {
			out[np.Name] = np
		}
	}
	return out
}

func TestNetworkPolicyDeniesByDefault(t *testing.T) {
	all := []string{"networkPolicy.enabled=true", "presets.tailSampling.enabled=true", "presets.hostMetrics.enabled=true",
		"presets.migration.enabled=true"}

	nps := networkPolicies(renderObjects(t, "", all...))
	require.Len(t, nps, 3, "gateway, sampler, agent")
	for name, np := range nps {
		assert.Contains(t, np.Spec.PolicyTypes, networkingv1.PolicyTypeIngress, name)
		for i, rule := range np.Spec.Ingress {
			assert.NotEmpty(t, rule.From, "%s: ingress rule %d admits every source", name, i)
		}
	}
	assert.Empty(t, nps[releaseName].Spec.Ingress, "empty ingressFrom and metricsFrom: the gateway admits nobody")
	assert.Empty(t, nps[releaseName+"-agent"].Spec.Ingress)
	require.Len(t, nps[releaseName+"-sampler"].Spec.Ingress, 1, "the sampler admits the gateway only")

	nps = networkPolicies(renderObjects(t, "", append(all,
		"networkPolicy.ingressFrom[0].namespaceSelector.matchLabels.telemetry=enabled",
		"networkPolicy.metricsFrom[0].namespaceSelector.matchLabels.team=monitoring")...))
	gw := nps[releaseName]
	require.Len(t, gw.Spec.Ingress, 2, "receivers and metrics")
	receivers, metrics := gw.Spec.Ingress[0], gw.Spec.Ingress[1]
	require.Len(t, receivers.From, 1)
	assert.Equal(t, map[string]string{"telemetry": "enabled"}, receivers.From[0].NamespaceSelector.MatchLabels)
	var ports []int32
	for _, p := range receivers.Ports {
		ports = append(ports, p.Port.IntVal)
	}
	assert.Subset(t, ports, []int32{4317, 4318, 14250, 14268, 9411})
	assert.NotContains(t, ports, int32(8888))
	require.Len(t, metrics.Ports, 1)
	assert.Equal(t, int32(8888), metrics.Ports[0].Port.IntVal)
	assert.Equal(t, map[string]string{"team": "monitoring"}, metrics.From[0].NamespaceSelector.MatchLabels)
	require.Len(t, nps[releaseName+"-agent"].Spec.Ingress, 1, "the agent: metrics scrapes only")
}

// TestHardenedExampleTLSOnEveryReceiver: every TCP receiver of examples/hardened.yaml has a
// certificate, and the certificate directory is a mounted Secret.
func TestHardenedExampleTLSOnEveryReceiver(t *testing.T) {
	file := examples(t)["hardened"]
	objs := decodeAll(t, renderExample(t, "hardened", file))
	cfg, _ := collectorConfig(t, objs, releaseName)
	receivers, _ := cfg["receivers"].(map[string]any)
	require.NotEmpty(t, receivers)

	var listeners int
	var checkServer func(path string, m map[string]any)
	checkServer = func(path string, m map[string]any) {
		if _, ok := m["endpoint"]; ok {
			if strings.Contains(path, "thrift_compact") || strings.Contains(path, "thrift_binary") {
				t.Errorf("%s: a UDP listener cannot have TLS; the hardened example must not enable it", path)
				return
			}
			listeners++
			assert.NotEmpty(t, dig(m, "tls", "cert_file"), "%s has no TLS", path)
			assert.NotEmpty(t, dig(m, "tls", "key_file"), "%s has no TLS", path)
			return
		}
		for k, v := range m {
			if sub, ok := v.(map[string]any); ok && k != "tls" {
				checkServer(path+"."+k, sub)
			}
		}
	}
	for id, r := range receivers {
		checkServer(id, r.(map[string]any))
	}
	assert.GreaterOrEqual(t, listeners, 2, "OTLP gRPC and HTTP at least")

	c := gatewayContainer(t, objs)
	var secretVolume string
	for _, o := range objs {
		if d, ok := o.obj.(*appsv1.Deployment); ok {
			for _, v := range d.Spec.Template.Spec.Volumes {
				if v.Secret != nil {
					secretVolume = v.Name
				}
			}
		}
	}
	require.NotEmpty(t, secretVolume, "the certificate comes from a Secret")
	mounted := false
	for _, m := range c.VolumeMounts {
		if m.Name == secretVolume {
			mounted = m.MountPath == "/etc/otelcol-bridge-tls" && m.ReadOnly
		}
	}
	assert.True(t, mounted, "Secret mounted read-only where the configs read tls.crt/tls.key")
}

func agentPod(t *testing.T, objs []object) corev1.PodSpec {
	t.Helper()
	for _, o := range objs {
		if ds, ok := o.obj.(*appsv1.DaemonSet); ok {
			return ds.Spec.Template.Spec
		}
	}
	t.Fatal("no agent DaemonSet")
	return corev1.PodSpec{}
}

func hostPaths(spec corev1.PodSpec) map[string]string {
	out := map[string]string{} // host path -> mount path
	for _, v := range spec.Volumes {
		if v.HostPath == nil {
			continue
		}
		for _, m := range spec.Containers[0].VolumeMounts {
			if m.Name == v.Name {
				if m.ReadOnly {
					out[v.HostPath.Path] = m.MountPath
				} else {
					out[v.HostPath.Path] = "read-write!"
				}
			}
		}
	}
	return out
}

func TestHostMetricsAgentMountsAndNodes(t *testing.T) {
	objs := renderObjects(t, "", "presets.hostMetrics.enabled=true")
	spec := agentPod(t, objs)
	assert.Equal(t, map[string]string{"/proc": "/hostfs/proc", "/sys": "/hostfs/sys"}, hostPaths(spec),
		"only /proc and /sys, read-only, where root_path finds them")
	cfg, _ := collectorConfig(t, objs, releaseName+"-agent")
	assert.Equal(t, "/hostfs", dig(cfg, "receivers", "host_metrics", "root_path"))

	assert.Empty(t, spec.Tolerations, "no blanket toleration")
	require.NotNil(t, spec.Affinity)
	require.NotNil(t, spec.Affinity.NodeAffinity)
	terms := spec.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms
	require.Len(t, terms, 1)
	assert.Equal(t, corev1.NodeSelectorRequirement{Key: "node-role.kubernetes.io/control-plane", Operator: corev1.NodeSelectorOpDoesNotExist},
		terms[0].MatchExpressions[0])

	// Asked for: control-plane nodes too.
	spec = agentPod(t, renderObjects(t, "", "presets.hostMetrics.enabled=true", "presets.hostMetrics.controlPlane=true"))
	assert.Nil(t, spec.Affinity)
	require.Len(t, spec.Tolerations, 1)
	assert.Equal(t, "node-role.kubernetes.io/control-plane", spec.Tolerations[0].Key)
	assert.Equal(t, corev1.TaintEffectNoSchedule, spec.Tolerations[0].Effect)

	// The filesystem scraper statfs()es the host's mount points: only then the host's /.
	spec = agentPod(t, renderObjects(t, "", "presets.hostMetrics.enabled=true",
		"presets.hostMetrics.scrapers={cpu,filesystem}"))
	assert.Equal(t, map[string]string{"/": "/hostfs"}, hostPaths(spec))
}
