{{/*
Collector configurations. Each tier's config is: what the presets generate, deep-merged with
the user's `config` map of that tier (maps merge key by key, lists replace), then finalized
(otelcol-bridge.finalizeConfig). Receivers bind to the pod IP, not 0.0.0.0; the collector's
own metrics are served on 8888 and health_check on 13133 for the probes.
*/}}

{{/*
commonProcessors: memory_limiter, and the batch processor only without persistentQueue. The batch
processor answers the receiver as soon as data sits in its memory buffer, so ahead of a persistent
sending_queue it would acknowledge data that a kill -9 loses; with persistentQueue the exporters
batch instead (sending_queue.batch, see finalizeConfig), after the data is on disk.
*/}}
{{- define "otelcol-bridge.commonProcessors" -}}
memory_limiter:
  check_interval: 1s
  limit_percentage: 80
  spike_limit_percentage: 20
{{- if not .Values.presets.persistentQueue.enabled }}
batch:
  send_batch_size: 8192
  timeout: 1s
{{- end }}
{{- end -}}

{{/* batchProcessor: the processor list entry for batching, empty with persistentQueue. */}}
{{- define "otelcol-bridge.batchProcessor" -}}
{{- if not .Values.presets.persistentQueue.enabled }}["batch"]{{ else }}[]{{ end -}}
{{- end -}}

{{- define "otelcol-bridge.telemetry" -}}
metrics:
  level: normal
  readers:
    - pull:
        exporter:
          prometheus:
            host: ${env:MY_POD_IP}
            port: 8888
{{- end -}}

{{/* The gateway (tier 1). */}}
{{- define "otelcol-bridge.gatewayBaseConfig" -}}
{{- $p := .Values.presets -}}
{{- $migration := $p.migration.enabled -}}
{{- $jaeger := and $migration $p.migration.jaeger.enabled -}}
{{- $zipkin := and $migration $p.migration.zipkin.enabled -}}
{{- $datadog := and $migration $p.migration.datadog.enabled -}}
{{- $dogstatsd := and $datadog $p.migration.datadog.dogstatsd.enabled -}}
{{- $remoteSampling := and $migration $p.migration.remoteSampling.enabled -}}
{{- $traceReceivers := list "otlp" -}}
{{- if $jaeger }}{{ $traceReceivers = append $traceReceivers "jaeger" }}{{ end -}}
{{- if $zipkin }}{{ $traceReceivers = append $traceReceivers "zipkin" }}{{ end -}}
{{- if $datadog }}{{ $traceReceivers = append $traceReceivers "datadog" }}{{ end -}}
{{- /* DogStatsD datagrams are metrics: the receiver listens on 8125/udp only in a metrics pipeline. */ -}}
{{- $metricReceivers := list "otlp" -}}
{{- if $dogstatsd }}{{ $metricReceivers = append $metricReceivers "datadog" }}{{ end -}}
{{- $extensions := list "health_check" -}}
{{- if $p.persistentQueue.enabled }}{{ $extensions = append $extensions "file_storage" }}{{ end -}}
{{- if $remoteSampling }}{{ $extensions = append $extensions "jaegerremotesampling" }}{{ end -}}
{{- if $p.selfProfiling.enabled }}{{ $extensions = append $extensions "profiling" }}{{ end -}}
{{- $logProcessors := list "memory_limiter" -}}
{{- if $p.redaction.enabled }}{{ $logProcessors = append $logProcessors "pii_redaction" }}{{ end -}}
{{- if $p.logSampling.enabled }}{{ $logProcessors = append $logProcessors "log_sampling" }}{{ end -}}
{{- $batch := fromJsonArray (include "otelcol-bridge.batchProcessor" .) -}}
{{- $logProcessors = concat $logProcessors $batch -}}
{{- $traceProcessors := list "memory_limiter" -}}
{{- if and $p.redaction.enabled $p.redaction.traces }}{{ $traceProcessors = append $traceProcessors "pii_redaction" }}{{ end -}}
{{- $traceProcessors = concat $traceProcessors $batch -}}
{{- $metricProcessors := list "memory_limiter" -}}
{{- if and $p.redaction.enabled $p.redaction.metrics }}{{ $metricProcessors = append $metricProcessors "pii_redaction" }}{{ end -}}
{{- $metricProcessors = concat $metricProcessors $batch -}}
{{- $traceExporters := .Values.pipelineExporters -}}
{{- if $p.tailSampling.enabled }}{{ $traceExporters = list "load_balancing" }}{{ end -}}
extensions:
  health_check:
    endpoint: ${env:MY_POD_IP}:13133
  {{- if $p.persistentQueue.enabled }}
  file_storage:
    {{- include "otelcol-bridge.fileStorage" . | nindent 4 }}
  {{- end }}
  {{- if $remoteSampling }}
  jaegerremotesampling:
    http:
      endpoint: ${env:MY_POD_IP}:5778
    # The extension always serves gRPC too (14250 by default, which the jaeger receiver
    # holds): keep it on a private port.
    grpc:
      endpoint: localhost:14251
    source:
      file: /etc/otelcol-bridge/sampling-strategies.json
      reload_interval: {{ $p.migration.remoteSampling.reloadInterval }}
  {{- end }}
  {{- if $p.selfProfiling.enabled }}
  profiling:
    {{- include "otelcol-bridge.profilingConfig" . | nindent 4 }}
  {{- end }}
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: ${env:MY_POD_IP}:4317
      http:
        endpoint: ${env:MY_POD_IP}:4318
  {{- if $jaeger }}
  jaeger:
    protocols:
      grpc:
        endpoint: ${env:MY_POD_IP}:14250
      thrift_http:
        endpoint: ${env:MY_POD_IP}:14268
      thrift_compact:
        endpoint: ${env:MY_POD_IP}:6831
      thrift_binary:
        endpoint: ${env:MY_POD_IP}:6832
  {{- end }}
  {{- if $zipkin }}
  zipkin:
    endpoint: ${env:MY_POD_IP}:9411
  {{- end }}
  {{- if $datadog }}
  datadog:
    endpoint: ${env:MY_POD_IP}:8126
    {{- if $dogstatsd }}
    dogstatsd:
      endpoint: ${env:MY_POD_IP}:8125
    {{- end }}
  {{- end }}
