package semconv

import (
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-bridge/otelcol-bridge/components/internal/enumtext"
)

// Source says which legacy convention a rule comes from. It is the `source` attribute of the
// legacy_normalize processor's counters.
type Source int

const (
	// SourceOTelSemconv: OpenTelemetry semantic conventions before the stable HTTP (v1.23),
	// database (v1.26+) and messaging (v1.24+) conventions. contrib's Jaeger translator
	// targets v1.16 and its Zipkin translator still emits several of these names.
	SourceOTelSemconv Source = iota
	// SourceOpenTracing: OpenTracing's standard span tags and log fields.
	SourceOpenTracing
	// SourceJaeger: tags Jaeger clients put on their process (the OTLP resource).
	SourceJaeger
	// SourceZipkin: Zipkin/Brave tags that no other convention covers.
	SourceZipkin

	numSources
)

var sourceNames = [numSources]string{"otel_semconv", "opentracing", "jaeger", "zipkin"}

func (s Source) String() string {
	if s < 0 || s >= numSources {
		return "unknown"
	}
	return sourceNames[s]
}

// SourceChoices is what a configuration may name, for error messages.
var SourceChoices = enumtext.Choices(sourceNames[:])

// UnmarshalText lets a configuration hold a Source by its name.
func (s *Source) UnmarshalText(text []byte) (err error) {
	*s, err = enumtext.Parse[Source]("source", sourceNames[:], text)
	return err
}

// MarshalText writes the name UnmarshalText reads.
func (s Source) MarshalText() ([]byte, error) {
	return enumtext.Marshal("source", sourceNames[:], s)
}

// Sources lists every Source, in the order of their values.
func Sources() []Source {
	out := make([]Source, numSources)
	for i := range out {
		out[i] = Source(i)
	}
	return out
}

// Where says which attributes a rule reads.
type Where uint8

const (
	// OnResource: resource attributes (Jaeger process tags).
	OnResource Where = 1 << iota
	// OnItem: attributes of spans, log records and metric data points.
	OnItem
	// OnSpanField: a span attribute that becomes a span field (kind, status, scope name).
	OnSpanField
	// OnErrorEvent: attributes of span events named "error" (OpenTracing's error log).
	OnErrorEvent
)

func (w Where) String() string {
	switch w {
	case OnResource:
		return "resource"
	case OnItem:
		return "span, log, data point"
	case OnSpanField:
		return "span"
	case OnErrorEvent:
		return `span event "error"`
	}
	return "?"
}

// Rule maps one legacy attribute to its current form.
type Rule struct {
	// From is the legacy attribute key.
	From string
	// To lists the current keys the rule may write (or the span field it sets).
	To []string
	// Source is the convention From belongs to.
	Source Source
	// Where says which attributes the rule reads.
	Where Where
	// Note explains conditions and value conversions, for the mapping table.
	Note string

	// convert returns the attributes to write.
	convert converter
}

type output struct {
	key string
	val pcommon.Value
}

// target is what a rule may need besides the attribute's value.
type target struct {
	kind      ptrace.SpanKind
	span      ptrace.Span
	isSpan    bool
	scopeName string
}

// peerIsClient: on a server span the remote peer is the client; on every other kind
// (client, producer, consumer talking to a broker, or unknown) it is the server, which is
// how most legacy instrumentation used peer.* and net.peer.*.
func (t *target) peerIsClient() bool { return t.kind == ptrace.SpanKindServer }

// hostIsServer: the local host is the server on server spans and, as the registry's
// renamed_to says, when the kind is unknown.
func (t *target) hostIsServer() bool {
	switch t.kind {
	case ptrace.SpanKindClient, ptrace.SpanKindProducer, ptrace.SpanKindConsumer:
		return false
	}
	return true
}

