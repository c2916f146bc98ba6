package main

import (
	"testing"

	"github.com/otelcol-bridge/otelcol-bridge/examples/demo/internal/jaegerapi"
)

// The waterfall lists each span under its parent, children by start time, and keeps a span
// whose parent is missing as a root of its own rather than dropping it.
func TestWaterfallOrder(t *testing.T) {
	span := func(id, parent string, start int64) jaegerapi.Span {
		s := jaegerapi.Span{TraceID: "t", SpanID: id, OperationName: id, StartTime: start, Duration: 10, ProcessID: "p"}
		if parent != "" {
			s.References = []jaegerapi.Reference{{RefType: "CHILD_OF", TraceID: "t", SpanID: parent}}
		}
		return s
	}
	tr := &jaegerapi.Trace{
		TraceID: "t",
		Spans: []jaegerapi.Span{
			span("late-child", "root", 150), span("orphan", "gone", 200), span("root", "", 100),
			span("early-child", "root", 110), span("grandchild", "early-child", 115),
		},
		Processes: map[string]jaegerapi.Process{"p": {ServiceName: "shop-api"}},
	}
	rows := waterfall(tr)
	want := []struct {
		op    string
		depth int
	}{{"root", 0}, {"early-child", 1}, {"grandchild", 2}, {"late-child", 1}, {"orphan", 0}}
	if len(rows) != len(want) {
		t.Fatalf("got %d rows, want %d", len(rows), len(want))
	}
	for i, w := range want {
		if rows[i].Operation != w.op || rows[i].Depth != w.depth {
			t.Errorf("row %d: %s at depth %d, want %s at depth %d", i, rows[i].Operation, rows[i].Depth, w.op, w.depth)
		}
	}
	if rows[0].Left != 0 || rows[4].Left+rows[4].Width != 100 {
		t.Errorf("bars: root at %.1f%%, last ends at %.1f%%; want 0%% and 100%%", rows[0].Left, rows[4].Left+rows[4].Width)
	}
}

func TestPickFreePortsAreDistinct(t *testing.T) {
	p, err := pickFreePorts()
	if err != nil {
		t.Fatal(err)
	}
	if err := checkFree(p); err != nil {
		t.Fatalf("picked ports are not free: %v", err)
	}
	seen := map[int]bool{}
	for _, port := range []int{p.View, p.JaegerQuery, p.JaegerQueryGRPC, p.JaegerOTLP, p.Prometheus, p.NATS,
		p.BridgeOTLPGRPC, p.BridgeOTLPHTTP, p.BridgeJaeger, p.BridgeZipkin, p.BridgeDatadog, p.BridgeHealth,
		p.BridgeSpanMetrics, p.BridgeSelf, p.ShopAPI, p.Pricing, p.Inventory, p.Shipping} {
		if port == 0 || seen[port] {
			t.Errorf("port %d is zero or used twice", port)
		}
		seen[port] = true
	}
}
