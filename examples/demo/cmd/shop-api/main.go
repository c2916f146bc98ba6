// Command shop-api is the demo shop's web API: POST /orders?sku=...&qty=... prices the order
// at the pricing service (Node.js), stores it in SQLite and publishes an orders.created event on
// NATS. Traced with the OpenTelemetry Go SDK, exported over OTLP/HTTP to the bridge; W3C trace
// context goes out in the HTTP request to pricing and in the NATS message headers.
//
// Settings (the demo launcher sets them): SHOP_API_ADDR, OTLP_HTTP_ENDPOINT (host:port),
// NATS_URL, PRICING_URL, DB_PATH.
package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/nats-io/nats.go"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver (pure Go)

	"github.com/otelcol-bridge/otelcol-bridge/examples/demo/internal/demolog"
)

const (
	service = "shop-api"
	subject = "orders.created"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, service+":", err)
		os.Exit(1)
	}
}

func env(key string) (string, error) {
	if v := os.Getenv(key); v != "" {
		return v, nil
	}
	return "", fmt.Errorf("%s is not set", key)
}

func run() error {
	var addr, otlp, natsURL, pricingURL, dbPath string
	for key, dst := range map[string]*string{"SHOP_API_ADDR": &addr, "OTLP_HTTP_ENDPOINT": &otlp,
		"NATS_URL": &natsURL, "PRICING_URL": &pricingURL, "DB_PATH": &dbPath} {
		v, err := env(key)
		if err != nil {
			return err
		}
		*dst = v
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	exporter, err := otlptracehttp.New(ctx, otlptracehttp.WithEndpoint(otlp), otlptracehttp.WithInsecure())
	if err != nil {
		return err
	}
	tp := sdktrace.NewTracerProvider(
		sdktrace.WithBatcher(exporter, sdktrace.WithBatchTimeout(500*time.Millisecond)),
		sdktrace.WithResource(resource.NewSchemaless(
			attribute.String("service.name", service),
			attribute.String("service.version", "1.4.0"),
			attribute.String("deployment.environment.name", "demo"),
		)),
	)
	defer func() {
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = tp.Shutdown(shutdownCtx) // flushes the spans still in the batcher
	}()

	db, err := openDB(dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	nc, err := nats.Connect(natsURL, nats.Name(service))
	if err != nil {
		return fmt.Errorf("NATS %s: %w", natsURL, err)
	}
	defer nc.Close()

	s := &shop{
		tracer:  tp.Tracer("github.com/otelcol-bridge/otelcol-bridge/examples/demo/shop-api"),
		prop:    propagation.TraceContext{},
		log:     demolog.New(service),
		db:      db,
		nc:      nc,
		pricing: pricingURL,
		client:  &http.Client{Timeout: 5 * time.Second},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /orders", s.createOrder)
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

func openDB(path string) (*sql.DB, error) {
	db, err := sql.Open("sqlite", path)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1) // one writer: SQLite serializes writes anyway
	if _, err := db.Exec(`CREATE TABLE IF NOT EXISTS orders (
		id INTEGER PRIMARY KEY AUTOINCREMENT, sku TEXT NOT NULL, qty INTEGER NOT NULL,
		total_cents INTEGER NOT NULL, created_at TEXT NOT NULL)`); err != nil {
		db.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return db, nil
}

type shop struct {
	tracer  trace.Tracer
	prop    propagation.TextMapPropagator
	log     *slog.Logger
	db      *sql.DB
	nc      *nats.Conn
	pricing string
	client  *http.Client
}

// quote is the pricing service's answer.
type quote struct {
	UnitCents int64 `json:"unit_cents"`
	InStock   int64 `json:"in_stock"`
}

// orderEvent is the orders.created message body.
type orderEvent struct {
	OrderID    int64  `json:"order_id"`
	SKU        string `json:"sku"`
	Qty        int64  `json:"qty"`
	TotalCents int64  `json:"total_cents"`
}

func (s *shop) createOrder(w http.ResponseWriter, r *http.Request) {
	ctx := s.prop.Extract(r.Context(), propagation.HeaderCarrier(r.Header))
	ctx, span := s.tracer.Start(ctx, "POST /orders", trace.WithSpanKind(trace.SpanKindServer),
		trace.WithAttributes(attribute.String("http.request.method", r.Method), attribute.String("url.path", r.URL.Path),
			attribute.String("http.route", "/orders")))
	defer span.End()
	sc := span.SpanContext()
	log := demolog.WithTrace(s.log, sc.TraceID().String(), sc.SpanID().String())
	w.Header().Set("Trace-Id", sc.TraceID().String())

	fail := func(status int, err error) {
		span.RecordError(err)
		span.SetStatus(codes.Error, err.Error())
		span.SetAttributes(attribute.Int("http.response.status_code", status))
		log.Error("order failed", "error", err.Error(), "status", status)
		http.Error(w, err.Error(), status)
	}
	sku := r.URL.Query().Get("sku")
	qty, err := strconv.ParseInt(r.URL.Query().Get("qty"), 10, 64)
	if sku == "" || err != nil || qty <= 0 {
		fail(http.StatusBadRequest, errors.New("want ?sku=<name>&qty=<positive integer>"))
		return
	}
	log.Info("order received", "sku", sku, "qty", qty)

	q, err := s.price(ctx, sku)
	if err != nil {
		fail(http.StatusBadGateway, fmt.Errorf("pricing: %w", err))
		return
	}
	if q.InStock < qty {
		fail(http.StatusConflict, fmt.Errorf("only %d of %s in stock", q.InStock, sku))
		return
	}
	ev := orderEvent{SKU: sku, Qty: qty, TotalCents: q.UnitCents * qty}
	if ev.OrderID, err = s.insert(ctx, ev); err != nil {
		fail(http.StatusInternalServerError, fmt.Errorf("database: %w", err))
		return
	}
	if err := s.publish(ctx, ev); err != nil {
		fail(http.StatusInternalServerError, fmt.Errorf("publish: %w", err))
		return
	}
	log.Info("order created", "order_id", ev.OrderID, "total_cents", ev.TotalCents)
	span.SetAttributes(attribute.Int("http.response.status_code", http.StatusCreated), attribute.Int64("order.id", ev.OrderID))
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	_ = json.NewEncoder(w).Encode(map[string]any{"order_id": ev.OrderID, "trace_id": sc.TraceID().String()})
}

// price asks the pricing service, with the trace context in the request headers.
func (s *shop) price(ctx context.Context, sku string) (quote, error) {
	ctx, span := s.tracer.Start(ctx, "GET /price", trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(attribute.String("http.request.method", "GET"), attribute.String("server.address", s.pricing)))
	defer span.End()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.pricing+"/price?sku="+sku, nil)
	if err != nil {
		return quote{}, err
	}
	s.prop.Inject(ctx, propagation.HeaderCarrier(req.Header))
	resp, err := s.client.Do(req)
	if err != nil {
		span.SetStatus(codes.Error, err.Error())
		return quote{}, err
	}
	defer resp.Body.Close()
	span.SetAttributes(attribute.Int("http.response.status_code", resp.StatusCode))
	if resp.StatusCode != http.StatusOK {
		err := fmt.Errorf("%s answered %s", s.pricing, resp.Status)
		span.SetStatus(codes.Error, err.Error())
		return quote{}, err
	}
	var q quote
	if err := json.NewDecoder(resp.Body).Decode(&q); err != nil {
		return quote{}, fmt.Errorf("pricing answer: %w", err)
	}
	return q, nil
}

// insert stores the order; the DB span carries the query as OpenTelemetry's database
// semantic conventions name it.
func (s *shop) insert(ctx context.Context, ev orderEvent) (int64, error) {
	const query = "INSERT INTO orders (sku, qty, total_cents, created_at) VALUES (?, ?, ?, ?)"
	ctx, span := s.tracer.Start(ctx, "INSERT orders", trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(attribute.String("db.system.name", "sqlite"), attribute.String("db.query.text", query),
			attribute.String("db.collection.name", "orders"), attribute.String("db.operation.name", "INSERT")))
	defer span.End()
	res, err := s.db.ExecContext(ctx, query, ev.SKU, ev.Qty, ev.TotalCents, time.Now().UTC().Format(time.RFC3339Nano))
	if err != nil {
		span.SetStatus(codes.Error, err.Error())
		return 0, err
	}
	return res.LastInsertId()
}

// publish sends orders.created with the W3C trace context in the NATS message headers.
func (s *shop) publish(ctx context.Context, ev orderEvent) error {
	ctx, span := s.tracer.Start(ctx, "publish "+subject, trace.WithSpanKind(trace.SpanKindProducer),
		trace.WithAttributes(attribute.String("messaging.system", "nats"), attribute.String("messaging.destination.name", subject),
			attribute.String("messaging.operation.type", "send")))
	defer span.End()
	body, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	msg := nats.NewMsg(subject)
	msg.Data = body
	s.prop.Inject(ctx, propagation.HeaderCarrier(msg.Header))
	if err := s.nc.PublishMsg(msg); err != nil {
		span.SetStatus(codes.Error, err.Error())
		return err
	}
	return nil
}