// rules is the mapping table, in the order rules are applied to one attribute map: rules
// that set span fields run first, because the span kind decides where peer attributes go.
var rules = []Rule{
	// OpenTracing tags that are span fields in OTLP. contrib's Jaeger translator already
	// turns span.kind and error into fields; OTLP from OpenTracing shims and Zipkin keep them.
	{From: "span.kind", To: []string{"(span kind)"}, Source: SourceOpenTracing, Where: OnSpanField,
		Note: "client, server, producer, consumer; sets the kind only if it is unspecified", convert: convSpanKind},
	{From: "error", To: []string{"(span status)"}, Source: SourceOpenTracing, Where: OnSpanField,
		Note: "`true` or a message (Zipkin) sets status Error when it is unset; the message becomes the status message; `false` is dropped", convert: convError},
	{From: "component", To: []string{"(instrumentation scope name)"}, Source: SourceOpenTracing, Where: OnSpanField,
		Note: "spans of a scope without a name move to a scope named after their component", convert: convComponent},

	// Jaeger client process tags (the resource after contrib's translator).
	{From: "hostname", To: []string{"host.name"}, Source: SourceJaeger, Where: OnResource, convert: rename("host.name")},
	{From: "ip", To: []string{"host.ip"}, Source: SourceJaeger, Where: OnResource,
		Note: "becomes a one-element string array; an IPv4 sent as an integer is written dotted", convert: convJaegerIP},
	{From: "client-uuid", To: []string{"service.instance.id"}, Source: SourceJaeger, Where: OnResource,
		Note: "the tracer's id, unique per process", convert: rename("service.instance.id")},
	{From: "jaeger.version", To: sdkKeys, Source: SourceJaeger, Where: OnResource,
		Note: "`Go-2.30.0` or `Jaeger-Go-2.30.0`: name `jaeger`, language, version", convert: convJaegerVersion(false)},
	{From: "opencensus.exporterversion", To: sdkKeys, Source: SourceJaeger, Where: OnResource,
		Note: "only a value starting with `Jaeger-` (contrib's translator puts `jaeger.version` here)", convert: convJaegerVersion(true)},
	{From: "deployment.environment", To: []string{"deployment.environment.name"}, Source: SourceOTelSemconv, Where: OnResource,
		convert: rename("deployment.environment.name")},

	// HTTP.
	{From: "http.method", To: []string{"http.request.method"}, Source: SourceOTelSemconv, Where: OnItem, convert: rename("http.request.method")},
	{From: "http.status_code", To: []string{"http.response.status_code"}, Source: SourceOTelSemconv, Where: OnItem,
		Note: "a numeric string becomes an int", convert: renameInt("http.response.status_code")},
	{From: "http.url", To: []string{"url.full"}, Source: SourceOTelSemconv, Where: OnItem, convert: rename("url.full")},
	{From: "http.target", To: []string{"url.path", "url.query"}, Source: SourceOTelSemconv, Where: OnItem,
		Note: "split at `?`; no url.query when there is no query", convert: convHTTPTarget},
	{From: "http.path", To: []string{"url.path"}, Source: SourceZipkin, Where: OnItem, convert: rename("url.path")},
	{From: "http.scheme", To: []string{"url.scheme"}, Source: SourceOTelSemconv, Where: OnItem, convert: rename("url.scheme")},
	{From: "http.user_agent", To: []string{"user_agent.original"}, Source: SourceOTelSemconv, Where: OnItem, convert: rename("user_agent.original")},
	{From: "http.client_ip", To: []string{"client.address"}, Source: SourceOTelSemconv, Where: OnItem, convert: rename("client.address")},
	{From: "http.server_name", To: []string{"server.address"}, Source: SourceOTelSemconv, Where: OnItem, convert: rename("server.address")},
	{From: "http.host", To: []string{"server.address", "server.port"}, Source: SourceOTelSemconv, Where: OnItem,
		Note: "the Host header, split into host and port", convert: convHostPort("server.address", "server.port")},
	{From: "http.flavor", To: []string{"network.protocol.name", "network.protocol.version"}, Source: SourceOTelSemconv, Where: OnItem,
		Note: "`1.1` is http 1.1, `2.0` is http 2, `QUIC` is quic", convert: convHTTPFlavor},
	{From: "http.resend_count", To: []string{"http.request.resend_count"}, Source: SourceOTelSemconv, Where: OnItem,
		convert: renameInt("http.request.resend_count")},
	{From: "http.request_content_length", To: []string{"http.request.header.content-length"}, Source: SourceOTelSemconv, Where: OnItem,
		Note: "a one-element string array, as header attributes are", convert: renameStrSlice("http.request.header.content-length")},
	{From: "http.response_content_length", To: []string{"http.response.header.content-length"}, Source: SourceOTelSemconv, Where: OnItem,
		Note: "a one-element string array, as header attributes are", convert: renameStrSlice("http.response.header.content-length")},
	{From: "http.request_content_length_uncompressed", To: []string{"http.request.body.size"}, Source: SourceOTelSemconv, Where: OnItem,
		convert: renameInt("http.request.body.size")},
	{From: "http.response_content_length_uncompressed", To: []string{"http.response.body.size"}, Source: SourceOTelSemconv, Where: OnItem,
		convert: renameInt("http.response.body.size")},

	// Network. peer/host attributes depend on which side of the call the span is.
	{From: "net.peer.name", To: []string{"server.address", "client.address"}, Source: SourceOTelSemconv, Where: OnItem,
		Note: "client.address on server spans, server.address otherwise", convert: peerSide("server.address", "client.address", false)},
	{From: "net.peer.port", To: []string{"server.port", "client.port"}, Source: SourceOTelSemconv, Where: OnItem,
		Note: "client.port on server spans, server.port otherwise", convert: peerSide("server.port", "client.port", true)},
	{From: "net.peer.ip", To: []string{"network.peer.address"}, Source: SourceOTelSemconv, Where: OnItem, convert: rename("network.peer.address")},
	{From: "net.host.name", To: []string{"server.address"}, Source: SourceOTelSemconv, Where: OnItem,
		Note: "on server, internal and unspecified spans only; the local name has no current attribute on client spans", convert: hostSide("server.address", "", false)},
	{From: "net.host.port", To: []string{"server.port", "network.local.port"}, Source: SourceOTelSemconv, Where: OnItem,
		Note: "server.port on server, internal and unspecified spans, network.local.port on client, producer and consumer spans", convert: hostSide("server.port", "network.local.port", true)},
	{From: "net.host.ip", To: []string{"network.local.address"}, Source: SourceOTelSemconv, Where: OnItem, convert: rename("network.local.address")},
	{From: "net.sock.peer.addr", To: []string{"network.peer.address"}, Source: SourceOTelSemconv, Where: OnItem, convert: rename("network.peer.address")},
	{From: "net.sock.peer.port", To: []string{"network.peer.port"}, Source: SourceOTelSemconv, Where: OnItem, convert: renameInt("network.peer.port")},
	{From: "net.sock.host.addr", To: []string{"network.local.address"}, Source: SourceOTelSemconv, Where: OnItem, convert: rename("network.local.address")},
	{From: "net.sock.host.port", To: []string{"network.local.port"}, Source: SourceOTelSemconv, Where: OnItem, convert: renameInt("network.local.port")},
	{From: "net.transport", To: []string{"network.transport"}, Source: SourceOTelSemconv, Where: OnItem,
		Note: "`ip_tcp` is tcp, `ip_udp` is udp", convert: renameValues("network.transport", map[string]string{"ip_tcp": "tcp", "ip_udp": "udp"})},
	{From: "net.protocol.name", To: []string{"network.protocol.name"}, Source: SourceOTelSemconv, Where: OnItem, convert: rename("network.protocol.name")},
	{From: "net.protocol.version", To: []string{"network.protocol.version"}, Source: SourceOTelSemconv, Where: OnItem, convert: rename("network.protocol.version")},
	{From: "net.sock.family", To: []string{"network.type", "network.transport"}, Source: SourceOTelSemconv, Where: OnItem,
		Note: "`inet` is network.type ipv4, `inet6` ipv6, `unix` is network.transport unix", convert: convSockFamily},
	{From: "peer.service", To: []string{"service.peer.name"}, Source: SourceOTelSemconv, Where: OnItem,
		Note: "also OpenTracing's tag", convert: rename("service.peer.name")},

	// OpenTracing peer and database tags.
	{From: "peer.hostname", To: []string{"server.address", "client.address"}, Source: SourceOpenTracing, Where: OnItem,
		Note: "client.address on server spans, server.address otherwise", convert: peerSide("server.address", "client.address", false)},
	{From: "peer.port", To: []string{"server.port", "client.port"}, Source: SourceOpenTracing, Where: OnItem,
		Note: "client.port on server spans, server.port otherwise", convert: peerSide("server.port", "client.port", true)},
	{From: "peer.ipv4", To: []string{"network.peer.address"}, Source: SourceOpenTracing, Where: OnItem,
		Note: "an integer is written dotted", convert: convIPv4("network.peer.address")},
	{From: "peer.ipv6", To: []string{"network.peer.address"}, Source: SourceOpenTracing, Where: OnItem, convert: rename("network.peer.address")},
	{From: "db.type", To: []string{"db.system.name"}, Source: SourceOpenTracing, Where: OnItem,
		Note: "the value is kept (OpenTracing's `sql` is not a db.system.name value)", convert: rename("db.system.name")},
	{From: "db.instance", To: []string{"db.namespace"}, Source: SourceOpenTracing, Where: OnItem, convert: rename("db.namespace")},
	{From: "db.statement", To: []string{"db.query.text"}, Source: SourceOTelSemconv, Where: OnItem,
		Note: "also OpenTracing's tag", convert: rename("db.query.text")},
	{From: "message_bus.destination", To: []string{"messaging.destination.name"}, Source: SourceOpenTracing, Where: OnItem,
		convert: rename("messaging.destination.name")},
	{From: "sql.query", To: []string{"db.query.text"}, Source: SourceZipkin, Where: OnItem,
		Note: "Brave's and zipkin-go's SQL tag", convert: rename("db.query.text")},

	// Database.
	{From: "db.system", To: []string{"db.system.name"}, Source: SourceOTelSemconv, Where: OnItem, convert: rename("db.system.name")},
	{From: "db.name", To: []string{"db.namespace"}, Source: SourceOTelSemconv, Where: OnItem, convert: rename("db.namespace")},
	{From: "db.operation", To: []string{"db.operation.name"}, Source: SourceOTelSemconv, Where: OnItem, convert: rename("db.operation.name")},
	{From: "db.sql.table", To: []string{"db.collection.name"}, Source: SourceOTelSemconv, Where: OnItem, convert: rename("db.collection.name")},
	{From: "db.cassandra.table", To: []string{"db.collection.name"}, Source: SourceOTelSemconv, Where: OnItem, convert: rename("db.collection.name")},
	{From: "db.mongodb.collection", To: []string{"db.collection.name"}, Source: SourceOTelSemconv, Where: OnItem, convert: rename("db.collection.name")},
	{From: "db.cosmosdb.container", To: []string{"db.collection.name"}, Source: SourceOTelSemconv, Where: OnItem, convert: rename("db.collection.name")},
	{From: "db.cassandra.keyspace", To: []string{"db.namespace"}, Source: SourceOTelSemconv, Where: OnItem, convert: rename("db.namespace")},
	{From: "db.redis.database_index", To: []string{"db.namespace"}, Source: SourceOTelSemconv, Where: OnItem,
		Note: "written as a string", convert: renameStr("db.namespace")},
	{From: "db.elasticsearch.cluster.name", To: []string{"db.namespace"}, Source: SourceOTelSemconv, Where: OnItem, convert: rename("db.namespace")},
	{From: "db.cosmosdb.status_code", To: []string{"db.response.status_code"}, Source: SourceOTelSemconv, Where: OnItem,
		Note: "written as a string", convert: renameStr("db.response.status_code")},

	// Messaging.
	{From: "messaging.destination", To: []string{"messaging.destination.name"}, Source: SourceOTelSemconv, Where: OnItem,
		Note: "a string value only (v1.16 and before)", convert: strOnly(rename("messaging.destination.name"))},
	{From: "messaging.temp_destination", To: []string{"messaging.destination.temporary"}, Source: SourceOTelSemconv, Where: OnItem, convert: rename("messaging.destination.temporary")},
	{From: "messaging.protocol", To: []string{"network.protocol.name"}, Source: SourceOTelSemconv, Where: OnItem, convert: rename("network.protocol.name")},
	{From: "messaging.protocol_version", To: []string{"network.protocol.version"}, Source: SourceOTelSemconv, Where: OnItem, convert: rename("network.protocol.version")},
	{From: "messaging.message_id", To: []string{"messaging.message.id"}, Source: SourceOTelSemconv, Where: OnItem, convert: rename("messaging.message.id")},
	{From: "messaging.conversation_id", To: []string{"messaging.message.conversation_id"}, Source: SourceOTelSemconv, Where: OnItem, convert: rename("messaging.message.conversation_id")},
	{From: "messaging.message_payload_size_bytes", To: []string{"messaging.message.body.size"}, Source: SourceOTelSemconv, Where: OnItem, convert: renameInt("messaging.message.body.size")},
	{From: "messaging.operation", To: []string{"messaging.operation.type"}, Source: SourceOTelSemconv, Where: OnItem,
		Note: "`publish` is `send`", convert: renameValues("messaging.operation.type", map[string]string{"publish": "send"})},
	{From: "messaging.kafka.partition", To: []string{"messaging.destination.partition.id"}, Source: SourceOTelSemconv, Where: OnItem,
		Note: "written as a string", convert: renameStr("messaging.destination.partition.id")},
	{From: "messaging.kafka.destination.partition", To: []string{"messaging.destination.partition.id"}, Source: SourceOTelSemconv, Where: OnItem,
		Note: "written as a string", convert: renameStr("messaging.destination.partition.id")},
	{From: "messaging.kafka.message_key", To: []string{"messaging.kafka.message.key"}, Source: SourceOTelSemconv, Where: OnItem, convert: rename("messaging.kafka.message.key")},
	{From: "messaging.kafka.message.offset", To: []string{"messaging.kafka.offset"}, Source: SourceOTelSemconv, Where: OnItem, convert: renameInt("messaging.kafka.offset")},
	{From: "messaging.kafka.tombstone", To: []string{"messaging.kafka.message.tombstone"}, Source: SourceOTelSemconv, Where: OnItem, convert: rename("messaging.kafka.message.tombstone")},
	{From: "messaging.kafka.consumer_group", To: []string{"messaging.consumer.group.name"}, Source: SourceOTelSemconv, Where: OnItem, convert: rename("messaging.consumer.group.name")},
	{From: "messaging.kafka.consumer.group", To: []string{"messaging.consumer.group.name"}, Source: SourceOTelSemconv, Where: OnItem, convert: rename("messaging.consumer.group.name")},
	{From: "messaging.rocketmq.client_group", To: []string{"messaging.consumer.group.name"}, Source: SourceOTelSemconv, Where: OnItem, convert: rename("messaging.consumer.group.name")},
	{From: "messaging.kafka.client_id", To: []string{"messaging.client.id"}, Source: SourceOTelSemconv, Where: OnItem, convert: rename("messaging.client.id")},
	{From: "messaging.consumer_id", To: []string{"messaging.client.id"}, Source: SourceOTelSemconv, Where: OnItem, convert: rename("messaging.client.id")},
	{From: "messaging.rabbitmq.routing_key", To: []string{"messaging.rabbitmq.destination.routing_key"}, Source: SourceOTelSemconv, Where: OnItem, convert: rename("messaging.rabbitmq.destination.routing_key")},

	// Code and user.
	{From: "code.function", To: []string{"code.function.name"}, Source: SourceOTelSemconv, Where: OnItem, convert: rename("code.function.name")},
	{From: "code.filepath", To: []string{"code.file.path"}, Source: SourceOTelSemconv, Where: OnItem, convert: rename("code.file.path")},
	{From: "code.lineno", To: []string{"code.line.number"}, Source: SourceOTelSemconv, Where: OnItem, convert: renameInt("code.line.number")},
	{From: "code.column", To: []string{"code.column.number"}, Source: SourceOTelSemconv, Where: OnItem, convert: renameInt("code.column.number")},
	{From: "enduser.id", To: []string{"user.id"}, Source: SourceOTelSemconv, Where: OnItem, convert: rename("user.id")},

	// OpenTracing's error log (a span event named "error" in OTLP): its fields are the
	// exception event's. The event itself is renamed "exception" in replace mode.
	{From: "error.kind", To: []string{"exception.type"}, Source: SourceOpenTracing, Where: OnErrorEvent, convert: rename("exception.type")},
	{From: "error.object", To: []string{"exception.type"}, Source: SourceOpenTracing, Where: OnErrorEvent,
		Note: "when there is no error.kind", convert: rename("exception.type")},
	{From: "message", To: []string{"exception.message"}, Source: SourceOpenTracing, Where: OnErrorEvent, convert: rename("exception.message")},
	{From: "stack", To: []string{"exception.stacktrace"}, Source: SourceOpenTracing, Where: OnErrorEvent, convert: rename("exception.stacktrace")},
}

var sdkKeys = []string{"telemetry.sdk.name", "telemetry.sdk.language", "telemetry.sdk.version"}

// Rules returns a copy of the mapping table, in the order rules apply.
func Rules() []Rule {
	out := make([]Rule, len(rules))
	copy(out, rules)
	return out
}
