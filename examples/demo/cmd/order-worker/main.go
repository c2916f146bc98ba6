// Command order-worker consumes orders.created from NATS and books the shipment at the shipping
// service. It is traced with a legacy tracer, zipkin-go, that reports Zipkin v2 JSON to the
// bridge's Zipkin port. It continues the shop-api's trace: the W3C traceparent of the NATS
// message becomes the parent of its consumer span (same 128-bit trace id, parent = the
// publisher's span id), and it passes the trace on to shipping in B3 headers, the propagation
// Zipkin-era services speak.
//
// Settings (the demo launcher sets them): NATS_URL, ZIPKIN_URL (the /api/v2/spans URL),
// SHIPPING_URL.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/openzipkin/zipkin-go"
	"github.com/openzipkin/zipkin-go/model"
	"github.com/openzipkin/zipkin-go/propagation/b3"
	zipkinhttp "github.com/openzipkin/zipkin-go/reporter/http"

	"github.com/otelcol-bridge/otelcol-bridge/examples/demo/internal/demolog"
	"github.com/otelcol-bridge/otelcol-bridge/examples/demo/internal/traceparent"
)

const (
	service = "order-worker"
	subject = "orders.created"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, service+":", err)
		os.Exit(1)
	}
}

func run() error {
	natsURL, zipkinURL, shippingURL := os.Getenv("NATS_URL"), os.Getenv("ZIPKIN_URL"), os.Getenv("SHIPPING_URL")
	if natsURL == "" || zipkinURL == "" || shippingURL == "" {
		return fmt.Errorf("NATS_URL, ZIPKIN_URL and SHIPPING_URL must be set")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	reporter := zipkinhttp.NewReporter(zipkinURL, zipkinhttp.BatchInterval(500*time.Millisecond))
	defer reporter.Close() // sends what is still buffered
	local, err := zipkin.NewEndpoint(service, "127.0.0.1:0")
	if err != nil {
		return err
	}
	tracer, err := zipkin.NewTracer(reporter, zipkin.WithLocalEndpoint(local), zipkin.WithTraceID128Bit(true),
		zipkin.WithSharedSpans(false), zipkin.WithSampler(zipkin.AlwaysSample))
	if err != nil {
		return err
	}
	w := &worker{tracer: tracer, log: demolog.New(service), shipping: shippingURL,
		client: &http.Client{Timeout: 5 * time.Second}}

	nc, err := nats.Connect(natsURL, nats.Name(service))
	if err != nil {
		return fmt.Errorf("NATS %s: %w", natsURL, err)
	}
	defer nc.Close()
	sub, err := nc.QueueSubscribe(subject, "workers", w.handle)
	if err != nil {
		return err
	}
	w.log.Info("consuming", "subject", subject)
	<-ctx.Done()
	return sub.Drain() // finish the messages already delivered
}

type worker struct {
	tracer   *zipkin.Tracer
	log      *slog.Logger
	shipping string
	client   *http.Client
}

type orderEvent struct {
	OrderID int64  `json:"order_id"`
	SKU     string `json:"sku"`
	Qty     int64  `json:"qty"`
}

func (w *worker) handle(m *nats.Msg) {
	opts := []zipkin.SpanOption{zipkin.Kind(model.Consumer),
		zipkin.RemoteEndpoint(&model.Endpoint{ServiceName: "nats"})}
	// nats.go keeps header keys as sent; the Go SDK's propagator wrote them canonicalized.
	if tp, err := traceparent.Parse(http.Header(m.Header).Get("traceparent")); err == nil {
		sampled := tp.Sampled
		opts = append(opts, zipkin.Parent(model.SpanContext{
			TraceID: model.TraceID{High: tp.TraceIDHigh, Low: tp.TraceIDLow},
			ID:      model.ID(tp.SpanID),
			Sampled: &sampled,
		}))
	} else {
		w.log.Warn("message without a usable traceparent: starting a new trace", "error", err.Error())
	}
	span := w.tracer.StartSpan("process "+subject, opts...)
	defer span.Finish()
	span.Tag("messaging.system", "nats")
	span.Tag("messaging.destination.name", subject)
	sc := span.Context()
	log := demolog.WithTrace(w.log, fmt.Sprintf("%016x%016x", sc.TraceID.High, sc.TraceID.Low), fmt.Sprintf("%016x", uint64(sc.ID)))

	var ev orderEvent
	if err := json.Unmarshal(m.Data, &ev); err != nil {
		zipkin.TagError.Set(span, err.Error())
		log.Error("bad orders.created message", "error", err.Error())
		return
	}
	span.Tag("order.id", fmt.Sprint(ev.OrderID))
	log.Info("order picked up", "order_id", ev.OrderID, "sku", ev.SKU)
	if err := w.ship(span, ev); err != nil {
		zipkin.TagError.Set(span, err.Error())
		log.Error("shipment not booked", "order_id", ev.OrderID, "error", err.Error())
		return
	}
	log.Info("shipment booked", "order_id", ev.OrderID)
}

// ship calls the shipping service with the trace in B3 headers.
func (w *worker) ship(parent zipkin.Span, ev orderEvent) error {
	span := w.tracer.StartSpan("POST /shipments", zipkin.Kind(model.Client), zipkin.Parent(parent.Context()),
		zipkin.RemoteEndpoint(&model.Endpoint{ServiceName: "shipping"}))
	defer span.Finish()
	body, _ := json.Marshal(ev)
	req, err := http.NewRequest(http.MethodPost, w.shipping+"/shipments", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if err := b3.InjectHTTP(req)(span.Context()); err != nil {
		return err
	}
	resp, err := w.client.Do(req)
	if err != nil {
		zipkin.TagError.Set(span, err.Error())
		return err
	}
	defer resp.Body.Close()
	span.Tag("http.status_code", fmt.Sprint(resp.StatusCode))
	if resp.StatusCode/100 != 2 {
		err := fmt.Errorf("shipping answered %s", resp.Status)
		zipkin.TagError.Set(span, err.Error())
		return err
	}
	return nil
}
