//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploggrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploghttp"
	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetricgrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetrichttp"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	otellog "go.opentelemetry.io/otel/log"
	"go.opentelemetry.io/otel/metric"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

func TestOTelGoTraces(t *testing.T) {
	b := startBridge(t)
	ctx := context.Background()

	exporters := map[string]func() (sdktrace.SpanExporter, error){
		"grpc/gzip": func() (sdktrace.SpanExporter, error) {
			return otlptracegrpc.New(ctx, otlptracegrpc.WithInsecure(),
				otlptracegrpc.WithEndpoint(fmt.Sprintf("127.0.0.1:%d", b.Ports.OTLPGRPC)),
				otlptracegrpc.WithCompressor("gzip"))
		},
		"grpc/none": func() (sdktrace.SpanExporter, error) {
			return otlptracegrpc.New(ctx, otlptracegrpc.WithInsecure(),
				otlptracegrpc.WithEndpoint(fmt.Sprintf("127.0.0.1:%d", b.Ports.OTLPGRPC)))
		},
		"http-protobuf/gzip": func() (sdktrace.SpanExporter, error) {
			return otlptracehttp.New(ctx, otlptracehttp.WithInsecure(),
				otlptracehttp.WithEndpoint(fmt.Sprintf("127.0.0.1:%d", b.Ports.OTLPHTTP)),
				otlptracehttp.WithCompression(otlptracehttp.GzipCompression))
		},
		"http-protobuf/none": func() (sdktrace.SpanExporter, error) {
			return otlptracehttp.New(ctx, otlptracehttp.WithInsecure(),
				otlptracehttp.WithEndpoint(fmt.Sprintf("127.0.0.1:%d", b.Ports.OTLPHTTP)),
				otlptracehttp.WithCompression(otlptracehttp.NoCompression))
		},
	}
	for name, newExporter := range exporters {
		t.Run(name, func(t *testing.T) {
			exp, err := newExporter()
			require.NoError(t, err)
			tp := newGoTracerProvider(t, exp)
			ids := emitRealisticTrace(tp)
			require.NoError(t, tp.Shutdown(ctx))

			td := waitForTrace(t, b.TracesFile(), ids.TraceID, 3)
			assertRealisticTrace(t, td, ids, goService)
		})
	}
}

// deltaForSumsAndHistograms is the OTel "delta" temporality preference: counters and
// histograms delta, up-down counters cumulative.
func deltaForSumsAndHistograms(k sdkmetric.InstrumentKind) metricdata.Temporality {
	switch k {
	case sdkmetric.InstrumentKindUpDownCounter, sdkmetric.InstrumentKindObservableUpDownCounter:
		return metricdata.CumulativeTemporality
	default:
		return metricdata.DeltaTemporality
	}
}

