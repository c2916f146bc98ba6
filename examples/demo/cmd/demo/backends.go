package main

import "fmt"

// jaegerConfig is Jaeger v2 (an OpenTelemetry Collector itself) with in-memory storage: OTLP
// gRPC in from the bridge, the query API out.
func jaegerConfig(p ports) string {
	return fmt.Sprintf(`service:
  extensions: [jaeger_storage, jaeger_query]
  pipelines:
    traces:
      receivers: [otlp]
      exporters: [jaeger_storage_exporter]
  telemetry:
    metrics:
      level: none
extensions:
  jaeger_storage:
    backends:
      memstore:
        memory:
          max_traces: 20000
  jaeger_query:
    # Jaeger's own traces would go to localhost:4317, a running `+"`make run`"+`.
    enable_tracing: false
    storage:
      traces: memstore
    http:
      endpoint: 127.0.0.1:%d
    grpc:
      endpoint: 127.0.0.1:%d
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 127.0.0.1:%d
exporters:
  jaeger_storage_exporter:
    trace_storage: memstore
`, p.JaegerQuery, p.JaegerQueryGRPC, p.JaegerOTLP)
}

// prometheusConfig scrapes the bridge's prometheus exporter (span_metrics' RED metrics per
// service and operation, and inventory's Go runtime metrics that came in over DogStatsD) and
// the bridge's own internal telemetry.
func prometheusConfig(p ports) string {
	return fmt.Sprintf(`global:
  scrape_interval: 5s
  evaluation_interval: 5s
scrape_configs:
  - job_name: bridge-exporter
    static_configs:
      - targets: ["127.0.0.1:%d"]
  - job_name: otelcol-bridge
    static_configs:
      - targets: ["127.0.0.1:%d"]
`, p.BridgeSpanMetrics, p.BridgeSelf)
}
