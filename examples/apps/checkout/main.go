// Command checkout is a small demo service instrumented with the OpenTelemetry Go SDK. It
// uses every metric instrument kind, bridges log/slog to OpenTelemetry logs with trace
// correlation, and also writes JSON log lines to a file for the file_log receiver path.
//
// It simulates requests, then flushes and exits, so tests and demos are bounded:
//
//	OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318 go run ./examples/apps/checkout \
//	  -requests 20 -temporality delta -log-file /tmp/checkout.log
//
// The OTLP exporters read the standard OTEL_EXPORTER_OTLP_* environment variables.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/contrib/bridges/otelslog"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploghttp"
	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetrichttp"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/metric"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

type options struct {
	requests    int
	temporality string
	logFile     string
	service     string
	signals     string
	userIDs     bool
}

func main() {
	var o options
	flag.IntVar(&o.requests, "requests", 10, "simulated requests before flushing and exiting")
	flag.StringVar(&o.temporality, "temporality", "cumulative", "metric temporality: cumulative or delta")
	flag.StringVar(&o.logFile, "log-file", "", "also write JSON log lines here (for the file_log receiver)")
	flag.StringVar(&o.service, "service", "checkout", "service.name")
	flag.StringVar(&o.signals, "signals", "traces,metrics,logs", "which signals to export over OTLP (comma-separated)")
	flag.BoolVar(&o.userIDs, "user-ids", false, "add a high-cardinality user.id attribute to app.requests (for the views example)")
	flag.Parse()
	if err := run(context.Background(), o); err != nil {
		fmt.Fprintln(os.Stderr, "checkout:", err)
		os.Exit(1)
	}
}

// temporalitySelector maps the -temporality flag to the SDK's selector. "delta" follows the
// OTel delta preference: counters and histograms delta, up-down counters cumulative.
func temporalitySelector(name string) (sdkmetric.TemporalitySelector, error) {
	switch name {
	case "cumulative":
		return sdkmetric.DefaultTemporalitySelector, nil
	case "delta":
		return func(k sdkmetric.InstrumentKind) metricdata.Temporality {
			switch k {
			case sdkmetric.InstrumentKindUpDownCounter, sdkmetric.InstrumentKindObservableUpDownCounter:
				return metricdata.CumulativeTemporality
			}
			return metricdata.DeltaTemporality
		}, nil
	}
	return nil, fmt.Errorf("-temporality must be cumulative or delta, not %q", name)
}