func TestOTelGoMetrics(t *testing.T) {
	b := startBridge(t)
	ctx := context.Background()

	cases := []struct {
		name     string
		delta    bool
		exporter func(sel sdkmetric.TemporalitySelector) (sdkmetric.Exporter, error)
	}{
		{"grpc/cumulative", false, func(sel sdkmetric.TemporalitySelector) (sdkmetric.Exporter, error) {
			return otlpmetricgrpc.New(ctx, otlpmetricgrpc.WithInsecure(), otlpmetricgrpc.WithCompressor("gzip"),
				otlpmetricgrpc.WithEndpoint(fmt.Sprintf("127.0.0.1:%d", b.Ports.OTLPGRPC)),
				otlpmetricgrpc.WithTemporalitySelector(sel))
		}},
		{"http/delta", true, func(sel sdkmetric.TemporalitySelector) (sdkmetric.Exporter, error) {
			return otlpmetrichttp.New(ctx, otlpmetrichttp.WithInsecure(),
				otlpmetrichttp.WithEndpoint(fmt.Sprintf("127.0.0.1:%d", b.Ports.OTLPHTTP)),
				otlpmetrichttp.WithTemporalitySelector(sel))
		}},
		{"grpc/delta", true, func(sel sdkmetric.TemporalitySelector) (sdkmetric.Exporter, error) {
			return otlpmetricgrpc.New(ctx, otlpmetricgrpc.WithInsecure(),
				otlpmetricgrpc.WithEndpoint(fmt.Sprintf("127.0.0.1:%d", b.Ports.OTLPGRPC)),
				otlpmetricgrpc.WithTemporalitySelector(sel))
		}},
		{"http/cumulative", false, func(sel sdkmetric.TemporalitySelector) (sdkmetric.Exporter, error) {
			return otlpmetrichttp.New(ctx, otlpmetrichttp.WithInsecure(), otlpmetrichttp.WithCompression(otlpmetrichttp.GzipCompression),
				otlpmetrichttp.WithEndpoint(fmt.Sprintf("127.0.0.1:%d", b.Ports.OTLPHTTP)),
				otlpmetrichttp.WithTemporalitySelector(sel))
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sel := sdkmetric.DefaultTemporalitySelector
			wantSum := pmetric.AggregationTemporalityCumulative
			if tc.delta {
				sel = deltaForSumsAndHistograms
				wantSum = pmetric.AggregationTemporalityDelta
			}
			exp, err := tc.exporter(sel)
			require.NoError(t, err)
			// A distinct service name per case lets the assertions find their own points.
			svc := "metrics-" + tc.name
			res := newResource(svc)
			mp := sdkmetric.NewMeterProvider(sdkmetric.WithResource(res),
				sdkmetric.WithReader(sdkmetric.NewPeriodicReader(exp, sdkmetric.WithInterval(time.Hour))))
			meter := mp.Meter("e2e-go-metrics", metric.WithInstrumentationVersion("0.1.0"))

			route := metric.WithAttributes(attribute.String("http.route", "/api/orders/{id}"))
			requests, err := meter.Int64Counter("e2e.requests", metric.WithUnit("{request}"), metric.WithDescription("requests served"))
			require.NoError(t, err)
			inflight, err := meter.Int64UpDownCounter("e2e.inflight", metric.WithUnit("{request}"))
			require.NoError(t, err)
			latency, err := meter.Float64Histogram("e2e.latency", metric.WithUnit("ms"),
				metric.WithExplicitBucketBoundaries(10, 100, 1000))
			require.NoError(t, err)
			temperature, err := meter.Float64Gauge("e2e.temperature", metric.WithUnit("Cel"))
			require.NoError(t, err)

			requests.Add(ctx, 3, route)
			inflight.Add(ctx, 5, route)
			inflight.Add(ctx, -2, route)
			for _, v := range []float64{5, 50, 500, 5000} {
				latency.Record(ctx, v, route)
			}
			temperature.Record(ctx, 21.5)
			require.NoError(t, mp.Shutdown(ctx))

			var md pmetric.Metrics
			waitFor(t, "metrics of "+svc, func() bool {
				md = parseMetrics(t, readJSONLines(t, b.MetricsFile()))
				return len(metricsOfService(md, svc)) >= 4
			})
			got := metricsOfService(md, svc)

			req := got["e2e.requests"]
			require.Equal(t, pmetric.MetricTypeSum, req.Type())
			assert.Equal(t, "{request}", req.Unit())
			assert.Equal(t, "requests served", req.Description())
			assert.True(t, req.Sum().IsMonotonic())
			assert.Equal(t, wantSum, req.Sum().AggregationTemporality())
			require.Equal(t, 1, req.Sum().DataPoints().Len())
			assert.Equal(t, int64(3), req.Sum().DataPoints().At(0).IntValue())
			assertStr(t, req.Sum().DataPoints().At(0).Attributes(), "http.route", "/api/orders/{id}")

			inf := got["e2e.inflight"]
			require.Equal(t, pmetric.MetricTypeSum, inf.Type())
			assert.False(t, inf.Sum().IsMonotonic())
			assert.Equal(t, pmetric.AggregationTemporalityCumulative, inf.Sum().AggregationTemporality())
			assert.Equal(t, int64(3), inf.Sum().DataPoints().At(0).IntValue())

			lat := got["e2e.latency"]
			require.Equal(t, pmetric.MetricTypeHistogram, lat.Type())
			assert.Equal(t, wantSum, lat.Histogram().AggregationTemporality())
			hp := lat.Histogram().DataPoints().At(0)
			assert.Equal(t, uint64(4), hp.Count())
			assert.InDelta(t, 5555.0, hp.Sum(), 1e-9)
			assert.Equal(t, []float64{10, 100, 1000}, hp.ExplicitBounds().AsRaw())
			assert.Equal(t, []uint64{1, 1, 1, 1}, hp.BucketCounts().AsRaw())
			assert.InDelta(t, 5.0, hp.Min(), 1e-9)
			assert.InDelta(t, 5000.0, hp.Max(), 1e-9)

			temp := got["e2e.temperature"]
			require.Equal(t, pmetric.MetricTypeGauge, temp.Type())
			assert.Equal(t, "Cel", temp.Unit())
			assert.InDelta(t, 21.5, temp.Gauge().DataPoints().At(0).DoubleValue(), 1e-9)
		})
	}
}

// metricsOfService returns the metrics exported under resource service.name == svc, by name.
func metricsOfService(md pmetric.Metrics, svc string) map[string]pmetric.Metric {
	out := map[string]pmetric.Metric{}
	for i := 0; i < md.ResourceMetrics().Len(); i++ {
		rm := md.ResourceMetrics().At(i)
		if v, ok := rm.Resource().Attributes().Get("service.name"); !ok || v.Str() != svc {
			continue
		}
		for j := 0; j < rm.ScopeMetrics().Len(); j++ {
			sm := rm.ScopeMetrics().At(j)
			for k := 0; k < sm.Metrics().Len(); k++ {
				out[sm.Metrics().At(k).Name()] = sm.Metrics().At(k)
			}
		}
	}
	return out
}

