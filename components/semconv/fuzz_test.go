package semconv

import (
	"testing"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// FuzzConvert: every rule takes any string (Zipkin tags are strings) without panicking, and
// the parsers it uses agree with themselves.
func FuzzConvert(f *testing.F) {
	for _, seed := range []string{"Jaeger-Go-2.30.0", "/a?b=c#d", "[::1]:80", "example.com:", "2.0", "HTTP/1.1",
		"inet6", "ip_udp", "publish", "-", "Jaeger--", "", "true", "client", "192.0.2.1", "4294967296"} {
		f.Add(seed)
	}
	n := New(Options{ProvenanceKey: DefaultProvenanceKey})
	f.Fuzz(func(t *testing.T, s string) {
		if path, query := SplitTarget(s); len(path)+len(query) > len(s) {
			t.Fatalf("SplitTarget(%q) grew", s)
		}
		if _, port := SplitHostPort(s); port > 65535 || port < -1 {
			t.Fatalf("SplitHostPort(%q) port %d", s, port)
		}
		if lang, version, ok := ParseJaegerVersion(s, false); ok && (lang == "" || version == "") {
			t.Fatalf("ParseJaegerVersion(%q) ok with empty parts", s)
		}
		td := ptrace.NewTraces()
		rs := td.ResourceSpans().AppendEmpty()
		span := rs.ScopeSpans().AppendEmpty().Spans().AppendEmpty()
		ev := span.Events().AppendEmpty()
		ev.SetName("error")
		for _, r := range rules {
			switch r.Where {
			case OnResource:
				rs.Resource().Attributes().PutStr(r.From, s)
			case OnErrorEvent:
				ev.Attributes().PutStr(r.From, s)
			default:
				span.Attributes().PutStr(r.From, s)
			}
		}
		n.Traces(td)
		again := ptrace.NewTraces()
		td.CopyTo(again)
		n.Traces(again)
		if !pcommon.Map(again.ResourceSpans().At(0).Resource().Attributes()).Equal(td.ResourceSpans().At(0).Resource().Attributes()) {
			t.Fatalf("a second pass changed the resource for %q", s)
		}
	})
}
