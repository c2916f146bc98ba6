package main

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
	var got []string
	for _, r := range rows {
		got = append(got, fmt.Sprintf("%d %s", r.Depth, r.Operation))
	}
	assert.Equal(t, []string{"0 root", "1 early-child", "2 grandchild", "1 late-child", "0 orphan"}, got)
	// The bars span the trace: the root starts at 0 %, the last span ends at 100 %.
	assert.InDelta(t, 0, rows[0].Left, 1e-9)
	assert.InDelta(t, 100, rows[4].Left+rows[4].Width, 1e-9)
}

func TestPickFreePortsAreDistinct(t *testing.T) {
	p, err := pickFreePorts()
	require.NoError(t, err)
	require.NoError(t, checkFree(p), "the picked ports are free")
	seen := map[int]bool{}
	for _, port := range []int{p.View, p.JaegerQuery, p.JaegerQueryGRPC, p.JaegerOTLP, p.Prometheus, p.NATS,
		p.BridgeOTLPGRPC, p.BridgeOTLPHTTP, p.BridgeJaeger, p.BridgeZipkin, p.BridgeDatadog, p.BridgeHealth,
		p.BridgeSpanMetrics, p.BridgeSelf, p.ShopAPI, p.Pricing, p.Inventory, p.Shipping} {
		assert.NotZero(t, port)
		assert.False(t, seen[port], "port %d used twice", port)
		seen[port] = true
	}
}
