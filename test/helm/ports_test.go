package helm_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
)

// TestPortsAreWhereTheCollectorListens: the container and Service ports come from the
// listening endpoints of the rendered config only. The profiling extension's Pyroscope
// address is where it sends, so it is no port (it was one, named profiling-pyros, until the
// port list followed the chart's listener table); a second jaeger receiver gets names of its
// own, UDP for its compact protocol; an unknown receiver listens on its own endpoint, UDP with
// `transport: udp`; an endpoint on localhost stays private.
func TestPortsAreWhereTheCollectorListens(t *testing.T) {
	values := filepath.Join(t.TempDir(), "values.yaml")
	require.NoError(t, os.WriteFile(values, []byte(`
presets:
  selfProfiling:
    enabled: true
config:
  extensions:
    profiling:
      pyroscope:
        endpoint: http://pyroscope.observability.svc.cluster.local:4040
  receivers:
    jaeger/legacy:
      protocols:
        thrift_compact:
          endpoint: ${env:MY_POD_IP}:7831
        grpc:
          endpoint: localhost:15250
    statsd:
      endpoint: ${env:MY_POD_IP}:9125
      transport: udp
  service:
    pipelines:
      traces:
        receivers: [otlp, jaeger/legacy]
      metrics:
        receivers: [otlp, statsd]
`), 0o600))
	objs := renderObjects(t, values)

	got := map[string]corev1.ContainerPort{}
	for _, p := range gatewayContainer(t, objs).Ports {
		got[p.Name] = corev1.ContainerPort{Name: p.Name, ContainerPort: p.ContainerPort, Protocol: p.Protocol}
	}
	assert.Equal(t, map[string]corev1.ContainerPort{
		"otlp-grpc":       {Name: "otlp-grpc", ContainerPort: 4317, Protocol: corev1.ProtocolTCP},
		"otlp-http":       {Name: "otlp-http", ContainerPort: 4318, Protocol: corev1.ProtocolTCP},
		"jaeger-legacy-t": {Name: "jaeger-legacy-t", ContainerPort: 7831, Protocol: corev1.ProtocolUDP},
		"statsd":          {Name: "statsd", ContainerPort: 9125, Protocol: corev1.ProtocolUDP},
		"health":          {Name: "health", ContainerPort: 13133, Protocol: corev1.ProtocolTCP},
		"metrics":         {Name: "metrics", ContainerPort: 8888, Protocol: corev1.ProtocolTCP},
	}, got)

	svc := gatewayServicePort(t, objs, "statsd")
	assert.Equal(t, corev1.ProtocolUDP, svc.Protocol)
	for _, o := range objs {
		if s, ok := o.obj.(*corev1.Service); ok {
			for _, p := range s.Spec.Ports {
				assert.NotEqual(t, "health", p.Name, "Service %s exposes the health check", s.Name)
				assert.NotEqual(t, int32(4040), p.Port, "Service %s exposes the Pyroscope push address", s.Name)
			}
		}
	}
}
