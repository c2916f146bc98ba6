package semconv

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

func spanWith(kind ptrace.SpanKind, attrs map[string]any) (ptrace.Traces, ptrace.Span) {
	td := ptrace.NewTraces()
	span := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans().AppendEmpty()
	span.SetKind(kind)
	if err := span.Attributes().FromRaw(attrs); err != nil {
		panic(err)
	}
	return td, span
}

func TestPeerAttributesFollowTheSpanKind(t *testing.T) {
	n := New(Options{})
	for _, tc := range []struct {
		kind ptrace.SpanKind
		want map[string]any
	}{
		{ptrace.SpanKindClient, map[string]any{"server.address": "db", "server.port": int64(5432), "network.local.port": int64(40000)}},
		{ptrace.SpanKindServer, map[string]any{"client.address": "db", "client.port": int64(5432), "server.port": int64(40000)}},
		{ptrace.SpanKindUnspecified, map[string]any{"server.address": "db", "server.port": int64(5432), "net.host.port": "40000"}},
	} {
		t.Run(tc.kind.String(), func(t *testing.T) {
			td, span := spanWith(tc.kind, map[string]any{"net.peer.name": "db", "net.peer.port": "5432", "net.host.port": "40000"})
			n.Traces(td)
			got := span.Attributes().AsRaw()
			delete(got, DefaultProvenanceKey)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestUnspecifiedHostPortConflictsWithPeerPort(t *testing.T) {
	// On a span of unknown kind both net.peer.port and net.host.port would be server.port:
	// the first (rule order) wins, the other stays, counted as a conflict.
	td, _ := spanWith(ptrace.SpanKindUnspecified, map[string]any{"net.peer.port": 5432, "net.host.port": 40000})
	st := New(Options{}).Traces(td)
	assert.Equal(t, int64(1), st.Conflicts[SourceOTelSemconv])
}

func TestOpenTracingSpanFields(t *testing.T) {
	td, span := spanWith(ptrace.SpanKindUnspecified, map[string]any{"span.kind": "producer", "error": true, "peer.hostname": "kafka-1"})
	New(Options{ProvenanceKey: DefaultProvenanceKey}).Traces(td)
	assert.Equal(t, ptrace.SpanKindProducer, span.Kind())
	assert.Equal(t, ptrace.StatusCodeError, span.Status().Code())
	assert.Equal(t, map[string]any{
		"server.address": "kafka-1", DefaultProvenanceKey: []any{"span.kind", "error", "peer.hostname"},
	}, span.Attributes().AsRaw(), "span.kind is applied first, so peer.hostname sees a producer")

	td, span = spanWith(ptrace.SpanKindServer, map[string]any{"span.kind": "client", "error": "false"})
	New(Options{Mode: ModeAdd}).Traces(td)
	assert.Equal(t, ptrace.SpanKindServer, span.Kind(), "an existing kind is never overwritten")
	assert.Equal(t, ptrace.StatusCodeUnset, span.Status().Code())
	assert.Equal(t, map[string]any{"span.kind": "client", "error": "false"}, span.Attributes().AsRaw(),
		"add mode keeps legacy attributes; no provenance key configured")

	td, span = spanWith(ptrace.SpanKindServer, map[string]any{"span.kind": "sideways", "error": 3})
	New(Options{}).Traces(td)
	assert.Equal(t, map[string]any{"span.kind": "sideways", "error": int64(3)}, span.Attributes().AsRaw(),
		"values a rule does not understand stay as they are")
}

func TestComponentBecomesTheScope(t *testing.T) {
	td := ptrace.NewTraces()
	ss := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty()
	for _, c := range []string{"net/http", "", "java-jdbc", "net/http"} {
		s := ss.Spans().AppendEmpty()
		s.SetName(c)
		if c != "" {
			s.Attributes().PutStr("component", c)
		}
	}
	New(Options{}).Traces(td)
	scopes := map[string][]string{}
	sss := td.ResourceSpans().At(0).ScopeSpans()
	for i := 0; i < sss.Len(); i++ {
		spans := sss.At(i).Spans()
		for j := 0; j < spans.Len(); j++ {
			scopes[sss.At(i).Scope().Name()] = append(scopes[sss.At(i).Scope().Name()], spans.At(j).Name())
			_, has := spans.At(j).Attributes().Get("component")
			assert.False(t, has)
		}
	}
	assert.Equal(t, map[string][]string{"": {""}, "net/http": {"net/http", "net/http"}, "java-jdbc": {"java-jdbc"}}, scopes)

	// A named scope keeps its name and its spans keep the tag.
	td, span := spanWith(ptrace.SpanKindClient, map[string]any{"component": "grpc"})
	td.ResourceSpans().At(0).ScopeSpans().At(0).Scope().SetName("go.opentelemetry.io/otel")
	New(Options{}).Traces(td)
	assert.Equal(t, map[string]any{"component": "grpc"}, span.Attributes().AsRaw())
}

func TestSourcesLimitTheRules(t *testing.T) {
	td, span := spanWith(ptrace.SpanKindClient, map[string]any{"http.method": "GET", "peer.hostname": "x"})
	New(Options{Sources: []Source{SourceOpenTracing}}).Traces(td)
	assert.Equal(t, map[string]any{"http.method": "GET", "server.address": "x"}, span.Attributes().AsRaw())
}

func TestProvenanceIsExtended(t *testing.T) {
	m := pcommon.NewMap()
	m.PutStr("http.method", "GET")
	m.PutEmptySlice(DefaultProvenanceKey).AppendEmpty().SetStr("db.type")
	n := New(Options{ProvenanceKey: DefaultProvenanceKey})
	n.apply(m, n.itemSet, target{}, &Stats{}, true)
	v, _ := m.Get(DefaultProvenanceKey)
	assert.Equal(t, []any{"db.type", "http.method"}, v.Slice().AsRaw())
}

func TestValueConversions(t *testing.T) {
	n := New(Options{})
	m := pcommon.NewMap()
	require.NoError(t, m.FromRaw(map[string]any{
		"http.target": "/a/b?x=1&y=2", "http.host": "shop.example:8443", "http.flavor": "2.0",
		"net.transport": "ip_tcp", "net.sock.family": "inet6", "messaging.operation": "publish",
		"db.redis.database_index": 3, "peer.ipv4": int64(0xC0000202), "http.request_content_length": 512,
		"messaging.destination": "orders",
	}))
	count, _ := n.Attributes(m, ptrace.SpanKindClient)
	assert.Equal(t, 10, count)
	assert.Equal(t, map[string]any{
		"url.path": "/a/b", "url.query": "x=1&y=2", "server.address": "shop.example", "server.port": int64(8443),
		"network.protocol.name": "http", "network.protocol.version": "2", "network.transport": "tcp",
		"network.type": "ipv6", "messaging.operation.type": "send", "db.namespace": "3",
		"network.peer.address": "192.0.2.2", "http.request.header.content-length": []any{"512"},
		"messaging.destination.name": "orders",
	}, m.AsRaw())
}

func TestParseJaegerVersion(t *testing.T) {
	for _, tc := range []struct {
		in, lang, version string
		prefix, ok        bool
	}{
		{"Jaeger-Go-2.30.0", "go", "2.30.0", true, true},
		{"Go-2.30.0", "go", "2.30.0", false, true},
		{"Go-2.30.0", "", "", true, false},
		{"Jaeger-Java-1.8.1", "java", "1.8.1", true, true},
		{"Jaeger-NodeJS-3.19.0", "nodejs", "3.19.0", true, true},
		{"Jaeger-C#-0.4.2", "dotnet", "0.4.2", true, true},
		{"Jaeger-Python-4.8.0", "python", "4.8.0", true, true},
		{"Jaeger-", "", "", true, false},
		{"Jaeger-Go-", "", "", true, false},
		{"0.1.0", "", "", false, false},
	} {
		lang, version, ok := ParseJaegerVersion(tc.in, tc.prefix)
		assert.Equal(t, tc.ok, ok, tc.in)
		assert.Equal(t, tc.lang, lang, tc.in)
		assert.Equal(t, tc.version, version, tc.in)
	}
}

func TestSplitHostPort(t *testing.T) {
	for in, want := range map[string]struct {
		host string
		port int64
	}{
		"example.com": {"example.com", -1}, "example.com:80": {"example.com", 80}, "[::1]:443": {"::1", 443},
		"[::1]": {"::1", -1}, "example.com:http": {"example.com", -1}, "example.com:99999": {"example.com", -1},
	} {
		host, port := SplitHostPort(in)
		assert.Equal(t, want.host, host, in)
		assert.Equal(t, want.port, port, in)
	}
}

func TestTableHasNoDuplicates(t *testing.T) {
	seen := map[Where]map[string]bool{}
	for _, r := range rules {
		if seen[r.Where] == nil {
			seen[r.Where] = map[string]bool{}
		}
		assert.False(t, seen[r.Where][r.From], "%s listed twice", r.From)
		seen[r.Where][r.From] = true
		assert.NotEmpty(t, r.To, r.From)
		assert.NotNil(t, r.convert, r.From)
	}
	assert.Contains(t, MarkdownTable(), "| `http.method` | `http.request.method` | span, log, data point | otel_semconv |  |")
}
