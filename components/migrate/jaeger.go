package migrate

import (
	"strconv"
	"strings"
)

func atoi(v string) any {
	if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
		return n
	}
	return v
}

const storageNote = "span storage is the backend's job: the bridge forwards over OTLP (exporters::otlp, " +
	"endpoint from $OTLP_BACKEND_ENDPOINT) to Jaeger v2 or any OTLP backend, which keeps this storage setting"

func jaegerTLS(prefix, dst string, client bool) []rule {
	files := []rule{
		{[]string{prefix + "tls_cert"}, to_(dst + "::cert_file")},
		{[]string{prefix + "tls_key"}, to_(dst + "::key_file")},
		{[]string{prefix + "tls_min_version"}, to_(dst + "::min_version")},
		{[]string{prefix + "tls_max_version"}, to_(dst + "::max_version")},
	}
	if client {
		files = append(files,
			rule{[]string{prefix + "tls_ca"}, to_(dst + "::ca_file")},
			rule{[]string{prefix + "tls_server_name"}, to_(dst + "::server_name_override")},
			rule{[]string{prefix + "tls_skip_host_verify"}, to(dst+"::insecure_skip_verify", Mapped, "", boolValue)},
			rule{[]string{prefix + "tls_enabled"}, func(c config, s setting, r *Report) {
				on, _ := parseBool(s.value)
				c.set(dst+"::insecure", !on)
				r.add(s.key, s.value, Mapped, dst+"::insecure", "")
			}},
		)
	} else {
		files = append(files,
			rule{[]string{prefix + "tls_client_ca"}, to_(dst + "::client_ca_file")},
			rule{[]string{prefix + "tls_enabled"}, func(_ config, s setting, r *Report) {
				r.add(s.key, s.value, Mapped, dst, "TLS is on when cert_file and key_file are set")
			}},
		)
	}
	return files
}

func to_(path string) func(config, setting, *Report) { return to(path, Mapped, "", nil) }

func boolValue(v string) any {
	b, ok := parseBool(v)
	if !ok {
		return v
	}
	return b
}

var commonJaegerRules = []rule{
	{[]string{"log_level"}, to("service::telemetry::logs::level", Mapped, "", nil)},
	{[]string{"admin_http_host_port"}, to("extensions::health_check::endpoint", Approximated,
		"the admin port's health check moves to the health_check extension; its /metrics are the collector's own telemetry (service::telemetry::metrics)", func(v string) any { return listenAddr(v) })},
	{[]string{"metrics_backend", "metrics_http_route"}, unmapped("the collector's own metrics are configured under service::telemetry::metrics (Prometheus on :8888 by default)")},
	{[]string{"config_file"}, unmapped("read that file as another input: migrate-config accepts several files")},
}

