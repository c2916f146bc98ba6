package loadgen

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// The synthesized data looks like what an instrumented shop sends: a few services, each
// trace a server span with HTTP, database, cache, messaging and RPC children, and the
// attributes current semantic conventions put on them. Sizes matter more than values for a
// benchmark: a span carries 7 attributes on average (plus 13 resource attributes per service),
// about 380 bytes as OTLP protobuf.

type serviceInfo struct {
	name, version, lang, pod string
}

var services = []serviceInfo{
	{"frontend", "2.14.1", "go", "frontend-7d9f8c6b5-x2kqp"},
	{"checkout", "1.8.0", "java", "checkout-5c8d7f9b4-m7wqz"},
	{"payment", "3.2.7", "nodejs", "payment-6b7c9d8f5-p4tlr"},
	{"inventory", "0.9.3", "python", "inventory-84f6d7c9b-j9vns"},
}

type spanTemplate struct {
	service int
	parent  int // index of the parent template; -1 for the root
	name    string
	kind    ptrace.SpanKind
	attrs   func(r *rand.Rand, m pcommon.Map)
}

var userAgents = []string{
	"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
	"Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
	"okhttp/4.12.0",
}

var spanTemplates = []spanTemplate{
	{0, -1, "GET /api/orders/{id}", ptrace.SpanKindServer, func(r *rand.Rand, m pcommon.Map) {
		id := r.IntN(900000) + 100000
		m.PutStr("http.request.method", "GET")
		m.PutStr("http.route", "/api/orders/{id}")
		m.PutStr("url.path", fmt.Sprintf("/api/orders/%d", id))
		m.PutStr("url.scheme", "https")
		m.PutInt("http.response.status_code", 200)
		m.PutStr("server.address", "shop.example.com")
		m.PutInt("server.port", 443)
		m.PutStr("client.address", fmt.Sprintf("10.%d.%d.%d", r.IntN(255), r.IntN(255), r.IntN(255)))
		m.PutStr("user_agent.original", userAgents[r.IntN(len(userAgents))])
		m.PutStr("network.protocol.version", "1.1")
		m.PutInt("http.request.body.size", 0)
		m.PutInt("http.response.body.size", int64(r.IntN(8000)+200))
	}},
	{0, 0, "session.lookup", ptrace.SpanKindInternal, func(r *rand.Rand, m pcommon.Map) {
		m.PutStr("session.id", fmt.Sprintf("%016x", r.Uint64()))
		m.PutBool("session.cached", r.IntN(4) != 0)
	}},
	{0, 0, "GET", ptrace.SpanKindClient, func(r *rand.Rand, m pcommon.Map) {
		m.PutStr("db.system.name", "redis")
		m.PutStr("db.operation.name", "GET")
		m.PutStr("db.query.text", fmt.Sprintf("GET session:%016x", r.Uint64()))
		m.PutStr("server.address", "redis-master.cache.svc.cluster.local")
		m.PutInt("server.port", 6379)
		m.PutInt("db.namespace", 0)
	}},
	{0, 0, "POST", ptrace.SpanKindClient, func(r *rand.Rand, m pcommon.Map) {
		m.PutStr("http.request.method", "POST")
		m.PutStr("url.full", "http://checkout.shop.svc.cluster.local:8080/api/checkout/quote")
		m.PutStr("server.address", "checkout.shop.svc.cluster.local")
		m.PutInt("server.port", 8080)
		m.PutInt("http.response.status_code", 200)
		m.PutStr("network.peer.address", fmt.Sprintf("10.42.%d.%d", r.IntN(255), r.IntN(255)))
		m.PutInt("http.request.body.size", int64(r.IntN(2000)+100))
	}},
	{1, 3, "POST /api/checkout/quote", ptrace.SpanKindServer, func(r *rand.Rand, m pcommon.Map) {
		m.PutStr("http.request.method", "POST")
		m.PutStr("http.route", "/api/checkout/quote")
		m.PutStr("url.path", "/api/checkout/quote")
		m.PutStr("url.scheme", "http")
		m.PutInt("http.response.status_code", 200)
		m.PutStr("server.address", "checkout.shop.svc.cluster.local")
		m.PutInt("server.port", 8080)
		m.PutStr("thread.name", fmt.Sprintf("http-nio-8080-exec-%d", r.IntN(200)+1))
		m.PutInt("thread.id", int64(r.IntN(400)+20))
	}},
	{1, 4, "SELECT shop.orders", ptrace.SpanKindClient, func(r *rand.Rand, m pcommon.Map) {
		m.PutStr("db.system.name", "postgresql")
		m.PutStr("db.namespace", "shop")
		m.PutStr("db.collection.name", "orders")
		m.PutStr("db.operation.name", "SELECT")
		m.PutStr("db.query.text", "SELECT o.id, o.customer_id, o.status, o.total_cents, o.currency, o.created_at FROM orders o JOIN order_items i ON i.order_id = o.id WHERE o.id = $1 AND o.tenant_id = $2")
		m.PutStr("server.address", "orders-db.shop.svc.cluster.local")
		m.PutInt("server.port", 5432)
		m.PutInt("db.response.returned_rows", int64(r.IntN(20)+1))
	}},
	{1, 4, "orders publish", ptrace.SpanKindProducer, func(r *rand.Rand, m pcommon.Map) {
		m.PutStr("messaging.system", "kafka")
		m.PutStr("messaging.operation.name", "publish")
		m.PutStr("messaging.operation.type", "send")
		m.PutStr("messaging.destination.name", "orders")
		m.PutInt("messaging.destination.partition.id", int64(r.IntN(12)))
		m.PutStr("messaging.kafka.message.key", fmt.Sprintf("order-%d", r.IntN(900000)+100000))
		m.PutStr("server.address", "kafka-0.kafka.svc.cluster.local")
	}},
	{2, 4, "payment.Authorize", ptrace.SpanKindServer, func(r *rand.Rand, m pcommon.Map) {
		m.PutStr("rpc.system", "grpc")
		m.PutStr("rpc.service", "payment.v1.PaymentService")
		m.PutStr("rpc.method", "Authorize")
		m.PutInt("rpc.grpc.status_code", 0)
		m.PutStr("server.address", "payment.shop.svc.cluster.local")
		m.PutInt("server.port", 50051)
		m.PutStr("payment.provider", "acme-pay")
		m.PutDouble("payment.amount", float64(r.IntN(50000))/100)
	}},
	{3, 4, "inventory.reserve", ptrace.SpanKindInternal, func(r *rand.Rand, m pcommon.Map) {
		m.PutStr("code.function.name", "inventory.service.reserve_items")
		m.PutStr("code.file.path", "/app/inventory/service.py")
		m.PutInt("code.line.number", int64(r.IntN(400)+30))
		m.PutInt("inventory.items", int64(r.IntN(6)+1))
		m.PutStr("warehouse.id", fmt.Sprintf("wh-%02d", r.IntN(12)))
	}},
	{3, 8, "UPDATE shop.stock", ptrace.SpanKindClient, func(r *rand.Rand, m pcommon.Map) {
		m.PutStr("db.system.name", "postgresql")
		m.PutStr("db.namespace", "shop")
		m.PutStr("db.collection.name", "stock")
		m.PutStr("db.operation.name", "UPDATE")
		m.PutStr("db.query.text", "UPDATE stock SET reserved = reserved + $1, updated_at = now() WHERE sku = $2 AND warehouse_id = $3 AND available - reserved >= $1")
		m.PutStr("server.address", "stock-db.shop.svc.cluster.local")
		m.PutInt("server.port", 5432)
	}},
}

