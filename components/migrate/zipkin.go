package migrate

import (
	"strconv"
	"strings"
)

// zipkinServer maps the Zipkin server's environment variables (zipkin-server's README,
// "Environment Variables").
func zipkinServer(c config, r *Report, settings []setting) {
	httpOn := true
	rules := []rule{
		{[]string{"query_port"}, to("receivers::zipkin::endpoint", Approximated,
			"the bridge takes Zipkin's collector endpoint (POST /api/v2/spans, /api/v1/spans) on this port; the query API and UI stay with the backend",
			func(v string) any { return listenAddr(v) })},
		{[]string{"collector_http_enabled"}, func(_ config, s setting, r *Report) {
			httpOn, _ = parseBool(s.value)
			r.add(s.key, s.value, Mapped, "receivers::zipkin", "")
		}},
		{[]string{"collector_sample_rate"}, func(c config, s setting, r *Report) {
			f, err := strconv.ParseFloat(strings.TrimSpace(s.value), 64)
			if err != nil || f < 0 || f > 1 {
				r.add(s.key, s.value, Unmapped, "", "not a rate between 0.0 and 1.0")
				return
			}
			if f < 1 {
				c.set("processors::probabilistic_sampler::sampling_percentage", f*100)
			}
			r.add(s.key, s.value, Mapped, "processors::probabilistic_sampler::sampling_percentage",
				"by trace id, like Zipkin's collector sampler; at 1.0 no sampler is added")
		}},
		{[]string{"storage_type", "es_hosts", "es_index", "es_username", "es_password", "es_index_shards", "es_index_replicas",
			"cassandra_contact_points", "cassandra_keyspace", "cassandra_username", "cassandra_password", "cassandra_local_dc",
			"mysql_host", "mysql_tcp_port", "mysql_user", "mysql_pass", "mysql_db", "mem_max_spans"},
			unmapped("span storage is the backend's job: the bridge forwards over OTLP (exporters::otlp); keep the storage with Zipkin or the new backend")},
		{[]string{"collector_grpc_enabled"}, unmapped("Zipkin's experimental gRPC collector has no collector receiver; clients post to HTTP (receivers::zipkin)")},
		{[]string{"collector_scribe_enabled", "scribe_enabled", "scribe_category", "collector_port"}, unmapped("Scribe has no collector receiver")},
		{[]string{"collector_kafka_enabled", "kafka_bootstrap_servers", "kafka_topic", "kafka_groupid", "kafka_streams"},
			unmapped("the kafka receiver (in this build) reads Zipkin from Kafka: add receivers::kafka with encoding zipkin_json or zipkin_proto and these brokers and topic")},
		{[]string{"collector_rabbitmq_enabled", "rabbit_addresses", "rabbit_uri", "rabbit_queue", "collector_activemq_enabled", "activemq_url", "activemq_queue"},
			unmapped("no RabbitMQ or ActiveMQ receiver in this build")},
		{[]string{"self_tracing_enabled", "self_tracing_sample_rate", "self_tracing_flush_interval"},
			unmapped("the collector traces itself through service::telemetry::traces")},
		{[]string{"query_enabled", "query_log_level", "query_lookback", "query_timeout", "query_allowed_origins", "query_names_max_age",
			"zipkin_ui_environment", "zipkin_ui_default_lookback", "zipkin_ui_query_limit", "zipkin_ui_instrumented", "zipkin_ui_logs_url",
			"zipkin_ui_basepath", "zipkin_ui_search_enabled", "zipkin_ui_dependency_enabled", "strict_trace_id", "search_enabled", "autocomplete_keys"},
			unmapped("query, UI and search settings stay with the backend")},
		{[]string{"java_opts", "module_opts"}, unmapped("JVM options have no meaning for the collector; memory is bounded by processors::memory_limiter")},
	}
	applyRules(c, r, settings, rules, "not a Zipkin server variable this tool knows")
	if !httpOn {
		if m, ok := c["receivers"].(map[string]any); ok {
			delete(m, "zipkin")
		}
	} else if _, ok := c.get("receivers::zipkin::endpoint"); !ok {
		c.set("receivers::zipkin::endpoint", "0.0.0.0:9411")
	}
	otlpBackend(c, defaultBackend)
	finish(c, "probabilistic_sampler")
}
