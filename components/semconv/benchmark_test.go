package semconv

import (
	"testing"

	"go.opentelemetry.io/collector/pdata/ptrace"
)

// batch of 100 spans shaped like an OTel SDK's (nothing to convert) or a Jaeger client's
// (six legacy attributes per span).
func benchTraces(legacy bool) ptrace.Traces {
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr("service.name", "checkout")
	rs.Resource().Attributes().PutStr("host.name", "vm-1")
	spans := rs.ScopeSpans().AppendEmpty().Spans()
	for i := 0; i < 100; i++ {
		a := spans.AppendEmpty().Attributes()
		if legacy {
			a.PutStr("http.method", "GET")
			a.PutInt("http.status_code", 200)
			a.PutStr("http.url", "http://checkout:8080/api/orders/42")
			a.PutStr("peer.service", "payments")
			a.PutStr("peer.hostname", "payments.internal")
			a.PutInt("peer.port", 8443)
		} else {
			a.PutStr("http.request.method", "GET")
			a.PutInt("http.response.status_code", 200)
			a.PutStr("url.full", "http://checkout:8080/api/orders/42")
			a.PutStr("service.peer.name", "payments")
			a.PutStr("server.address", "payments.internal")
			a.PutInt("server.port", 8443)
		}
		a.PutStr("app.order_id", "42")
	}
	return td
}

func benchmarkTraces(b *testing.B, legacy bool, opts Options) {
	n := New(opts)
	src := benchTraces(legacy)
	td := ptrace.NewTraces()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if legacy {
			b.StopTimer()
			td = ptrace.NewTraces()
			src.CopyTo(td)
			b.StartTimer()
		} else {
			td = src
		}
		n.Traces(td)
	}
}

func BenchmarkTraces100Spans(b *testing.B) {
	b.Run("current_nothing_to_do", func(b *testing.B) { benchmarkTraces(b, false, Options{ProvenanceKey: DefaultProvenanceKey}) })
	b.Run("legacy_replace", func(b *testing.B) { benchmarkTraces(b, true, Options{ProvenanceKey: DefaultProvenanceKey}) })
	b.Run("legacy_replace_no_provenance", func(b *testing.B) { benchmarkTraces(b, true, Options{}) })
	b.Run("legacy_add", func(b *testing.B) { benchmarkTraces(b, true, Options{Mode: ModeAdd}) })
}