// spansPerTrace is how many spans one synthesized trace has: one pass over the templates.
var spansPerTrace = len(spanTemplates)

func putResource(m pcommon.Map, s serviceInfo) {
	m.PutStr("service.name", s.name)
	m.PutStr("service.namespace", "shop")
	m.PutStr("service.version", s.version)
	m.PutStr("service.instance.id", s.pod)
	m.PutStr("deployment.environment.name", "production")
	m.PutStr("telemetry.sdk.name", "opentelemetry")
	m.PutStr("telemetry.sdk.language", s.lang)
	m.PutStr("telemetry.sdk.version", "1.44.0")
	m.PutStr("host.name", "node-"+s.pod[len(s.pod)-5:])
	m.PutStr("k8s.namespace.name", "shop")
	m.PutStr("k8s.pod.name", s.pod)
	m.PutStr("k8s.deployment.name", s.name)
	m.PutStr("cloud.region", "eu-west-1")
}

// variantRand is the random source of one payload variant: distinct variants get distinct
// trace and span ids, and the same variant is the same payload again (tests rely on that).
func variantRand(variant int) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(variant)+1, 0x6c6f616467656e))
}

func randTraceID(r *rand.Rand) pcommon.TraceID {
	var id pcommon.TraceID
	binary.BigEndian.PutUint64(id[:8], r.Uint64())
	binary.BigEndian.PutUint64(id[8:], r.Uint64())
	return id
}