processors:
  {{- include "otelcol-bridge.commonProcessors" . | nindent 2 }}
  {{- if $p.redaction.enabled }}
  pii_redaction:
    {{- include "otelcol-bridge.redactionConfig" . | nindent 4 }}
  {{- end }}
  {{- if $p.logSampling.enabled }}
  log_sampling:
    {{- include "otelcol-bridge.logSamplingConfig" . | nindent 4 }}
  {{- end }}
exporters:
  debug:
    verbosity: basic
  {{- if $p.tailSampling.enabled }}
  load_balancing:
    routing_key: traceID
    protocol:
      otlp:
        tls:
          insecure: true
        timeout: 5s
    resolver:
      {{- $sampler := include "otelcol-bridge.headlessName" (dict "root" . "tier" "sampler") }}
      {{- if eq $p.tailSampling.resolver "k8s" }}
      k8s:
        service: {{ $sampler }}.{{ .Release.Namespace }}
        ports: [4317]
      {{- else }}
      dns:
        hostname: {{ $sampler }}.{{ .Release.Namespace }}.svc.cluster.local
        port: "4317"
        interval: 5s
      {{- end }}
  {{- end }}
service:
  extensions: {{ toJson $extensions }}
  pipelines:
    traces:
      receivers: {{ toJson $traceReceivers }}
      processors: {{ toJson $traceProcessors }}
      exporters: {{ toJson $traceExporters }}
    metrics:
      receivers: {{ toJson $metricReceivers }}
      processors: {{ toJson $metricProcessors }}
      exporters: {{ toJson .Values.pipelineExporters }}
    logs:
      receivers: [otlp]
      processors: {{ toJson $logProcessors }}
      exporters: {{ toJson .Values.pipelineExporters }}
  telemetry:
    {{- include "otelcol-bridge.telemetry" . | nindent 4 }}
{{- end -}}

{{- define "otelcol-bridge.fileStorage" -}}
{{- $dir := .Values.presets.persistentQueue.directory -}}
directory: {{ $dir }}
# The mount exists in the pod; create_directory only lets `validate` pass elsewhere.
create_directory: true
compaction:
  directory: {{ $dir }}
  on_start: true
  on_rebound: true
{{- end -}}

{{/* The sampler tier (tier 2 of presets.tailSampling). */}}
{{- define "otelcol-bridge.samplerBaseConfig" -}}
{{- $ts := .Values.presets.tailSampling -}}
{{- $extensions := list "health_check" -}}
{{- if .Values.presets.persistentQueue.enabled }}{{ $extensions = append $extensions "file_storage" }}{{ end -}}
extensions:
  health_check:
    endpoint: ${env:MY_POD_IP}:13133
  {{- if .Values.presets.persistentQueue.enabled }}
  file_storage:
    {{- include "otelcol-bridge.fileStorage" . | nindent 4 }}
  {{- end }}
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: ${env:MY_POD_IP}:4317
processors:
  {{- include "otelcol-bridge.commonProcessors" . | nindent 2 }}
  tail_sampling:
    decision_wait: {{ $ts.decisionWait }}
    num_traces: {{ $ts.numTraces }}
    policies:
      {{- toYaml $ts.policies | nindent 6 }}