func run(ctx context.Context, o options) (err error) {
	sel, err := temporalitySelector(o.temporality)
	if err != nil {
		return err
	}
	res := resource.NewWithAttributes("",
		attribute.String("service.name", o.service),
		attribute.String("service.version", "1.0.0"),
		attribute.String("deployment.environment.name", "demo"),
	)

	enabled := map[string]bool{}
	for _, s := range strings.Split(o.signals, ",") {
		enabled[strings.TrimSpace(s)] = true
	}

	// A provider without an exporter still records (spans keep their ids for log
	// correlation) but sends nothing, so a metrics-only collector is not asked for traces.
	tpOpts := []sdktrace.TracerProviderOption{sdktrace.WithResource(res)}
	if enabled["traces"] {
		texp, err := otlptracehttp.New(ctx)
		if err != nil {
			return err
		}
		tpOpts = append(tpOpts, sdktrace.WithBatcher(texp))
	}
	tp := sdktrace.NewTracerProvider(tpOpts...)

	// app.payload.size is an exponential histogram: a view picks that aggregation.
	expView := sdkmetric.NewView(sdkmetric.Instrument{Name: "app.payload.size"},
		sdkmetric.Stream{Aggregation: sdkmetric.AggregationBase2ExponentialHistogram{MaxSize: 160, MaxScale: 20}})
	mpOpts := []sdkmetric.Option{sdkmetric.WithResource(res), sdkmetric.WithView(expView)}
	if enabled["metrics"] {
		mexp, err := otlpmetrichttp.New(ctx, otlpmetrichttp.WithTemporalitySelector(sel))
		if err != nil {
			return err
		}
		mpOpts = append(mpOpts, sdkmetric.WithReader(sdkmetric.NewPeriodicReader(mexp, sdkmetric.WithInterval(time.Hour))))
	}
	mp := sdkmetric.NewMeterProvider(mpOpts...)

	lpOpts := []sdklog.LoggerProviderOption{sdklog.WithResource(res)}
	if enabled["logs"] {
		lexp, err := otlploghttp.New(ctx)
		if err != nil {
			return err
		}
		lpOpts = append(lpOpts, sdklog.WithProcessor(sdklog.NewBatchProcessor(lexp)))
	}
	lp := sdklog.NewLoggerProvider(lpOpts...)
	defer func() {
		// Shut down in the order data flows: logs and spans reference each other, metrics last.
		err = errors.Join(err, lp.Shutdown(ctx), tp.Shutdown(ctx), mp.Shutdown(ctx))
	}()

	var fileOut io.Writer = io.Discard
	if o.logFile != "" {
		f, ferr := os.OpenFile(o.logFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if ferr != nil {
			return ferr
		}
		defer f.Close()
		fileOut = f
	}
	logger := slog.New(fanout{
		otelslog.NewHandler("checkout", otelslog.WithLoggerProvider(lp)),
		withTraceIDs{slog.NewJSONHandler(fileOut, &slog.HandlerOptions{Level: slog.LevelDebug})},
	})

	app, err := newInstruments(mp.Meter("checkout"))
	if err != nil {
		return err
	}
	tracer := tp.Tracer("checkout")
	app.userIDs = o.userIDs
	for i := 0; i < o.requests; i++ {
		app.handle(ctx, tracer, logger, i)
	}
	return nil
}

type instruments struct {
	requests    metric.Int64Counter
	active      metric.Int64UpDownCounter
	duration    metric.Float64Histogram
	payload     metric.Int64Histogram
	temperature metric.Float64Gauge
	queueDepth  atomic.Int64
	cpuTime     atomic.Int64
	userIDs     bool
}

func newInstruments(m metric.Meter) (*instruments, error) {
	a := &instruments{}
	var err, e error
	a.requests, e = m.Int64Counter("app.requests", metric.WithUnit("{request}"), metric.WithDescription("Requests handled."))
	err = errors.Join(err, e)
	a.active, e = m.Int64UpDownCounter("app.active_requests", metric.WithUnit("{request}"), metric.WithDescription("Requests in flight."))
	err = errors.Join(err, e)
	a.duration, e = m.Float64Histogram("app.request.duration", metric.WithUnit("s"), metric.WithDescription("Request duration."),
		metric.WithExplicitBucketBoundaries(0.005, 0.01, 0.05, 0.1, 0.5, 1))
	err = errors.Join(err, e)
	a.payload, e = m.Int64Histogram("app.payload.size", metric.WithUnit("By"), metric.WithDescription("Request payload size."))
	err = errors.Join(err, e)
	a.temperature, e = m.Float64Gauge("app.temperature", metric.WithUnit("Cel"), metric.WithDescription("Last measured temperature."))
	err = errors.Join(err, e)
	_, e = m.Int64ObservableCounter("app.cpu.time", metric.WithUnit("ms"), metric.WithDescription("CPU time spent."),
		metric.WithInt64Callback(func(_ context.Context, o metric.Int64Observer) error {
			o.Observe(a.cpuTime.Load())
			return nil
		}))
	err = errors.Join(err, e)
	_, e = m.Int64ObservableUpDownCounter("app.queue.depth", metric.WithUnit("{job}"), metric.WithDescription("Jobs waiting."),
		metric.WithInt64Callback(func(_ context.Context, o metric.Int64Observer) error {
			o.Observe(a.queueDepth.Load())
			return nil
		}))
	err = errors.Join(err, e)
	_, e = m.Float64ObservableGauge("app.memory.utilization", metric.WithUnit("1"), metric.WithDescription("Memory in use, as a fraction."),
		metric.WithFloat64Callback(func(_ context.Context, o metric.Float64Observer) error {
			o.Observe(0.25)
			return nil
		}))
	err = errors.Join(err, e)
	return a, err
}

// handle simulates one request: request i fails when i%5 == 4, so the data is deterministic.
func (a *instruments) handle(ctx context.Context, tracer trace.Tracer, logger *slog.Logger, i int) {
	route := "/api/orders/{id}"
	failed := i%5 == 4
	status := 200
	if failed {
		status = 500
	}
	attrs := metric.WithAttributes(attribute.String("http.route", route), attribute.Int("http.response.status_code", status))

	ctx, span := tracer.Start(ctx, "GET "+route, trace.WithSpanKind(trace.SpanKindServer))
	defer span.End()
	a.active.Add(ctx, 1, metric.WithAttributes(attribute.String("http.route", route)))
	defer a.active.Add(ctx, -1, metric.WithAttributes(attribute.String("http.route", route)))

	if a.userIDs {
		a.requests.Add(ctx, 1, metric.WithAttributes(attribute.String("http.route", route),
			attribute.Int("http.response.status_code", status), attribute.String("user.id", fmt.Sprintf("u-%d", i))))
	} else {
		a.requests.Add(ctx, 1, attrs)
	}
	a.duration.Record(ctx, 0.002*float64(i%10+1), attrs)
	a.payload.Record(ctx, int64(100*(i+1)), attrs)
	a.temperature.Record(ctx, 20+float64(i%3))
	a.queueDepth.Store(int64(i % 4))
	a.cpuTime.Add(3)

	if failed {
		span.SetStatus(codes.Error, "payment declined")
		logger.ErrorContext(ctx, "payment declined", "order.id", fmt.Sprintf("A-%d", 1000+i), "http.response.status_code", status)
		return
	}
	logger.InfoContext(ctx, "order served", "order.id", fmt.Sprintf("A-%d", 1000+i), "http.response.status_code", status)
}

// fanout sends every record to several handlers.
type fanout []slog.Handler

func (f fanout) Enabled(ctx context.Context, l slog.Level) bool {
	for _, h := range f {
		if h.Enabled(ctx, l) {
			return true
		}
	}
	return false
}

func (f fanout) Handle(ctx context.Context, r slog.Record) error {
	var err error
	for _, h := range f {
		if h.Enabled(ctx, r.Level) {
			err = errors.Join(err, h.Handle(ctx, r.Clone()))
		}
	}
	return err
}

func (f fanout) WithAttrs(as []slog.Attr) slog.Handler {
	out := make(fanout, len(f))
	for i, h := range f {
		out[i] = h.WithAttrs(as)
	}
	return out
}

func (f fanout) WithGroup(name string) slog.Handler {
	out := make(fanout, len(f))
	for i, h := range f {
		out[i] = h.WithGroup(name)
	}
	return out
}

// withTraceIDs adds trace_id and span_id to JSON lines, the fields the file_log example
// moves into the LogRecord's trace context.
type withTraceIDs struct{ slog.Handler }

func (w withTraceIDs) Handle(ctx context.Context, r slog.Record) error {
	if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
		r.AddAttrs(slog.String("trace_id", sc.TraceID().String()), slog.String("span_id", sc.SpanID().String()))
	}
	return w.Handler.Handle(ctx, r)
}

func (w withTraceIDs) WithAttrs(as []slog.Attr) slog.Handler {
	return withTraceIDs{w.Handler.WithAttrs(as)}
}
func (w withTraceIDs) WithGroup(name string) slog.Handler {
	return withTraceIDs{w.Handler.WithGroup(name)}
}
