{{/* Names ------------------------------------------------------------------------------ */}}

{{- define "otelcol-bridge.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "otelcol-bridge.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Object name of a tier: the gateway keeps the bare full name; the others get a suffix. */}}
{{- define "otelcol-bridge.tierName" -}}
{{- $full := include "otelcol-bridge.fullname" .root -}}
{{- if eq .tier "gateway" -}}
{{- $full -}}
{{- else -}}
{{- printf "%s-%s" ($full | trunc 55 | trimSuffix "-") .tier -}}
{{- end -}}
{{- end -}}

{{- define "otelcol-bridge.headlessName" -}}
{{- printf "%s-headless" (include "otelcol-bridge.tierName" . | trunc 54 | trimSuffix "-") -}}
{{- end -}}

{{- define "otelcol-bridge.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "otelcol-bridge.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* Labels ----------------------------------------------------------------------------- */}}

{{- define "otelcol-bridge.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "otelcol-bridge.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: otelcol-bridge
{{- with .root.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "otelcol-bridge.selectorLabels" -}}
app.kubernetes.io/name: {{ include "otelcol-bridge.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .tier }}
{{- end -}}

{{- define "otelcol-bridge.image" -}}
{{- $img := .Values.image -}}
{{- if $img.digest -}}
{{- printf "%s@%s" $img.repository $img.digest -}}
{{- else -}}
{{- printf "%s:%s" $img.repository (default .Chart.AppVersion $img.tag) -}}
{{- end -}}
{{- end -}}

{{/* Conflicts between values that the schema cannot express: rendering fails with the reason. */}}
{{- define "otelcol-bridge.validateValues" -}}
{{- $p := .Values.presets -}}
{{- if and $p.persistentQueue.enabled .Values.gateway.autoscaling.enabled -}}
{{- fail "presets.persistentQueue.enabled and gateway.autoscaling.enabled conflict: scaling the gateway StatefulSet down would strand queued data on the removed pods' volumes. Set gateway.autoscaling.enabled=false and size gateway.replicas instead." -}}
{{- end -}}
{{- if and $p.migration.datadog.enabled (not $p.migration.enabled) -}}
{{- fail "presets.migration.datadog.enabled requires presets.migration.enabled=true." -}}
{{- end -}}
{{- if and .Values.serviceMonitor.enabled .Values.podMonitor.enabled -}}
{{- fail "serviceMonitor.enabled and podMonitor.enabled conflict: both would scrape the same pods, doubling every self-metric. Enable one of them." -}}
{{- end -}}
{{- if and $p.tailSampling.enabled (has "load_balancing" .Values.pipelineExporters) -}}
{{- fail "pipelineExporters must not contain load_balancing when presets.tailSampling.enabled=true: the preset already routes traces to the sampler tier with it." -}}
{{- end -}}
{{- if and (eq $p.tailSampling.resolver "k8s") $p.tailSampling.enabled (not .Values.serviceAccount.create) (not .Values.serviceAccount.name) -}}
{{- fail "presets.tailSampling.resolver=k8s needs a ServiceAccount bound to the chart's Role: set serviceAccount.create=true or serviceAccount.name." -}}
{{- end -}}
{{- if not (gt (int .Values.goMemLimitPercent) 0) -}}
{{- fail "goMemLimitPercent must be between 1 and 100." -}}
{{- end -}}
{{- /* The redaction processor was renamed log_redaction -> pii_redaction. The binary still loads
the old id as a deprecated alias, but the chart configures pii_redaction: settings left under the
old id would define a second, unused processor and silently stop applying. */ -}}
{{- if hasKey (.Values.config.processors | default dict) "log_redaction" -}}
{{- fail "config.processors.log_redaction: the redaction processor is now called pii_redaction and the chart configures it under that id, so these settings would not apply. Move them to config.processors.pii_redaction (and list pii_redaction instead of log_redaction in any pipeline you override)." -}}
{{- end -}}
{{- range $name, $pipeline := ((.Values.config.service | default dict).pipelines | default dict) -}}
{{- $procs := ($pipeline | default dict).processors -}}
{{- if and (kindIs "slice" $procs) (has "log_redaction" $procs) -}}
{{- fail (printf "config.service.pipelines.%s.processors lists log_redaction: the redaction processor is now called pii_redaction and the chart configures it under that id. List pii_redaction instead (its settings go under config.processors.pii_redaction)." $name) -}}
{{- end -}}
{{- end -}}
{{- if and $p.redaction.enabled (eq $p.redaction.action "hash") (not $p.redaction.hmacKey.valueFrom) -}}
{{- $own := ((.Values.config.processors | default dict).pii_redaction | default dict) -}}
{{- if not (or $own.hmac_key $own.hmac_key_file) -}}
{{- fail "presets.redaction.action=hash needs an HMAC key: set presets.redaction.hmacKey.valueFrom (e.g. secretKeyRef to a Secret), or config.processors.pii_redaction.hmac_key_file. Without it every gateway pod fails at start." -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* GOMEMLIMIT ------------------------------------------------------------------------- */}}

{{/*
GOMEMLIMIT as "<n>MiB": percent of a Kubernetes memory quantity (512Mi, 1Gi, 2G, 1.5Gi, bytes).
Empty when there is no limit, so the Go runtime keeps its default.
*/}}
{{- define "otelcol-bridge.goMemLimit" -}}
{{- $limit := .limit -}}
{{- if $limit -}}
{{- $bytes := 0.0 -}}
{{- if or (kindIs "float64" $limit) (kindIs "int" $limit) (kindIs "int64" $limit) -}}
{{- $bytes = float64 $limit -}}
{{- else -}}
{{- $q := toString $limit -}}
{{- $num := regexFind "^[0-9]+(\\.[0-9]+)?" $q -}}
{{- $suffix := trimPrefix $num $q -}}
{{- $factors := dict "" 1.0 "k" 1e3 "M" 1e6 "G" 1e9 "T" 1e12 "Ki" 1024.0 "Mi" 1048576.0 "Gi" 1073741824.0 "Ti" 1099511627776.0 -}}
{{- if or (not $num) (not (hasKey $factors $suffix)) -}}
{{- fail (printf "cannot derive GOMEMLIMIT from memory limit %q: use a plain quantity such as 512Mi or 2Gi" $q) -}}
{{- end -}}
{{- $bytes = mulf (float64 $num) (get $factors $suffix) -}}
{{- end -}}
{{- $mib := floor (divf (mulf $bytes .percent) 104857600.0) -}}
{{- printf "%dMiB" (int64 $mib) -}}
{{- end -}}
{{- end -}}

{{/* Config merging --------------------------------------------------------------------- */}}

{{/*
finalizeConfig edits a merged collector config in place, after the user's overrides:
- persistent: every queue-capable exporter used by a pipeline gets a sending_queue backed by
  file_storage that batches on the way out (sending_queue.batch) and retries until the backend
  takes the data (retry_on_failure.max_elapsed_time 0: what is on disk waits for the backend
  instead of being dropped after 5 minutes); load_balancing's per-endpoint otlp queue is turned off,
  so a request leaves the persistent queue only once a sampler has answered, and its per-endpoint
  retries stop after 30 s so the persistent queue's retry can route the request again. Values the user set
  win key by key. file_storage is listed in service.extensions, and a pipeline that still has a
  batch processor ahead of a persistent queue is refused: that processor acknowledges data before
  it is on disk;
- health_check stays in service.extensions, because the probes depend on it.
*/}}
{{- define "otelcol-bridge.finalizeConfig" -}}
{{- $cfg := .cfg -}}
{{- $svc := $cfg.service | default dict -}}
{{- $_ := set $cfg "service" $svc -}}
{{- $exts := $svc.extensions | default list -}}
{{- if not (has "health_check" $exts) -}}
{{- $exts = prepend $exts "health_check" -}}
{{- end -}}
{{- if .persistent -}}
{{- if not (has "file_storage" $exts) -}}
{{- $exts = append $exts "file_storage" -}}
{{- end -}}
{{- $queueable := list "otlp_grpc" "otlp_http" "otlp" "otlphttp" "load_balancing" "zipkin" "kafka" -}}
{{- $exporters := $cfg.exporters | default dict -}}
{{- $_ := set $cfg "exporters" $exporters -}}
{{- range $pname, $pipeline := ($svc.pipelines | default dict) -}}
{{- range $id := ($pipeline.exporters | default list) -}}
{{- if has (first (splitList "/" $id)) $queueable -}}
{{- $exp := index $exporters $id | default dict -}}
{{- $batch := dict "flush_timeout" "1s" "sizer" "items" "min_size" 8192 "max_size" 16384 -}}
{{- $defaults := dict "enabled" true "storage" "file_storage" "sizer" $.pq.sizer "queue_size" $.pq.queueSize "batch" $batch -}}
{{- $queue := mustMergeOverwrite $defaults ($exp.sending_queue | default dict) -}}
{{- $_ := set $exp "sending_queue" $queue -}}
{{- $retry := mustMergeOverwrite (dict "enabled" true "max_elapsed_time" "0s") ($exp.retry_on_failure | default dict) -}}
{{- $_ := set $exp "retry_on_failure" $retry -}}
{{- if eq (first (splitList "/" $id)) "load_balancing" -}}
{{- $proto := $exp.protocol | default dict -}}
{{- $otlp := $proto.otlp | default dict -}}
{{- $_ := set $otlp "sending_queue" (mustMergeOverwrite (dict "enabled" false) ($otlp.sending_queue | default dict)) -}}
{{- /* A sampler that is gone for good (a new pod IP with the k8s resolver) must not hold a
queue consumer for the default 5 minutes: after 30 s the request goes back to the persistent
queue, whose retry routes it again over the current endpoints. */ -}}
{{- $_ := set $otlp "retry_on_failure" (mustMergeOverwrite (dict "enabled" true "max_elapsed_time" "30s") ($otlp.retry_on_failure | default dict)) -}}
{{- $_ := set $proto "otlp" $otlp -}}
{{- $_ := set $exp "protocol" $proto -}}
{{- end -}}
{{- $_ := set $exporters $id $exp -}}
{{- range $proc := ($pipeline.processors | default list) -}}
{{- if eq (first (splitList "/" $proc)) "batch" -}}
{{- fail (printf "presets.persistentQueue: the %s pipeline of the %s tier has the %s processor ahead of the persistent sending_queue of %s; it acknowledges data before it is on disk. Remove it: the exporter batches (sending_queue.batch)" $pname $.tier $proc $id) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- $_ := set $svc "extensions" $exts -}}
{{- end -}}

{{/* Ports ------------------------------------------------------------------------------ */}}

{{/*
ports derives the container/Service ports from a collector config: the `endpoint` (or
`protocols.<p>.endpoint`) of every receiver used by a pipeline and of every extension in
service.extensions. Endpoints on localhost stay private. Output: a JSON list of
{name, port, protocol, expose}.
*/}}
{{- define "otelcol-bridge.ports" -}}
{{- $cfg := .cfg -}}
{{- $names := dict "otlp-grpc" "otlp-grpc" "otlp-http" "otlp-http" "jaeger-grpc" "jaeger-grpc" "jaeger-thrift_http" "jaeger-thrift" "jaeger-thrift_compact" "jaeger-compact" "jaeger-thrift_binary" "jaeger-binary" "zipkin" "zipkin" "datadog" "datadog" "datadog-dogstatsd" "dogstatsd" "jaegerremotesampling-http" "jaeger-sampling" "jaegerremotesampling-grpc" "jaeger-smp-grpc" "health_check" "health" -}}
{{- $found := list -}}
{{- $svc := $cfg.service | default dict -}}
{{- $receivers := list -}}
{{- range $pname, $pipeline := ($svc.pipelines | default dict) -}}
{{- range $r := ($pipeline.receivers | default list) -}}
{{- $receivers = append $receivers $r -}}
{{- end -}}
{{- end -}}
{{- $sources := list -}}
{{- range $r := ($receivers | uniq | sortAlpha) -}}
{{- $sources = append $sources (dict "id" $r "conf" (index ($cfg.receivers | default dict) $r)) -}}
{{- end -}}
{{- range $e := ($svc.extensions | default list) -}}
{{- $sources = append $sources (dict "id" $e "conf" (index ($cfg.extensions | default dict) $e)) -}}
{{- end -}}
{{- range $src := $sources -}}
{{- $conf := $src.conf | default dict -}}
{{- if kindIs "map" $conf -}}
{{- $candidates := list -}}
{{- if $conf.endpoint -}}
{{- $candidates = append $candidates (dict "key" $src.id "proto" "" "conf" $conf) -}}
{{- end -}}
{{- $nested := $conf -}}
{{- if kindIs "map" $conf.protocols -}}
{{- $nested = $conf.protocols -}}
{{- end -}}
{{- range $k, $v := $nested -}}
{{- if and (kindIs "map" $v) $v.endpoint -}}
{{- $candidates = append $candidates (dict "key" (printf "%s-%s" $src.id $k) "proto" $k "conf" $v) -}}
{{- end -}}
{{- end -}}
{{- range $c := $candidates -}}
{{- $endpoint := toString $c.conf.endpoint -}}
{{- $portStr := regexFind "[0-9]+$" $endpoint -}}
{{- $private := or (hasPrefix "localhost:" $endpoint) (hasPrefix "127.0.0.1:" $endpoint) -}}
{{- if and $portStr (not $private) -}}
{{- $name := get $names $c.key -}}
{{- if not $name -}}
{{- $name = regexReplaceAll "[^a-z0-9-]+" (lower $c.key) "-" | trunc 15 | trimSuffix "-" -}}
{{- end -}}
{{- $udp := or (has $c.proto (list "thrift_compact" "thrift_binary" "dogstatsd")) (eq (toString $c.conf.transport) "udp") -}}
{{- $found = append $found (dict "name" $name "port" (atoi $portStr) "protocol" (ternary "UDP" "TCP" $udp) "expose" (ne $src.id "health_check")) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- $found = append $found (dict "name" "metrics" "port" 8888 "protocol" "TCP" "expose" true) -}}
{{- toJson $found -}}
{{- end -}}

{{/* Pod template ----------------------------------------------------------------------- */}}

{{/*
podTemplate renders a tier's pod template. Arguments:
  root, tier (gateway|sampler|agent), w (the tier's values), configName, ports (list),
  checksum, persistent (bool), spread (bool), hostfs: "" (none), "procsys" (the host's /proc
  and /sys under /hostfs, read-only) or "root" (the host's / at /hostfs, read-only).
*/}}
{{- define "otelcol-bridge.podTemplate" -}}
{{- $root := .root -}}
{{- $w := .w -}}
{{- $memLimit := "" -}}
{{- with (($w.resources | default dict).limits | default dict) -}}
{{- $memLimit = include "otelcol-bridge.goMemLimit" (dict "limit" .memory "percent" (float64 $root.Values.goMemLimitPercent)) -}}
{{- end -}}
{{- $userEnv := list -}}
{{- range $w.extraEnv -}}
{{- $userEnv = append $userEnv .name -}}
{{- end -}}
metadata:
  labels:
    {{- include "otelcol-bridge.selectorLabels" . | nindent 4 }}
    {{- with $w.podLabels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  annotations:
    checksum/config: {{ .checksum }}
    {{- with $w.podAnnotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  serviceAccountName: {{ include "otelcol-bridge.serviceAccountName" $root }}
  automountServiceAccountToken: {{ and (eq .tier "gateway") $root.Values.presets.tailSampling.enabled (eq $root.Values.presets.tailSampling.resolver "k8s") }}
  {{- with $root.Values.imagePullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $w.priorityClassName }}
  priorityClassName: {{ . }}
  {{- end }}
  terminationGracePeriodSeconds: {{ $w.terminationGracePeriodSeconds }}
  securityContext:
    {{- toYaml $root.Values.podSecurityContext | nindent 4 }}
  containers:
    - name: otelcol-bridge
      image: {{ include "otelcol-bridge.image" $root }}
      imagePullPolicy: {{ $root.Values.image.pullPolicy }}
      args:
        - --config=/etc/otelcol-bridge/config.yaml
        {{- range $w.extraArgs }}
        - {{ . | quote }}
        {{- end }}
      ports:
        {{- range .ports }}
        - name: {{ .name }}
          containerPort: {{ .port }}
          protocol: {{ .protocol }}
        {{- end }}
      env:
        - name: MY_POD_IP
          valueFrom:
            fieldRef:
              fieldPath: status.podIP
        - name: K8S_POD_NAME
          valueFrom:
            fieldRef:
              fieldPath: metadata.name
        - name: K8S_NAMESPACE
          valueFrom:
            fieldRef:
              fieldPath: metadata.namespace
        - name: K8S_NODE_NAME
          valueFrom:
            fieldRef:
              fieldPath: spec.nodeName
        {{- $redaction := $root.Values.presets.redaction }}
        {{- if and (eq .tier "gateway") $redaction.enabled $redaction.hmacKey.valueFrom }}
        # The redaction processor's HMAC key (presets.redaction.hmacKey), read by the config as
        # ${env:OTELCOL_REDACTION_HMAC_KEY} so it never appears in the ConfigMap.
        - name: OTELCOL_REDACTION_HMAC_KEY
          valueFrom:
            {{- toYaml $redaction.hmacKey.valueFrom | nindent 12 }}
        {{- end }}
        {{- if and $memLimit (not (has "GOMEMLIMIT" $userEnv)) }}
        - name: GOMEMLIMIT
          value: {{ $memLimit }}
        {{- end }}
        {{- with $w.extraEnv }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      livenessProbe:
        httpGet:
          path: /
          port: health
        periodSeconds: 10
        timeoutSeconds: 2
        failureThreshold: 3
      readinessProbe:
        httpGet:
          path: /
          port: health
        periodSeconds: 5
        timeoutSeconds: 2
        failureThreshold: 2
      {{- with $w.resources }}
      resources:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      securityContext:
        {{- toYaml $root.Values.securityContext | nindent 8 }}
      volumeMounts:
        - name: config
          mountPath: /etc/otelcol-bridge
          readOnly: true
        {{- if .persistent }}
        - name: queue
          mountPath: {{ $root.Values.presets.persistentQueue.directory }}
        {{- end }}
        {{- if eq (toString .hostfs) "root" }}
        - name: hostfs
          mountPath: /hostfs
          readOnly: true
          mountPropagation: HostToContainer
        {{- else if .hostfs }}
        - name: host-proc
          mountPath: /hostfs/proc
          readOnly: true
        - name: host-sys
          mountPath: /hostfs/sys
          readOnly: true
        {{- end }}
        {{- with $w.extraVolumeMounts }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
  volumes:
    - name: config
      configMap:
        name: {{ .configName }}
    {{- if eq (toString .hostfs) "root" }}
    - name: hostfs
      hostPath:
        path: /
    {{- else if .hostfs }}
    - name: host-proc
      hostPath:
        path: /proc
    - name: host-sys
      hostPath:
        path: /sys
    {{- end }}
    {{- with $w.extraVolumes }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- with $w.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $w.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $w.affinity }}
  affinity:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- if .spread }}
  {{- $selector := dict "matchLabels" (fromYaml (include "otelcol-bridge.selectorLabels" .)) -}}
  {{- $constraints := list -}}
  {{- if kindIs "invalid" $w.topologySpreadConstraints -}}
  {{- range $key := list "topology.kubernetes.io/zone" "kubernetes.io/hostname" -}}
  {{- $constraints = append $constraints (dict "maxSkew" 1 "topologyKey" $key "whenUnsatisfiable" "ScheduleAnyway" "labelSelector" $selector) -}}
  {{- end -}}
  {{- else -}}
  {{- range $c := $w.topologySpreadConstraints -}}
  {{- $constraints = append $constraints (mustMergeOverwrite (dict "labelSelector" $selector) $c) -}}
  {{- end -}}
  {{- end -}}
  {{- with $constraints }}
  topologySpreadConstraints:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- end }}
{{- end -}}

{{/* The claim template of a persistent tier. */}}
{{- define "otelcol-bridge.queueClaim" -}}
{{- $pq := .Values.presets.persistentQueue -}}
- metadata:
    name: queue
  spec:
    accessModes:
      {{- toYaml $pq.accessModes | nindent 6 }}
    {{- with $pq.storageClassName }}
    storageClassName: {{ . }}
    {{- end }}
    resources:
      requests:
        storage: {{ $pq.size }}
{{- end -}}
