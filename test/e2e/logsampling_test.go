//go:build e2e

package e2e

import (
	"context"
	"encoding/hex"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploggrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	otellog "go.opentelemetry.io/otel/log"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	otelsampling "github.com/open-telemetry/opentelemetry-collector-contrib/pkg/sampling"
)

// logSamplingConfig: traces go through contrib's probabilistic_sampler (proportional,
// 25%), logs through log_sampling with a 25% keep_ratio rule for logs with a trace id,
// so the logs kept must be exactly those of the traces kept.
const logSamplingConfig = `
extensions:
  health_check:
    endpoint: 127.0.0.1:%[1]d
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 127.0.0.1:%[2]d
processors:
  probabilistic_sampler:
    mode: proportional
    sampling_percentage: 25
  log_sampling:
    adjusted_count: true
    rules:
      - name: error-storms
        match:
          severity:
            min: ERROR
        action: rate_limit
        drop_protected: true
        rate_limit:
          records_per_second: 1
          burst: 3
          key:
            attributes: [service.name]
            body_fingerprint: true
      - name: checkout-head-sampled
        match:
          resource_attributes:
            service.name: e2e-ls-checkout
          trace_sampled: true
        action: keep
      - name: traced
        match:
          has_trace_id: true
        action: keep_ratio
        ratio: 0.25
      - name: debug
        match:
          severity:
            max: DEBUG
        action: drop
exporters:
  file/traces:
    path: ./traces.jsonl
    format: json
    flush_interval: 50ms
  file/logs:
    path: ./logs.jsonl
    format: json
    flush_interval: 50ms
service:
  extensions: [health_check]
  pipelines:
    traces:
      receivers: [otlp]
      processors: [probabilistic_sampler]
      exporters: [file/traces]
    logs:
      receivers: [otlp]
      processors: [log_sampling]
      exporters: [file/logs]
  telemetry:
    metrics:
      level: none
`

// sdkClients emits logs and spans for one service to the collector, synchronously.
type sdkClients struct {
	lp      *sdklog.LoggerProvider
	logger  otellog.Logger
	sampled *sdktrace.TracerProvider // head-samples every trace and exports its spans
	dropped *sdktrace.TracerProvider // head-samples none: trace ids on logs, no spans
}

func newSDKClients(t *testing.T, grpcPort int, service string) *sdkClients {
	t.Helper()
	ctx := context.Background()
	endpoint := fmt.Sprintf("127.0.0.1:%d", grpcPort)
	logExp, err := otlploggrpc.New(ctx, otlploggrpc.WithInsecure(), otlploggrpc.WithEndpoint(endpoint))
	require.NoError(t, err)
	spanExp, err := otlptracegrpc.New(ctx, otlptracegrpc.WithInsecure(), otlptracegrpc.WithEndpoint(endpoint))
	require.NoError(t, err)
	c := &sdkClients{
		lp: sdklog.NewLoggerProvider(sdklog.WithResource(newResource(service)),
			sdklog.WithProcessor(sdklog.NewSimpleProcessor(logExp))),
		sampled: sdktrace.NewTracerProvider(sdktrace.WithResource(newResource(service)),
			sdktrace.WithSampler(sdktrace.AlwaysSample()), sdktrace.WithSyncer(spanExp)),
		dropped: sdktrace.NewTracerProvider(sdktrace.WithResource(newResource(service)),
			sdktrace.WithSampler(sdktrace.NeverSample())),
	}
	c.logger = c.lp.Logger("e2e-log-sampling")
	return c
}

func (c *sdkClients) shutdown(t *testing.T) {
	ctx := context.Background()
	require.NoError(t, c.lp.Shutdown(ctx))
	require.NoError(t, c.sampled.Shutdown(ctx))
	require.NoError(t, c.dropped.Shutdown(ctx))
}

// emit writes one log record, inside a new span of tp when tp is not nil, and returns
// the trace id ("" without a span).
func (c *sdkClients) emit(tp *sdktrace.TracerProvider, sev otellog.Severity, body string) string {
	ctx := context.Background()
	var rec otellog.Record
	rec.SetSeverity(sev)
	rec.SetBody(otellog.StringValue(body))
	if tp == nil {
		c.logger.Emit(ctx, rec)
		return ""
	}
	spanCtx, span := tp.Tracer("e2e-log-sampling").Start(ctx, "handle")
	c.logger.Emit(spanCtx, rec)
	span.End()
	return span.SpanContext().TraceID().String()
}

// keptAt25Percent is the decision of a consistent probability sampler at 25%
// (precision 4) for a trace id: threshold 0xc0000000000000 against its low 56 bits.
func keptAt25Percent(t *testing.T, traceID string) bool {
	t.Helper()
	raw, err := hex.DecodeString(traceID)
	require.NoError(t, err)
	require.Len(t, raw, 16)
	id := pcommon.TraceID(raw)
	th, err := otelsampling.ProbabilityToThresholdWithPrecision(0.25, 4)
	require.NoError(t, err)
	return th.ShouldSample(otelsampling.TraceIDToRandomness(id))
}