// jaegerAgent maps the Jaeger agent's flags (docs: jaeger-agent --help, v1.x).
func jaegerAgent(c config, r *Report, settings []setting) {
	udp := func(proto, key string) []rule {
		p := "processor_jaeger_" + key + "_"
		base := "receivers::jaeger::protocols::" + proto
		return []rule{
			{[]string{p + "server_host_port"}, to(base+"::endpoint", Mapped, "", func(v string) any { return listenAddr(v) })},
			{[]string{p + "server_max_packet_size"}, to(base+"::max_packet_size", Mapped, "", atoi)},
			{[]string{p + "server_queue_size"}, to(base+"::queue_size", Mapped, "", atoi)},
			{[]string{p + "workers"}, to(base+"::workers", Mapped, "", atoi)},
			{[]string{p + "server_socket_buffer_size"}, to(base+"::socket_buffer_size", Mapped, "", atoi)},
		}
	}
	rules := append(udp("thrift_compact", "compact"), udp("thrift_binary", "binary")...)
	rules = append(rules, commonJaegerRules...)
	rules = append(rules, jaegerTLS("reporter_grpc_", "exporters::otlp_grpc::tls", true)...)
	rules = append(rules,
		rule{[]string{"processor_zipkin_compact_server_host_port", "processor_zipkin_compact_server_max_packet_size",
			"processor_zipkin_compact_server_queue_size", "processor_zipkin_compact_workers", "processor_zipkin_compact_server_socket_buffer_size"},
			unmapped("Zipkin Thrift over UDP (5775) has no collector receiver; such clients should move to Zipkin HTTP (receivers::zipkin) or OTLP")},
		rule{[]string{"reporter_grpc_host_port"}, func(c config, s setting, r *Report) {
			ep := hostPort4317(s.value)
			otlpBackend(c, ep)
			c.set("x_reporter", strings.TrimSpace(strings.Split(s.value, ",")[0]))
			r.add(s.key, s.value, Approximated, "exporters::otlp_grpc::endpoint",
				"spans go over OTLP to "+ep+" (Jaeger collectors ≥1.35 accept OTLP on 4317); only the first of several collectors is used: put a load balancer in front or use the loadbalancing exporter. Sampling strategies are fetched from the same collector")
		}},
		rule{[]string{"reporter_grpc_retry_max"}, func(c config, s setting, r *Report) {
			c.set("exporters::otlp_grpc::retry_on_failure::enabled", true)
			r.add(s.key, s.value, Approximated, "exporters::otlp_grpc::retry_on_failure", "retries are bounded by max_elapsed_time (default 5m), not by a count")
		}},
		rule{[]string{"reporter_grpc_discovery_min_peers", "reporter_grpc_discovery_max_peers"}, unmapped("the OTLP exporter sends to one endpoint; spread load with the loadbalancing exporter or a load balancer")},
		rule{[]string{"reporter_grpc_connection_timeout"}, to("exporters::otlp_grpc::timeout", Approximated, "the collector's timeout is per request, not per connection", nil)},
		rule{[]string{"reporter_type"}, unmapped("the bridge reports over OTLP")},
		rule{[]string{"agent_tags"}, func(c config, s setting, r *Report) {
			n := resourceTags(c, splitList(s.value), "=", "upsert")
			r.add(s.key, s.value, Mapped, "processors::resource::attributes", strconv.Itoa(n)+" tags become resource attributes (Jaeger put them on the process)")
		}},
		rule{[]string{"http_server_host_port"}, to("extensions::jaegerremotesampling::http::endpoint", Mapped,
			"sampling strategies for clients, served by the jaegerremotesampling extension", func(v string) any { return listenAddr(v) })},
	)
	applyRules(c, r, settings, rules, "not a Jaeger agent flag this tool knows")
	for _, proto := range []string{"thrift_compact", "thrift_binary"} {
		if _, ok := c.get("receivers::jaeger::protocols::" + proto); !ok {
			def := map[string]string{"thrift_compact": "0.0.0.0:6831", "thrift_binary": "0.0.0.0:6832"}[proto]
			c.set("receivers::jaeger::protocols::"+proto+"::endpoint", def)
		}
	}
	if _, ok := c.get("exporters::otlp_grpc::endpoint"); !ok {
		otlpBackend(c, defaultBackend)
	}
	reporter, ok := c["x_reporter"].(string)
	delete(c, "x_reporter")
	if !ok {
		reporter = "localhost:14250"
	}
	if _, ok := c.get("extensions::jaegerremotesampling"); ok {
		c.set("extensions::jaegerremotesampling::source::remote::endpoint", reporter)
	}
	finish(c)
}

