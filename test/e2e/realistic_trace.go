//go:build e2e

package e2e

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// The realistic trace: a SERVER root with attributes of every type (arrays included) and a
// link to a span of another trace, a CLIENT child, and an INTERNAL child with an event, a
// recorded exception and an error status. The JS sender (js/send-trace.js) emits the same shape.
const (
	rootSpanName   = "GET /api/orders/{id}"
	dbSpanName     = "SELECT orders"
	chargeSpanName = "charge card"
	upstreamName   = "upstream.enqueue"
)

type traceIDs struct {
	TraceID       string `json:"traceId"`
	LinkedTraceID string `json:"linkedTraceId"`
}

type serviceInfo struct {
	Name, Version, ScopeName, ScopeVersion string
}

var goService = serviceInfo{Name: "checkout-go", Version: "1.4.2", ScopeName: "e2e-go", ScopeVersion: "0.1.0"}

func goResource(t testing.TB) *resource.Resource {
	t.Helper()
	return resource.NewWithAttributes("",
		attribute.String("service.name", goService.Name),
		attribute.String("service.version", goService.Version),
		attribute.String("deployment.environment.name", "e2e"),
	)
}

// newResource is a resource whose service.name keeps one test case's data apart from another's.
func newResource(service string) *resource.Resource {
	return resource.NewWithAttributes("",
		attribute.String("service.name", service),
		attribute.String("deployment.environment.name", "e2e"),
	)
}

// emitRealisticTrace records the realistic trace with tp; the caller flushes tp.
func emitRealisticTrace(tp trace.TracerProvider) traceIDs {
	tracer := tp.Tracer(goService.ScopeName, trace.WithInstrumentationVersion(goService.ScopeVersion))
	ctx := context.Background()

	_, upstream := tracer.Start(ctx, upstreamName, trace.WithSpanKind(trace.SpanKindProducer))
	upstreamCtx := upstream.SpanContext()
	upstream.End()

	rootCtx, root := tracer.Start(ctx, rootSpanName,
		trace.WithSpanKind(trace.SpanKindServer),
		trace.WithAttributes(
			attribute.String("http.request.method", "GET"),
			attribute.Int("http.response.status_code", 500),
			attribute.Bool("order.express", true),
			attribute.Float64("order.total", 42.5),
			attribute.StringSlice("order.tags", []string{"gift", "priority"}),
			attribute.Int64Slice("order.item_ids", []int64{7, 11, 13}),
		),
		trace.WithLinks(trace.Link{
			SpanContext: upstreamCtx,
			Attributes:  []attribute.KeyValue{attribute.String("link.reason", "enqueued-by")},
		}),
	)

	_, db := tracer.Start(rootCtx, dbSpanName,
		trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(
			attribute.String("db.system.name", "postgresql"),
			attribute.String("db.query.text", "SELECT * FROM orders WHERE id = $1"),
		))
	db.End()

	_, charge := tracer.Start(rootCtx, chargeSpanName, trace.WithSpanKind(trace.SpanKindInternal))
	charge.AddEvent("retrying", trace.WithAttributes(
		attribute.Int("retry.attempt", 2),
		attribute.Float64("retry.backoff_ms", 150.5),
	))
	charge.RecordError(errors.New("card declined"))
	charge.SetStatus(codes.Error, "card declined")
	charge.End()

	root.SetStatus(codes.Error, "payment failed")
	root.End()

	return traceIDs{
		TraceID:       root.SpanContext().TraceID().String(),
		LinkedTraceID: upstreamCtx.TraceID().String(),
	}
}

func newGoTracerProvider(t testing.TB, exp sdktrace.SpanExporter) *sdktrace.TracerProvider {
	t.Helper()
	return sdktrace.NewTracerProvider(
		sdktrace.WithResource(goResource(t)),
		sdktrace.WithSyncer(exp),
	)
}

// assertRealisticTrace checks, field by field, that the realistic trace came through an
// OTLP path unchanged.
func assertRealisticTrace(t testing.TB, td ptrace.Traces, ids traceIDs, svc serviceInfo) {
	t.Helper()
	spans := spansByName(t, spansOfTrace(td, ids.TraceID))
	require.Len(t, spans, 3, "spans of trace %s", ids.TraceID)
	root, db, charge := spans[rootSpanName], spans[dbSpanName], spans[chargeSpanName]
	require.NotNil(t, root.Span, "root span")

	for _, s := range []foundSpan{root, db, charge} {
		res := s.Resource.Attributes()
		assertStr(t, res, "service.name", svc.Name)
		assertStr(t, res, "service.version", svc.Version)
		assertStr(t, res, "deployment.environment.name", "e2e")
		assert.Equal(t, svc.ScopeName, s.Scope.Name())
		assert.Equal(t, svc.ScopeVersion, s.Scope.Version())
		assert.False(t, s.Span.SpanID().IsEmpty())
		assert.Greater(t, s.Span.EndTimestamp(), s.Span.StartTimestamp(), "span %q timestamps", s.Span.Name())
	}

	// Root: kind, attributes of every type, link, status.
	assert.Equal(t, ptrace.SpanKindServer, root.Span.Kind())
	assert.True(t, root.Span.ParentSpanID().IsEmpty(), "root has no parent")
	a := root.Span.Attributes()
	assertStr(t, a, "http.request.method", "GET")
	assertInt(t, a, "http.response.status_code", 500)
	assertBool(t, a, "order.express", true)
	assertDouble(t, a, "order.total", 42.5)
	assertSlice(t, a, "order.tags", []any{"gift", "priority"})
	assertSlice(t, a, "order.item_ids", []any{int64(7), int64(11), int64(13)})
	require.Equal(t, 1, root.Span.Links().Len(), "root links")
	link := root.Span.Links().At(0)
	assert.Equal(t, ids.LinkedTraceID, link.TraceID().String())
	assert.False(t, link.SpanID().IsEmpty())
	assertStr(t, link.Attributes(), "link.reason", "enqueued-by")
	assert.Equal(t, ptrace.StatusCodeError, root.Span.Status().Code())
	assert.Equal(t, "payment failed", root.Span.Status().Message())

	// CLIENT child.
	assert.Equal(t, ptrace.SpanKindClient, db.Span.Kind())
	assert.Equal(t, root.Span.SpanID(), db.Span.ParentSpanID())
	assertStr(t, db.Span.Attributes(), "db.system.name", "postgresql")
	assertStr(t, db.Span.Attributes(), "db.query.text", "SELECT * FROM orders WHERE id = $1")
	assert.Equal(t, ptrace.StatusCodeUnset, db.Span.Status().Code())

	// INTERNAL child: event, exception, error status.
	assert.Equal(t, ptrace.SpanKindInternal, charge.Span.Kind())
	assert.Equal(t, root.Span.SpanID(), charge.Span.ParentSpanID())
	retry := findEvent(t, charge.Span, "retrying")
	assertInt(t, retry.Attributes(), "retry.attempt", 2)
	assertDouble(t, retry.Attributes(), "retry.backoff_ms", 150.5)
	assert.GreaterOrEqual(t, retry.Timestamp(), charge.Span.StartTimestamp())
	exc := findEvent(t, charge.Span, "exception")
	assertStr(t, exc.Attributes(), "exception.message", "card declined")
	assert.Equal(t, ptrace.StatusCodeError, charge.Span.Status().Code())
	assert.Equal(t, "card declined", charge.Span.Status().Message())
}
