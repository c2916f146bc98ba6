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
listeners: where the components the chart configures listen, and what their ports are called.
Per component type, each server block of its config (by its path in the component's config; "."
is the component's own `endpoint`) gets its Kubernetes port name (15 characters at most) and,
for datagrams, protocol UDP; expose: false keeps a port out of the Services. Only these blocks
are listeners: the profiling extension's otlp_grpc, otlp_http and pyroscope blocks, for one, hold
the addresses it sends to.
*/}}
{{- define "otelcol-bridge.listeners" -}}
otlp:
  protocols.grpc: {name: otlp-grpc}
  protocols.http: {name: otlp-http}
jaeger:
  protocols.grpc: {name: jaeger-grpc}
  protocols.thrift_http: {name: jaeger-thrift}
  protocols.thrift_compact: {name: jaeger-compact, protocol: UDP}
  protocols.thrift_binary: {name: jaeger-binary, protocol: UDP}
zipkin:
  .: {name: zipkin}
datadog:
  .: {name: datadog}
  dogstatsd: {name: dogstatsd, protocol: UDP}
jaegerremotesampling:
  http: {name: jaeger-sampling}
  grpc: {name: jaeger-smp-grpc}
profiling:
  .: {name: profiling}
health_check:
  .: {name: health, expose: false}
{{- end -}}

{{/*
ports derives the container/Service ports from a rendered collector config: the listening
endpoints (otelcol-bridge.listeners) of every receiver used by a pipeline and of every extension
in service.extensions. A component type the chart does not know is taken to listen on its own
`endpoint` and on `protocols.<p>.endpoint`, the collector's convention for servers; its ports are
named after the component id (and protocol), and are UDP with `transport: udp`. An endpoint on
localhost stays private. Output: a JSON list of {name, port, protocol, expose}.
*/}}
{{- define "otelcol-bridge.ports" -}}
{{- $cfg := .cfg -}}
{{- $listeners := fromYaml (include "otelcol-bridge.listeners" .) -}}
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
{{- $type := first (splitList "/" $src.id) -}}
{{- $known := index $listeners $type -}}
{{- /* Where this component listens: path in its config -> what the chart knows of it. */ -}}
{{- $servers := dict -}}
{{- if $known -}}
{{- $servers = $known -}}
{{- else -}}
{{- $_ := set $servers "." dict -}}
{{- if kindIs "map" $conf.protocols -}}
{{- range $proto, $_ := $conf.protocols -}}
{{- $_ := set $servers (printf "protocols.%s" $proto) dict -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- range $path, $listener := $servers -}}
{{- $block := $conf -}}
{{- if ne $path "." -}}
{{- range $key := splitList "." $path -}}
{{- if kindIs "map" $block }}{{ $block = index $block $key }}{{ end -}}
{{- end -}}
{{- end -}}
{{- if and (kindIs "map" $block) $block.endpoint -}}
{{- $endpoint := toString $block.endpoint -}}
{{- $port := atoi (last (splitList ":" $endpoint)) -}}
{{- $private := or (hasPrefix "localhost:" $endpoint) (hasPrefix "127.0.0.1:" $endpoint) -}}
{{- if and (gt $port 0) (not $private) -}}
{{- /* The chart's names belong to the unnamed id (jaeger); jaeger/2 gets a derived one, unique. */ -}}
{{- $name := "" -}}
{{- $expose := true -}}
{{- if eq $src.id $type -}}
{{- $name = $listener.name | default "" -}}
{{- $expose = ne (toString $listener.expose) "false" -}}
{{- end -}}
{{- if not $name -}}
{{- $key := ternary $src.id (printf "%s-%s" $src.id (last (splitList "." $path))) (eq $path ".") -}}
{{- $name = regexReplaceAll "[^a-z0-9-]+" (lower $key) "-" | trunc 15 | trimSuffix "-" -}}
{{- end -}}
{{- $udp := or (eq (toString $listener.protocol) "UDP") (eq (toString $block.transport) "udp") -}}
{{- $found = append $found (dict "name" $name "port" $port "protocol" (ternary "UDP" "TCP" $udp) "expose" $expose) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- $found = append $found (dict "name" "metrics" "port" 8888 "protocol" "TCP" "expose" true) -}}
{{- toJson $found -}}
{{- end -}}

{{/* Pod template ----------------------------------------------------------------------- */}}

{{/*
podTemplate renders a tier's pod template. It takes a dict with these keys:
  root                     the chart's top-level context (.)
  tier                     gateway, sampler or agent: the component label and the tier's rules
  tierValues               the tier's values (resources, extraEnv, extraArgs, podLabels, nodeSelector, ...)
  configMapName            the ConfigMap holding the tier's config.yaml
  containerPorts           the list otelcol-bridge.ports derives from the tier's config
  configChecksum           sha256 of the tier's config: a config change rolls the pods
  mountsPersistentQueue    true: mount the `queue` claim at presets.persistentQueue.directory
  hostFilesystem           none; procsys (the host's /proc and /sys under /hostfs, read-only);
                           root (the host's / at /hostfs, read-only)
  spreadOverZonesAndNodes  true: topology spread constraints over zones and nodes
*/}}
{{- define "otelcol-bridge.podTemplate" -}}
{{- $root := .root -}}
{{- $tier := .tier -}}
{{- $w := .tierValues -}}
{{- $hostfs := .hostFilesystem -}}
{{- if not (has $hostfs (list "none" "procsys" "root")) -}}
{{- fail (printf "internal error: podTemplate hostFilesystem %q is not none, procsys or root" $hostfs) -}}
{{- end -}}
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
    {{- include "otelcol-bridge.selectorLabels" (dict "root" $root "tier" $tier) | nindent 4 }}
    {{- with $w.podLabels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  annotations:
    checksum/config: {{ .configChecksum }}
    {{- with $w.podAnnotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  serviceAccountName: {{ include "otelcol-bridge.serviceAccountName" $root }}
  automountServiceAccountToken: {{ and (eq $tier "gateway") $root.Values.presets.tailSampling.enabled (eq $root.Values.presets.tailSampling.resolver "k8s") }}
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
        {{- range .containerPorts }}
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
        {{- if and (eq $tier "gateway") $redaction.enabled $redaction.hmacKey.valueFrom }}
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
        {{- if .mountsPersistentQueue }}
        - name: queue
          mountPath: {{ $root.Values.presets.persistentQueue.directory }}
        {{- end }}
        {{- if eq $hostfs "root" }}
        - name: hostfs
          mountPath: /hostfs
          readOnly: true
          mountPropagation: HostToContainer
        {{- else if eq $hostfs "procsys" }}
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
        name: {{ .configMapName }}
    {{- if eq $hostfs "root" }}
    - name: hostfs
      hostPath:
        path: /
    {{- else if eq $hostfs "procsys" }}
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
  {{- if .spreadOverZonesAndNodes }}
  {{- $selector := dict "matchLabels" (fromYaml (include "otelcol-bridge.selectorLabels" (dict "root" $root "tier" $tier))) -}}
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
