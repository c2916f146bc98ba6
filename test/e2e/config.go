//go:build e2e

package e2e

import (
	"bytes"
	"testing"
	"text/template"

	"github.com/stretchr/testify/require"
)

// Ports are the loopback ports of one test collector, all picked free at start.
type Ports struct {
	OTLPGRPC, OTLPHTTP                                     int
	JaegerGRPC, JaegerThriftHTTP, JaegerCompact, JaegerBin int
	Zipkin, Health, Telemetry                              int
}

// bridge is one collector under test with its ports and output files.
type bridge struct {
	*Collector
	Ports Ports
}

func (b *bridge) TracesFile() string  { return b.Path("traces.jsonl") }
func (b *bridge) MetricsFile() string { return b.Path("metrics.jsonl") }
func (b *bridge) LogsFile() string    { return b.Path("logs.jsonl") }

// The test pipeline has no batch processor: each request becomes one line in the file
// exporter's output, which lets the fixture replay tests pair requests with outputs.
// Request size limits are small so the oversized-payload tests stay cheap.
var testConfig = template.Must(template.New("config").Parse(`
extensions:
  health_check:
    endpoint: 127.0.0.1:{{.Health}}
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 127.0.0.1:{{.OTLPGRPC}}
        max_recv_msg_size_mib: 1
      http:
        endpoint: 127.0.0.1:{{.OTLPHTTP}}
        max_request_body_size: 1048576
  jaeger:
    protocols:
      grpc:
        endpoint: 127.0.0.1:{{.JaegerGRPC}}
        max_recv_msg_size_mib: 1
      thrift_http:
        endpoint: 127.0.0.1:{{.JaegerThriftHTTP}}
        max_request_body_size: 1048576
      thrift_compact:
        endpoint: 127.0.0.1:{{.JaegerCompact}}
      thrift_binary:
        endpoint: 127.0.0.1:{{.JaegerBin}}
  zipkin:
    endpoint: 127.0.0.1:{{.Zipkin}}
    max_request_body_size: 1048576
processors:
  memory_limiter:
    check_interval: 1s
    limit_percentage: 80
    spike_limit_percentage: 20
exporters:
  file/traces:
    path: ./traces.jsonl
    format: json
    flush_interval: 50ms
  file/metrics:
    path: ./metrics.jsonl
    format: json
    flush_interval: 50ms
  file/logs:
    path: ./logs.jsonl
    format: json
    flush_interval: 50ms
service:
  extensions: [health_check]
  pipelines:
    traces:
      receivers: [otlp, jaeger, zipkin]
      processors: [memory_limiter]
      exporters: [file/traces]
    metrics:
      receivers: [otlp]
      processors: [memory_limiter]
      exporters: [file/metrics]
    logs:
      receivers: [otlp]
      processors: [memory_limiter]
      exporters: [file/logs]
  telemetry:
    metrics:
      readers:
        - pull:
            exporter:
              prometheus:
                host: 127.0.0.1
                port: {{.Telemetry}}
`))

// startBridge starts a collector with every receiver on free loopback ports.
func startBridge(t testing.TB) *bridge {
	t.Helper()
	p := freePorts(t, 10)
	ports := Ports{
		OTLPGRPC: p[0], OTLPHTTP: p[1],
		JaegerGRPC: p[2], JaegerThriftHTTP: p[3], JaegerCompact: p[4], JaegerBin: p[5],
		Zipkin: p[6], Health: p[7], Telemetry: p[8],
	}
	var cfg bytes.Buffer
	require.NoError(t, testConfig.Execute(&cfg, ports))
	return &bridge{Collector: startCollector(t, collectorOptions{Config: cfg.String(), HealthPort: ports.Health}), Ports: ports}
}
