// Command inventory answers GET /stock?sku=... It is traced with dd-trace-go, which reports to
// the bridge's Datadog Agent port (DD_TRACE_AGENT_URL). The pricing service calls it with W3C
// trace context; the launcher sets DD_TRACE_PROPAGATION_STYLE=tracecontext,datadog so that
// dd-trace-go reads traceparent and continues the same 128-bit trace.
//
// With DOGSTATSD_ADDR (host:port) it also sends the Go runtime metrics over DogStatsD.
//
// Settings (the demo launcher sets them): INVENTORY_ADDR, DD_TRACE_AGENT_URL,
// DD_TRACE_PROPAGATION_STYLE, DOGSTATSD_ADDR.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/DataDog/dd-trace-go/v2/ddtrace/ext"
	"github.com/DataDog/dd-trace-go/v2/ddtrace/tracer"

	"github.com/otelcol-bridge/otelcol-bridge/examples/demo/internal/demolog"
)

const service = "inventory"

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, service+":", err)
		os.Exit(1)
	}
}

func run() error {
	addr := os.Getenv("INVENTORY_ADDR")
	if addr == "" || os.Getenv("DD_TRACE_AGENT_URL") == "" {
		return fmt.Errorf("INVENTORY_ADDR and DD_TRACE_AGENT_URL must be set")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	opts := []tracer.StartOption{tracer.WithService(service), tracer.WithEnv("demo"), tracer.WithServiceVersion("2.0.1")}
	if addr := os.Getenv("DOGSTATSD_ADDR"); addr != "" {
		// The Go runtime metrics, every 10 s over DogStatsD (UDP) to the bridge: the Datadog
		// metrics path next to the traces.
		opts = append(opts, tracer.WithRuntimeMetrics(), tracer.WithDogstatsdAddr(addr))
	}
	if err := tracer.Start(opts...); err != nil {
		return err
	}
	defer tracer.Stop() // flushes the spans still buffered

	log := demolog.New(service)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /stock", func(w http.ResponseWriter, r *http.Request) { stock(log, w, r) })
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	log.Info("listening", "addr", addr)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(shutdownCtx)
}

func stock(log *slog.Logger, w http.ResponseWriter, r *http.Request) {
	opts := []tracer.StartSpanOption{tracer.ResourceName("GET /stock"), tracer.SpanType(ext.SpanTypeWeb),
		tracer.Tag(ext.SpanKind, ext.SpanKindServer), tracer.Tag(ext.HTTPMethod, r.Method), tracer.Tag(ext.HTTPURL, r.URL.Path)}
	if parent, err := tracer.Extract(tracer.HTTPHeadersCarrier(r.Header)); err == nil {
		opts = append(opts, tracer.ChildOf(parent))
	}
	span := tracer.StartSpan("http.request", opts...)
	defer span.Finish()
	log = demolog.WithTrace(log, span.Context().TraceID(), fmt.Sprintf("%016x", span.Context().SpanID()))

	sku := r.URL.Query().Get("sku")
	if sku == "" {
		span.SetTag(ext.HTTPCode, "400")
		log.Warn("stock request without a sku")
		http.Error(w, "want ?sku=<name>", http.StatusBadRequest)
		return
	}
	// The warehouse lookup, a child span: what a cache or database call looks like in Datadog.
	lookup := tracer.StartSpan("warehouse.lookup", tracer.ChildOf(span.Context()), tracer.ResourceName("stock "+sku),
		tracer.SpanType(ext.AppTypeCache))
	h := fnv.New32a()
	_, _ = h.Write([]byte(sku))
	inStock := int64(h.Sum32()%40) + 5 // a stable, made-up stock level per sku
	time.Sleep(time.Duration(1+h.Sum32()%4) * time.Millisecond)
	lookup.Finish()

	span.SetTag(ext.HTTPCode, "200")
	log.Info("stock checked", "sku", sku, "in_stock", inStock)
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"sku": sku, "in_stock": inStock})
}
