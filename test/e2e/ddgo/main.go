// Command ddgo sends traces with the real dd-trace-go v2 tracer to a Datadog Agent URL (the
// bridge in the e2e tests) and prints the ids it used. It lives in a module of its own so
// dd-trace-go's dependencies (a newer OpenTelemetry Go among them) never enter otelcol-bridge's
// version selection.
//
//	DD_TRACE_AGENT_URL=http://127.0.0.1:8126 go run .
//
// With DDGO_RUNTIME_METRICS=<dogstatsd host:port> it instead starts the tracer with runtime
// metrics enabled, sending them over DogStatsD UDP to that address, keeps it running for
// DDGO_DURATION (default 13s: the tracer reports runtime metrics every 10 s, the first report
// comes 10 s after start) and stops it, which flushes the statsd client.
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/DataDog/dd-trace-go/v2/ddtrace/ext"
	"github.com/DataDog/dd-trace-go/v2/ddtrace/tracer"
)

type output struct {
	TraceID      string `json:"traceId"` // 32 hex digits
	RootSpanID   uint64 `json:"rootSpanId"`
	ErrorSpanID  uint64 `json:"errorSpanId"`
	LinkedSpanID uint64 `json:"linkedSpanId"`
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "ddgo:", err)
		os.Exit(1)
	}
}

func run() error {
	if os.Getenv("DD_TRACE_AGENT_URL") == "" {
		return errors.New("DD_TRACE_AGENT_URL is not set")
	}
	if addr := os.Getenv("DDGO_RUNTIME_METRICS"); addr != "" {
		return runRuntimeMetrics(addr)
	}
	if err := tracer.Start(
		tracer.WithService("checkout-ddgo"),
		tracer.WithEnv("e2e"),
		tracer.WithServiceVersion("3.1.0"),
	); err != nil {
		return err
	}

	producer := tracer.StartSpan("kafka.produce", tracer.ServiceName("checkout-ddgo-kafka"),
		tracer.ResourceName("Produce Topic orders"), tracer.SpanType(ext.SpanTypeMessageProducer),
		tracer.Tag(ext.SpanKind, ext.SpanKindProducer))
	producer.Finish()

	root := tracer.StartSpan("http.request", tracer.ResourceName("GET /api/orders/{id}"),
		tracer.SpanType(ext.SpanTypeWeb), tracer.Tag(ext.SpanKind, ext.SpanKindServer),
		tracer.Tag(ext.HTTPMethod, "GET"), tracer.Tag(ext.HTTPCode, "500"),
		tracer.Tag("order.total", 42.5), tracer.Tag("order.express", true),
		tracer.WithSpanLinks([]tracer.SpanLink{{
			TraceID: producer.Context().TraceIDLower(), TraceIDHigh: producer.Context().TraceIDUpper(),
			SpanID: producer.Context().SpanID(), Attributes: map[string]string{"link.reason": "enqueued-by"},
		}}))
	db := tracer.StartSpan("postgres.query", tracer.ChildOf(root.Context()),
		tracer.ServiceName("checkout-ddgo-postgres"), tracer.ResourceName("SELECT * FROM orders WHERE id = $1"),
		tracer.SpanType(ext.SpanTypeSQL), tracer.Tag(ext.SpanKind, ext.SpanKindClient),
		tracer.Tag(ext.DBSystem, "postgresql"))
	time.Sleep(2 * time.Millisecond)
	db.Finish()
	charge := tracer.StartSpan("payment.charge", tracer.ChildOf(root.Context()), tracer.ResourceName("POST /v2/charges"),
		tracer.Tag(ext.SpanKind, ext.SpanKindClient))
	charge.Finish(tracer.WithError(errors.New("card declined")))
	root.Finish()

	tracer.Flush()
	tracer.Stop()

	return json.NewEncoder(os.Stdout).Encode(output{
		TraceID:      root.Context().TraceID(),
		RootSpanID:   root.Context().SpanID(),
		ErrorSpanID:  charge.Context().SpanID(),
		LinkedSpanID: producer.Context().SpanID(),
	})
}

// runRuntimeMetrics runs the tracer with runtime metrics on for a bounded time.
func runRuntimeMetrics(addr string) error {
	d := 13 * time.Second
	if v := os.Getenv("DDGO_DURATION"); v != "" {
		var err error
		if d, err = time.ParseDuration(v); err != nil {
			return fmt.Errorf("DDGO_DURATION: %w", err)
		}
	}
	if err := tracer.Start(
		tracer.WithService("checkout-ddgo-rt"),
		tracer.WithEnv("e2e"),
		tracer.WithServiceVersion("3.1.0"),
		tracer.WithRuntimeMetrics(),
		tracer.WithDogstatsdAddr(addr),
	); err != nil {
		return err
	}
	time.Sleep(d)
	tracer.Stop()
	return json.NewEncoder(os.Stdout).Encode(map[string]string{"dogstatsd": addr, "ran": d.String()})
}
