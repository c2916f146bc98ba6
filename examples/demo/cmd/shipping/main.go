// Command shipping books shipments: POST /shipments. It is traced with a legacy tracer,
// jaeger-client-go (OpenTracing), that reports Jaeger Thrift over HTTP to the bridge's Jaeger
// port. The order worker calls it with B3 headers (Zipkin propagation), which jaeger-client-go
// reads with its B3 propagator, so the span continues the same 128-bit trace.
//
// Settings (the demo launcher sets them): SHIPPING_ADDR, JAEGER_URL (the bridge's
// /api/traces Thrift-over-HTTP URL).
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/opentracing/opentracing-go"
	"github.com/opentracing/opentracing-go/ext"
	"github.com/uber/jaeger-client-go"
	"github.com/uber/jaeger-client-go/transport"
	jaegerzipkin "github.com/uber/jaeger-client-go/zipkin"

	"github.com/otelcol-bridge/otelcol-bridge/examples/demo/internal/demolog"
)

const service = "shipping"

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, service+":", err)
		os.Exit(1)
	}
}

func run() error {
	addr, jaegerURL := os.Getenv("SHIPPING_ADDR"), os.Getenv("JAEGER_URL")
	if addr == "" || jaegerURL == "" {
		return fmt.Errorf("SHIPPING_ADDR and JAEGER_URL must be set")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	b3 := jaegerzipkin.NewZipkinB3HTTPHeaderPropagator()
	reporter := jaeger.NewRemoteReporter(transport.NewHTTPTransport(jaegerURL),
		jaeger.ReporterOptions.BufferFlushInterval(500*time.Millisecond))
	tracer, closer := jaeger.NewTracer(service, jaeger.NewConstSampler(true), reporter,
		jaeger.TracerOptions.Gen128Bit(true),
		jaeger.TracerOptions.Extractor(opentracing.HTTPHeaders, b3),
		jaeger.TracerOptions.Injector(opentracing.HTTPHeaders, b3),
		jaeger.TracerOptions.Tag("deployment.environment", "demo"))
	defer closer.Close() // flushes the reporter

	s := &shipper{tracer: tracer, log: demolog.New(service)}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /shipments", s.book)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	s.log.Info("listening", "addr", addr)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(shutdownCtx)
}

type shipper struct {
	tracer opentracing.Tracer
	log    *slog.Logger
}

func (s *shipper) book(w http.ResponseWriter, r *http.Request) {
	opts := []opentracing.StartSpanOption{ext.SpanKindRPCServer}
	if parent, err := s.tracer.Extract(opentracing.HTTPHeaders, opentracing.HTTPHeadersCarrier(r.Header)); err == nil {
		opts = append(opts, opentracing.ChildOf(parent))
	}
	span := s.tracer.StartSpan("POST /shipments", opts...)
	defer span.Finish()
	ext.HTTPMethod.Set(span, r.Method)
	ext.HTTPUrl.Set(span, r.URL.Path)
	sc := span.Context().(jaeger.SpanContext)
	log := demolog.WithTrace(s.log, fmt.Sprintf("%016x%016x", sc.TraceID().High, sc.TraceID().Low), fmt.Sprintf("%016x", uint64(sc.SpanID())))

	var order struct {
		OrderID int64  `json:"order_id"`
		SKU     string `json:"sku"`
		Qty     int64  `json:"qty"`
	}
	if err := json.NewDecoder(r.Body).Decode(&order); err != nil || order.OrderID == 0 {
		ext.Error.Set(span, true)
		ext.HTTPStatusCode.Set(span, http.StatusBadRequest)
		log.Warn("bad shipment request", "error", fmt.Sprint(err))
		http.Error(w, "want a JSON body with order_id, sku and qty", http.StatusBadRequest)
		return
	}
	// A child span for the courier booking, the part of the work worth seeing on its own.
	courier := s.tracer.StartSpan("reserve courier", opentracing.ChildOf(span.Context()))
	courier.SetTag("order.id", order.OrderID)
	time.Sleep(time.Duration(2+order.OrderID%5) * time.Millisecond) // the courier's API, simulated
	courier.Finish()

	ext.HTTPStatusCode.Set(span, http.StatusCreated)
	log.Info("shipment booked", "order_id", order.OrderID, "sku", order.SKU)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	_ = json.NewEncoder(w).Encode(map[string]any{"order_id": order.OrderID, "carrier": "demo-post"})
}