exporters:
  debug:
    verbosity: basic
service:
  extensions: {{ toJson $extensions }}
  pipelines:
    traces:
      receivers: [otlp]
      processors: {{ toJson (concat (list "memory_limiter" "tail_sampling") (fromJsonArray (include "otelcol-bridge.batchProcessor" .))) }}
      exporters: {{ toJson .Values.pipelineExporters }}
  telemetry:
    {{- include "otelcol-bridge.telemetry" . | nindent 4 }}
{{- end -}}

{{/* The node agent of presets.hostMetrics. */}}
{{- define "otelcol-bridge.agentBaseConfig" -}}
{{- $hm := .Values.presets.hostMetrics -}}
extensions:
  health_check:
    endpoint: ${env:MY_POD_IP}:13133
receivers:
  host_metrics:
    collection_interval: {{ $hm.collectionInterval }}
    root_path: /hostfs
    scrapers:
      {{- range $hm.scrapers }}
      {{ . }}: {}
      {{- end }}
processors:
  memory_limiter:
    check_interval: 1s
    limit_percentage: 80
    spike_limit_percentage: 20
  resource:
    attributes:
      - key: k8s.node.name
        value: ${env:K8S_NODE_NAME}
        action: upsert
  batch:
    send_batch_size: 8192
    timeout: 1s
exporters:
  otlp_grpc:
    endpoint: {{ include "otelcol-bridge.fullname" . }}.{{ .Release.Namespace }}.svc.cluster.local:4317
    tls:
      insecure: true
service:
  extensions: [health_check]
  pipelines:
    metrics:
      receivers: [host_metrics]
      processors: [memory_limiter, resource, batch]
      exporters: [otlp_grpc]
  telemetry:
    {{- include "otelcol-bridge.telemetry" . | nindent 4 }}
{{- end -}}

{{/* Final configs: base, user override, finalize. */}}
{{- define "otelcol-bridge.mergedConfig" -}}
{{- $base := fromYaml (include (printf "otelcol-bridge.%sBaseConfig" .tier) .root) -}}
{{- if hasKey $base "Error" -}}
{{- fail (printf "internal error rendering the %s config: %s" .tier $base.Error) -}}
{{- end -}}
{{- $cfg := mustMergeOverwrite $base (deepCopy (.override | default dict)) -}}
{{- $pq := .root.Values.presets.persistentQueue -}}
{{- include "otelcol-bridge.finalizeConfig" (dict "cfg" $cfg "persistent" (and $pq.enabled (ne .tier "agent")) "pq" $pq "tier" .tier) -}}
{{- toYaml $cfg -}}
{{- end -}}

{{- define "otelcol-bridge.gatewayConfig" -}}
{{- include "otelcol-bridge.mergedConfig" (dict "root" . "tier" "gateway" "override" .Values.config) -}}
{{- end -}}

{{- define "otelcol-bridge.samplerConfig" -}}
{{- include "otelcol-bridge.mergedConfig" (dict "root" . "tier" "sampler" "override" .Values.presets.tailSampling.sampler.config) -}}
{{- end -}}

{{- define "otelcol-bridge.agentConfig" -}}
{{- include "otelcol-bridge.mergedConfig" (dict "root" . "tier" "agent" "override" .Values.presets.hostMetrics.config) -}}
{{- end -}}

{{/* Our own components' presets (processor/piiredactionprocessor, processor/logsamplingprocessor,
extension/profilingextension). */}}
{{- define "otelcol-bridge.redactionConfig" -}}
{{- $r := .Values.presets.redaction -}}
presets: {{ toJson $r.presets }}
action: {{ $r.action }}
{{- if $r.hmacKey.valueFrom }}
hmac_key: ${env:OTELCOL_REDACTION_HMAC_KEY}
{{- end }}
{{- end -}}

{{- define "otelcol-bridge.logSamplingConfig" -}}
{{- $ls := .Values.presets.logSampling -}}
protected_severity: {{ $ls.protectedSeverity }}
rules:
  {{- toYaml $ls.rules | nindent 2 }}
{{- end -}}

{{- define "otelcol-bridge.profilingConfig" -}}
endpoint: localhost:{{ .Values.presets.selfProfiling.port }}
{{- end -}}
