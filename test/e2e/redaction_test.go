//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploggrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	otellog "go.opentelemetry.io/otel/log"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// redactionConfig puts pii_redaction between an OTLP receiver and file exporters, for
// logs and traces, with the pii and secrets presets and card numbers kept as ****1234.
const redactionConfig = `
extensions:
  health_check:
    endpoint: 127.0.0.1:%[1]d
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 127.0.0.1:%[2]d
processors:
  pii_redaction:
    presets: [pii, secrets]
    actions:
      credit_card: partial
exporters:
  file/logs:
    path: ./logs.jsonl
    format: json
    flush_interval: 50ms
  file/traces:
    path: ./traces.jsonl
    format: json
    flush_interval: 50ms
service:
  extensions: [health_check]
  pipelines:
    logs:
      receivers: [otlp]
      processors: [pii_redaction]
      exporters: [file/logs]
    traces:
      receivers: [otlp]
      processors: [pii_redaction]
      exporters: [file/traces]
  telemetry:
    metrics:
      level: detailed
      readers:
        - pull:
            exporter:
              prometheus:
                host: 127.0.0.1
                port: %[3]d
`

// Fake secrets built at run time (no token-shaped literal in the source). Every one is
// plain alphanumeric text so it would appear verbatim in the exporters' JSON if it leaked.
var (
	e2eCard     = "4111111111111111"
	e2eEmail    = "ana.souza@example.com"
	e2ePassword = "hunter2Hunter2"
	e2eGitHub   = "ghp_" + strings.Repeat("Qw3r", 9)
	e2eAWS      = "AKIA" + "ZXCVBNMASDFG2345"
	e2eJWT      = "eyJhbGciOiJIUzI1NiJ9." + "eyJzdWIiOiI0MiJ9." + "c2lnbmF0dXJlbm90cmVhbA"
	e2eSSN      = "536-22-1234"
	e2eIBAN     = "DE89370400440532013000"
)

func TestRedactionLeaksNothing(t *testing.T) {
	p := freePorts(t, 3)
	health, grpcPort, telemetry := p[0], p[1], p[2]
	c := startCollector(t, collectorOptions{Config: fmt.Sprintf(redactionConfig, health, grpcPort, telemetry), HealthPort: health})
	ctx := context.Background()
	endpoint := fmt.Sprintf("127.0.0.1:%d", grpcPort)

	// Logs: a string body, a map body with nested secrets, and secret-bearing attributes.
	logExp, err := otlploggrpc.New(ctx, otlploggrpc.WithInsecure(), otlploggrpc.WithEndpoint(endpoint))
	require.NoError(t, err)
	lp := sdklog.NewLoggerProvider(sdklog.WithResource(newResource("redaction-e2e")),
		sdklog.WithProcessor(sdklog.NewSimpleProcessor(logExp)))
	logger := lp.Logger("e2e-redaction")

	var rec otellog.Record
	rec.SetSeverity(otellog.SeverityError)
	rec.SetBody(otellog.StringValue("payment failed card=" + e2eCard + " user=" + e2eEmail + " password=" + e2ePassword))
	rec.AddAttributes(
		otellog.String("http.request.header.authorization", "Bearer "+e2eJWT),
		otellog.String("ci.token_note", "pushed with "+e2eGitHub),
		otellog.Int64("payment.pan", 4111111111111111),
	)
	logger.Emit(ctx, rec)

	var structured otellog.Record
	structured.SetSeverity(otellog.SeverityInfo)
	structured.SetBody(otellog.MapValue(
		otellog.String("msg", "kyc submitted"),
		otellog.Map("applicant", otellog.String("ssn", e2eSSN), otellog.String("iban", e2eIBAN)),
		otellog.Slice("keys", otellog.StringValue(e2eAWS), otellog.StringValue("harmless")),
	))
	logger.Emit(ctx, structured)
	require.NoError(t, lp.Shutdown(ctx))

	// Traces: db.statement, url.full, an exception event and the status message.
	traceExp, err := otlptracegrpc.New(ctx, otlptracegrpc.WithInsecure(), otlptracegrpc.WithEndpoint(endpoint))
	require.NoError(t, err)
	tp := sdktrace.NewTracerProvider(sdktrace.WithResource(newResource("redaction-e2e")), sdktrace.WithSyncer(traceExp))
	_, span := tp.Tracer("e2e-redaction").Start(ctx, "SELECT payments", trace.WithAttributes(
		attribute.String("db.statement", "SELECT * FROM payments WHERE pan = '"+e2eCard+"' AND email = '"+e2eEmail+"'"),
		attribute.String("url.full", "https://api.example.com/cb?code=1&access_token="+e2ePassword),
	))
	span.AddEvent("exception", trace.WithAttributes(
		attribute.String("exception.message", "auth failed for "+e2eGitHub+" ("+e2eAWS+")"),
	))
	span.SetStatus(codes.Error, "declined for "+e2eEmail)
	span.End()
	require.NoError(t, tp.Shutdown(ctx))

	waitForLines(t, c.Path("logs.jsonl"), 1)
	waitForTrace(t, c.Path("traces.jsonl"), span.SpanContext().TraceID().String(), 1)
	var logsRaw, tracesRaw []byte
	waitFor(t, "both log records", func() bool {
		logsRaw, _ = os.ReadFile(c.Path("logs.jsonl"))
		return strings.Contains(string(logsRaw), "kyc submitted") && strings.Contains(string(logsRaw), "payment failed")
	})
	tracesRaw, err = os.ReadFile(c.Path("traces.jsonl"))
	require.NoError(t, err)
	out := string(logsRaw) + string(tracesRaw)

	for name, secret := range map[string]string{
		"card": e2eCard, "email": e2eEmail, "password": e2ePassword, "github": e2eGitHub, "aws": e2eAWS,
		"jwt": e2eJWT, "ssn": e2eSSN, "iban": e2eIBAN,
	} {
		assert.NotContains(t, out, secret, "%s leaked through the pipeline", name)
	}
	assert.Contains(t, out, "****1111", "partial action keeps the last four digits")
	assert.Contains(t, out, "harmless", "values without secrets pass unchanged")
	assert.Contains(t, out, "SELECT * FROM payments WHERE pan = ", "statement text around the secret is kept")

	// The processor's own counters reach the collector's telemetry.
	waitFor(t, "pii_redaction telemetry", func() bool {
		resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/metrics", telemetry))
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return strings.Contains(string(body), "otelcol_processor_log_redaction_redactions")
	})
}