func TestOTelGoLogs(t *testing.T) {
	b := startBridge(t)
	ctx := context.Background()

	cases := map[string]func() (sdklog.Exporter, error){
		"grpc": func() (sdklog.Exporter, error) {
			return otlploggrpc.New(ctx, otlploggrpc.WithInsecure(),
				otlploggrpc.WithEndpoint(fmt.Sprintf("127.0.0.1:%d", b.Ports.OTLPGRPC)))
		},
		"http": func() (sdklog.Exporter, error) {
			return otlploghttp.New(ctx, otlploghttp.WithInsecure(),
				otlploghttp.WithEndpoint(fmt.Sprintf("127.0.0.1:%d", b.Ports.OTLPHTTP)))
		},
	}
	for name, newExporter := range cases {
		t.Run(name, func(t *testing.T) {
			exp, err := newExporter()
			require.NoError(t, err)
			svc := "logs-" + name
			lp := sdklog.NewLoggerProvider(sdklog.WithResource(newResource(svc)),
				sdklog.WithProcessor(sdklog.NewSimpleProcessor(exp)))
			logger := lp.Logger("e2e-go-logs", otellog.WithInstrumentationVersion("0.1.0"))

			// A span context so the record carries trace correlation.
			tp := sdktrace.NewTracerProvider()
			spanCtx, span := tp.Tracer("e2e").Start(ctx, "handle")
			sc := span.SpanContext()

			var rec otellog.Record
			observed := time.Now().Truncate(time.Microsecond)
			rec.SetTimestamp(observed)
			rec.SetSeverity(otellog.SeverityError)
			rec.SetSeverityText("ERROR")
			rec.SetEventName("payment.failed")
			rec.SetBody(otellog.MapValue(
				otellog.String("message", "card declined"),
				otellog.Int64("amount_cents", 4250),
			))
			rec.AddAttributes(
				otellog.String("order.id", "A-1001"),
				otellog.Bool("retryable", false),
				otellog.Float64("score", 0.25),
				otellog.Slice("order.tags", otellog.StringValue("gift"), otellog.StringValue("priority")),
			)
			logger.Emit(spanCtx, rec)

			var plain otellog.Record
			plain.SetSeverity(otellog.SeverityInfo)
			plain.SetSeverityText("INFO")
			plain.SetBody(otellog.StringValue("order accepted"))
			logger.Emit(ctx, plain)
			span.End()
			require.NoError(t, lp.Shutdown(ctx))

			var records []plog.LogRecord
			waitFor(t, "2 log records of "+svc, func() bool {
				records = logsOfService(parseLogs(t, readJSONLines(t, b.LogsFile())), svc)
				return len(records) >= 2
			})
			require.Len(t, records, 2)
			var errRec, infoRec plog.LogRecord
			for _, r := range records {
				if r.SeverityNumber() == plog.SeverityNumberError {
					errRec = r
				} else {
					infoRec = r
				}
			}
			assert.Equal(t, "ERROR", errRec.SeverityText())
			assert.Equal(t, "payment.failed", errRec.EventName())
			assert.Equal(t, pcommon.NewTimestampFromTime(observed), errRec.Timestamp())
			assert.Equal(t, sc.TraceID().String(), errRec.TraceID().String())
			assert.Equal(t, sc.SpanID().String(), errRec.SpanID().String())
			assert.True(t, errRec.Flags().IsSampled(), "sampled flag")
			require.Equal(t, pcommon.ValueTypeMap, errRec.Body().Type())
			assert.Equal(t, map[string]any{"message": "card declined", "amount_cents": int64(4250)}, errRec.Body().Map().AsRaw())
			assertStr(t, errRec.Attributes(), "order.id", "A-1001")
			assertBool(t, errRec.Attributes(), "retryable", false)
			assertDouble(t, errRec.Attributes(), "score", 0.25)
			assertSlice(t, errRec.Attributes(), "order.tags", []any{"gift", "priority"})

			assert.Equal(t, plog.SeverityNumberInfo, infoRec.SeverityNumber())
			assert.Equal(t, "order accepted", infoRec.Body().Str())
			assert.True(t, infoRec.TraceID().IsEmpty())
			assert.NotZero(t, infoRec.ObservedTimestamp())
		})
	}
}

// logsOfService returns the log records exported under resource service.name == svc.
func logsOfService(ld plog.Logs, svc string) []plog.LogRecord {
	var out []plog.LogRecord
	for i := 0; i < ld.ResourceLogs().Len(); i++ {
		rl := ld.ResourceLogs().At(i)
		if v, ok := rl.Resource().Attributes().Get("service.name"); !ok || v.Str() != svc {
			continue
		}
		for j := 0; j < rl.ScopeLogs().Len(); j++ {
			sl := rl.ScopeLogs().At(j)
			for k := 0; k < sl.LogRecords().Len(); k++ {
				out = append(out, sl.LogRecords().At(k))
			}
		}
	}
	return out
}