func randSpanID(r *rand.Rand) pcommon.SpanID {
	var id pcommon.SpanID
	for id.IsEmpty() {
		binary.BigEndian.PutUint64(id[:], r.Uint64())
	}
	return id
}

// SynthTraces returns spans spans in traces of up to 10 spans, grouped by service.
func SynthTraces(spans, variant int, now time.Time) ptrace.Traces {
	r := variantRand(variant)
	td := ptrace.NewTraces()
	scopes := make([]ptrace.SpanSlice, len(services))
	for i, s := range services {
		rs := td.ResourceSpans().AppendEmpty()
		putResource(rs.Resource().Attributes(), s)
		ss := rs.ScopeSpans().AppendEmpty()
		ss.Scope().SetName("shop/" + s.name)
		ss.Scope().SetVersion(s.version)
		scopes[i] = ss.Spans()
	}
	var traceID pcommon.TraceID
	ids := make([]pcommon.SpanID, spansPerTrace)
	var traceStart time.Time
	for i := range spans {
		pos := i % spansPerTrace
		tpl := spanTemplates[pos]
		if pos == 0 {
			traceID = randTraceID(r)
			traceStart = now.Add(-time.Duration(r.IntN(5000)) * time.Millisecond)
		}
		sp := scopes[tpl.service].AppendEmpty()
		sp.SetTraceID(traceID)
		ids[pos] = randSpanID(r)
		sp.SetSpanID(ids[pos])
		if tpl.parent >= 0 {
			sp.SetParentSpanID(ids[tpl.parent])
		}
		sp.SetName(tpl.name)
		sp.SetKind(tpl.kind)
		start := traceStart.Add(time.Duration(pos) * 700 * time.Microsecond)
		sp.SetStartTimestamp(pcommon.NewTimestampFromTime(start))
		sp.SetEndTimestamp(pcommon.NewTimestampFromTime(start.Add(time.Duration(r.IntN(40000)+300) * time.Microsecond)))
		tpl.attrs(r, sp.Attributes())
		if r.IntN(50) == 0 {
			sp.Status().SetCode(ptrace.StatusCodeError)
			sp.Status().SetMessage("upstream timed out")
			ev := sp.Events().AppendEmpty()
			ev.SetName("exception")
			ev.SetTimestamp(pcommon.NewTimestampFromTime(start.Add(time.Millisecond)))
			ev.Attributes().PutStr("exception.type", "TimeoutError")
			ev.Attributes().PutStr("exception.message", "context deadline exceeded after 2s")
		}
	}
	// Drop the resources that received no span (small requests).
	td.ResourceSpans().RemoveIf(func(rs ptrace.ResourceSpans) bool {
		return rs.ScopeSpans().At(0).Spans().Len() == 0
	})
	return td
}

var logBodies = []string{
	"order %d placed by customer %d, 3 items, total 129.90 EUR",
	"payment authorized for order %d (provider acme-pay, latency %d ms)",
	"cache miss for session key session:%x, loading from database",
	"stock reserved for order %d in warehouse wh-%02d",
	"slow query: 1240 ms for SELECT on orders (tenant %d)",
}