func TestLogSampling(t *testing.T) {
	ports := freePorts(t, 2)
	c := startCollector(t, collectorOptions{Config: fmt.Sprintf(logSamplingConfig, ports[0], ports[1]), HealthPort: ports[0]})

	// gateway: head-sampled traces with one INFO log each; the collector samples both
	// signals at 25%.
	gateway := newSDKClients(t, ports[1], "e2e-ls-gateway")
	var gatewayTraces []string
	for i := 0; i < 200; i++ {
		gatewayTraces = append(gatewayTraces, gateway.emit(gateway.sampled, otellog.SeverityInfo, fmt.Sprintf("request %d served", i)))
	}

	// checkout: head-sampled traces keep all their logs (rule checkout-head-sampled);
	// logs of unsampled traces are kept by trace id at 25%; WARN is never dropped; DEBUG
	// without a trace is dropped; INFO without a trace matches no rule and is kept.
	checkout := newSDKClients(t, ports[1], "e2e-ls-checkout")
	var headSampled, unsampledInfo, unsampledWarn []string
	for i := 0; i < 5; i++ {
		headSampled = append(headSampled, checkout.emit(checkout.sampled, otellog.SeverityDebug, fmt.Sprintf("debug in sampled trace %d", i)))
	}
	for i := 0; i < 100; i++ {
		unsampledInfo = append(unsampledInfo, checkout.emit(checkout.dropped, otellog.SeverityInfo, fmt.Sprintf("cart %d updated", i)))
	}
	for i := 0; i < 20; i++ {
		unsampledWarn = append(unsampledWarn, checkout.emit(checkout.dropped, otellog.SeverityWarn, fmt.Sprintf("slow query %d", i)))
	}
	checkout.emit(nil, otellog.SeverityDebug, "cache warmed")
	checkout.emit(nil, otellog.SeverityInfo, "config reloaded")

	// storm: one error template, 50 times as fast as possible; 1/s with a burst of 3.
	storm := newSDKClients(t, ports[1], "e2e-ls-storm")
	stormStart := time.Now()
	for i := 0; i < 50; i++ {
		storm.emit(nil, otellog.SeverityError, fmt.Sprintf(`payment %d declined: "card %04d expired"`, 1000+i, i))
	}
	stormElapsed := time.Since(stormStart)
	storm.emit(nil, otellog.SeverityError, "ledger unreachable") // another template: its own bucket

	for _, cl := range []*sdkClients{gateway, checkout, storm} {
		cl.shutdown(t)
	}

	// The last records sent are the storm's other template; once it is written, all is.
	var ld plog.Logs
	waitFor(t, "the last storm record in the logs file", func() bool {
		ld = parseLogs(t, readJSONLines(t, c.Path("logs.jsonl")))
		for _, r := range logsOfService(ld, "e2e-ls-storm") {
			if r.Body().Str() == "ledger unreachable" {
				return true
			}
		}
		return false
	})

	t.Run("logs of exactly the traces the trace sampler kept", func(t *testing.T) {
		var keptTraces map[string]bool
		waitFor(t, "gateway spans", func() bool {
			keptTraces = map[string]bool{}
			td := parseTraces(t, readJSONLines(t, c.Path("traces.jsonl")))
			for _, id := range gatewayTraces {
				if len(spansOfTrace(td, id)) > 0 {
					keptTraces[id] = true
				}
			}
			// Every trace the sampler keeps is written; the expected set is known.
			want := 0
			for _, id := range gatewayTraces {
				if keptAt25Percent(t, id) {
					want++
				}
			}
			return len(keptTraces) >= want
		})
		keptLogs := map[string]bool{}
		for _, r := range logsOfService(ld, "e2e-ls-gateway") {
			keptLogs[r.TraceID().String()] = true
			assertStr(t, r.Attributes(), "sampling.threshold", "c")
		}
		assert.Equal(t, keptTraces, keptLogs)
		assert.NotEmpty(t, keptLogs)
		assert.Less(t, len(keptLogs), len(gatewayTraces))
	})

	t.Run("checkout rules", func(t *testing.T) {
		byTrace := map[string]plog.LogRecord{}
		var untraced []string
		for _, r := range logsOfService(ld, "e2e-ls-checkout") {
			if r.TraceID().IsEmpty() {
				untraced = append(untraced, r.Body().Str())
				continue
			}
			byTrace[r.TraceID().String()] = r
		}
		for _, id := range headSampled {
			assert.Contains(t, byTrace, id, "logs of head-sampled traces are all kept")
		}
		for _, id := range unsampledInfo {
			_, kept := byTrace[id]
			assert.Equal(t, keptAt25Percent(t, id), kept, "trace %s", id)
		}
		for _, id := range unsampledWarn {
			assert.Contains(t, byTrace, id, "WARN is never dropped by keep_ratio")
		}
		assert.Equal(t, []string{"config reloaded"}, untraced, "DEBUG without a trace is dropped")
	})

	t.Run("error storm is rate limited per template", func(t *testing.T) {
		payments := 0
		ledger := 0
		for _, r := range logsOfService(ld, "e2e-ls-storm") {
			if r.Body().Str() == "ledger unreachable" {
				ledger++
			} else {
				payments++
			}
		}
		assert.Equal(t, 1, ledger)
		// The burst, plus one record per second the storm lasted.
		assert.GreaterOrEqual(t, payments, 3)
		assert.LessOrEqual(t, payments, 3+int(stormElapsed.Seconds())+1, "storm lasted %s", stormElapsed)
	})
}