// jaegerCollector maps the Jaeger (v1) collector's flags and environment.
func jaegerCollector(c config, r *Report, settings []setting) {
	listen := func(path string) func(config, setting, *Report) {
		return to(path, Mapped, "", func(v string) any { return listenAddr(v) })
	}
	rules := append([]rule{}, commonJaegerRules...)
	rules = append(rules, jaegerTLS("collector_grpc_", "receivers::jaeger::protocols::grpc::tls", false)...)
	rules = append(rules, jaegerTLS("collector_http_", "receivers::jaeger::protocols::thrift_http::tls", false)...)
	rules = append(rules, jaegerTLS("collector_otlp_grpc_", "receivers::otlp::protocols::grpc::tls", false)...)
	rules = append(rules, jaegerTLS("collector_otlp_http_", "receivers::otlp::protocols::http::tls", false)...)
	rules = append(rules,
		rule{[]string{"collector_grpc_server_host_port"}, listen("receivers::jaeger::protocols::grpc::endpoint")},
		rule{[]string{"collector_http_server_host_port"}, listen("receivers::jaeger::protocols::thrift_http::endpoint")},
		rule{[]string{"collector_zipkin_host_port"}, listen("receivers::zipkin::endpoint")},
		rule{[]string{"collector_otlp_grpc_host_port"}, listen("receivers::otlp::protocols::grpc::endpoint")},
		rule{[]string{"collector_otlp_http_host_port"}, listen("receivers::otlp::protocols::http::endpoint")},
		rule{[]string{"collector_otlp_enabled"}, func(c config, s setting, r *Report) {
			if on, _ := parseBool(s.value); on {
				c.ensure("receivers::otlp::protocols::grpc")
				c.ensure("receivers::otlp::protocols::http")
			}
			r.add(s.key, s.value, Mapped, "receivers::otlp", "")
		}},
		rule{[]string{"collector_grpc_server_max_message_size"}, to("receivers::jaeger::protocols::grpc::max_recv_msg_size_mib", Approximated,
			"converted from bytes to MiB (rounded up)", func(v string) any {
				n, err := strconv.Atoi(strings.TrimSpace(v))
				if err != nil {
					return v
				}
				return (n + (1<<20 - 1)) >> 20
			})},
		rule{[]string{"collector_queue_size"}, to("exporters::otlp_grpc::sending_queue::queue_size", Approximated,
			"the exporter's queue holds batches, not spans; with batching on it holds more spans than Jaeger's", atoi)},
		rule{[]string{"collector_num_workers"}, to("exporters::otlp_grpc::sending_queue::num_consumers", Mapped, "", atoi)},
		rule{[]string{"collector_tags"}, func(c config, s setting, r *Report) {
			n := resourceTags(c, splitList(s.value), "=", "upsert")
			r.add(s.key, s.value, Mapped, "processors::resource::attributes", strconv.Itoa(n)+" tags become resource attributes")
		}},
		rule{[]string{"sampling_strategies_file"}, func(c config, s setting, r *Report) {
			c.set("extensions::jaegerremotesampling::source::file", s.value)
			c.set("extensions::jaegerremotesampling::http::endpoint", "0.0.0.0:5778")
			r.add(s.key, s.value, Approximated, "extensions::jaegerremotesampling::source::file",
				"strategies are served over HTTP on 5778 (the agent's port); the Jaeger collector also served them on its gRPC port 14250, which the jaeger receiver now holds")
		}},
		rule{[]string{"sampling_strategies_reload_interval"}, to("extensions::jaegerremotesampling::source::reload_interval", Mapped, "", nil)},
		rule{[]string{"span_storage_type", "es_server_urls", "es_index_prefix", "es_username", "es_password", "es_num_shards", "es_num_replicas",
			"cassandra_servers", "cassandra_keyspace", "cassandra_username", "cassandra_password", "badger_directory_key", "badger_directory_value",
			"badger_ephemeral", "memory_max_traces", "grpc_storage_server", "kafka_producer_brokers", "kafka_producer_topic", "kafka_producer_encoding",
			"es_tags_as_fields_all", "es_use_aliases", "es_create_index_templates"}, unmapped(storageNote)},
		rule{[]string{"query_base_path", "query_ui_config", "query_static_files", "query_http_server_host_port", "query_grpc_server_host_port"},
			unmapped("the query service and UI stay with the backend (Jaeger v2)")},
	)
	applyRules(c, r, settings, rules, "not a Jaeger collector flag or variable this tool knows")
	defaults := map[string]string{
		"receivers::jaeger::protocols::grpc::endpoint":        "0.0.0.0:14250",
		"receivers::jaeger::protocols::thrift_http::endpoint": "0.0.0.0:14268",
	}
	for path, def := range defaults {
		if _, ok := c.get(path); !ok {
			c.set(path, def)
		}
	}
	for _, p := range []string{"grpc", "http"} {
		if _, ok := c.get("receivers::otlp::protocols::" + p); ok {
			if _, ok := c.get("receivers::otlp::protocols::" + p + "::endpoint"); !ok {
				c.set("receivers::otlp::protocols::"+p+"::endpoint", map[string]string{"grpc": "0.0.0.0:4317", "http": "0.0.0.0:4318"}[p])
			}
		}
	}
	otlpBackend(c, defaultBackend)
	finish(c)
}