// SynthLogs returns n log records spread over the services, correlated with traces.
func SynthLogs(n, variant int, now time.Time) plog.Logs {
	r := variantRand(variant)
	ld := plog.NewLogs()
	recs := make([]plog.LogRecordSlice, len(services))
	for i, s := range services {
		rl := ld.ResourceLogs().AppendEmpty()
		putResource(rl.Resource().Attributes(), s)
		sl := rl.ScopeLogs().AppendEmpty()
		sl.Scope().SetName("shop/" + s.name)
		recs[i] = sl.LogRecords()
	}
	for i := range n {
		lr := recs[i%len(services)].AppendEmpty()
		ts := pcommon.NewTimestampFromTime(now.Add(-time.Duration(r.IntN(5000)) * time.Millisecond))
		lr.SetTimestamp(ts)
		lr.SetObservedTimestamp(ts)
		sev := []plog.SeverityNumber{plog.SeverityNumberInfo, plog.SeverityNumberInfo, plog.SeverityNumberDebug, plog.SeverityNumberWarn, plog.SeverityNumberError}[r.IntN(5)]
		lr.SetSeverityNumber(sev)
		lr.SetSeverityText(sev.String())
		lr.Body().SetStr(fmt.Sprintf(logBodies[i%len(logBodies)], r.IntN(900000)+100000, r.IntN(900)+10))
		lr.SetTraceID(randTraceID(r))
		lr.SetSpanID(randSpanID(r))
		lr.Attributes().PutStr("code.function.name", "handleOrder")
		lr.Attributes().PutStr("thread.name", fmt.Sprintf("worker-%d", r.IntN(16)))
		lr.Attributes().PutInt("tenant.id", int64(r.IntN(40)))
	}
	ld.ResourceLogs().RemoveIf(func(rl plog.ResourceLogs) bool {
		return rl.ScopeLogs().At(0).LogRecords().Len() == 0
	})
	return ld
}

// SynthMetrics returns n data points: request counters and duration histograms per route.
func SynthMetrics(n, variant int, now time.Time) pmetric.Metrics {
	r := variantRand(variant)
	md := pmetric.NewMetrics()
	rm := md.ResourceMetrics().AppendEmpty()
	putResource(rm.Resource().Attributes(), services[variant%len(services)])
	sm := rm.ScopeMetrics().AppendEmpty()
	sm.Scope().SetName("shop/metrics")
	counter := sm.Metrics().AppendEmpty()
	counter.SetName("http.server.request.count")
	counter.SetUnit("{request}")
	sum := counter.SetEmptySum()
	sum.SetIsMonotonic(true)
	sum.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
	hist := sm.Metrics().AppendEmpty()
	hist.SetName("http.server.request.duration")
	hist.SetUnit("s")
	h := hist.SetEmptyHistogram()
	h.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
	start := pcommon.NewTimestampFromTime(now.Add(-time.Hour))
	ts := pcommon.NewTimestampFromTime(now)
	routes := []string{"/api/orders/{id}", "/api/checkout/quote", "/api/cart", "/api/products/{sku}", "/healthz"}
	for i := range n {
		var attrs pcommon.Map
		if i%2 == 0 {
			dp := sum.DataPoints().AppendEmpty()
			dp.SetStartTimestamp(start)
			dp.SetTimestamp(ts)
			dp.SetIntValue(int64(r.IntN(1_000_000)))
			attrs = dp.Attributes()
		} else {
			dp := h.DataPoints().AppendEmpty()
			dp.SetStartTimestamp(start)
			dp.SetTimestamp(ts)
			dp.ExplicitBounds().FromRaw([]float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5})
			counts := make([]uint64, 10)
			var total uint64
			for j := range counts {
				counts[j] = uint64(r.IntN(1000))
				total += counts[j]
			}
			dp.BucketCounts().FromRaw(counts)
			dp.SetCount(total)
			dp.SetSum(float64(total) * 0.042)
			attrs = dp.Attributes()
		}
		attrs.PutStr("http.request.method", "GET")
		attrs.PutStr("http.route", routes[(i/2)%len(routes)])
		attrs.PutInt("http.response.status_code", []int64{200, 200, 200, 404, 500}[r.IntN(5)])
		attrs.PutStr("instance", fmt.Sprintf("pod-%d", i/(2*len(routes))))
	}
	return md
}
