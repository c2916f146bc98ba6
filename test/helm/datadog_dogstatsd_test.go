package helm_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
)

// TestDatadogDogStatsDUDP: with the datadog receiver on, the gateway also serves DogStatsD
// over UDP on 8125 (container and Service port "dogstatsd", protocol UDP; the receiver in the
// metrics pipeline, where its UDP listener runs); presets.migration.datadog.dogstatsd.enabled
// =false turns only that off.
func TestDatadogDogStatsDUDP(t *testing.T) {
	on := []string{"presets.migration.enabled=true", "presets.migration.datadog.enabled=true"}

	objs := renderObjects(t, "", on...)
	cfg, _ := collectorConfig(t, objs, releaseName)
	assert.Equal(t, "${env:MY_POD_IP}:8126", dig(cfg, "receivers", "datadog", "endpoint"))
	assert.Equal(t, "${env:MY_POD_IP}:8125", dig(cfg, "receivers", "datadog", "dogstatsd", "endpoint"))
	assert.Contains(t, dig(cfg, "service", "pipelines", "metrics", "receivers"), "datadog")
	assert.Contains(t, dig(cfg, "service", "pipelines", "traces", "receivers"), "datadog")

	c := gatewayContainer(t, objs)
	assert.Contains(t, c.Ports, corev1.ContainerPort{Name: "dogstatsd", ContainerPort: 8125, Protocol: corev1.ProtocolUDP})
	assert.Contains(t, c.Ports, corev1.ContainerPort{Name: "datadog", ContainerPort: 8126, Protocol: corev1.ProtocolTCP})
	svc := gatewayServicePort(t, objs, "dogstatsd")
	assert.Equal(t, int32(8125), svc.Port)
	assert.Equal(t, corev1.ProtocolUDP, svc.Protocol)
	assert.Equal(t, "dogstatsd", svc.TargetPort.String())

	// Off: no listener, no port, the metrics pipeline as before; traces still take Datadog.
	objs = renderObjects(t, "", append(on, "presets.migration.datadog.dogstatsd.enabled=false")...)
	cfg, _ = collectorConfig(t, objs, releaseName)
	assert.Nil(t, dig(cfg, "receivers", "datadog", "dogstatsd"))
	assert.Equal(t, []any{"otlp"}, dig(cfg, "service", "pipelines", "metrics", "receivers"))
	assert.Contains(t, dig(cfg, "service", "pipelines", "traces", "receivers"), "datadog")
	for _, p := range gatewayContainer(t, objs).Ports {
		assert.NotEqual(t, int32(8125), p.ContainerPort, "port %s", p.Name)
	}

	// The datadog receiver off: the DogStatsD value alone adds nothing.
	_, raw := collectorConfig(t, renderObjects(t, "", "presets.migration.enabled=true"), releaseName)
	assert.NotContains(t, raw, "8125")
}

// gatewayServicePort is the port named name of the gateway's (non-headless) Service.
func gatewayServicePort(t *testing.T, objs []object, name string) corev1.ServicePort {
	t.Helper()
	for _, o := range objs {
		if svc, ok := o.obj.(*corev1.Service); ok && svc.Name == releaseName {
			for _, p := range svc.Spec.Ports {
				if p.Name == name {
					return p
				}
			}
		}
	}
	require.Failf(t, "no Service port", "Service %s has no port %s", releaseName, name)
	return corev1.ServicePort{}
}
