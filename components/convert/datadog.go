package convert

import (
	"io"

	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-bridge/otelcol-bridge/components/datadog"
	"github.com/otelcol-bridge/otelcol-bridge/components/loadgen"
)

const datadogLost = "resource attributes other than service, env, version and host; scope; span links and events " +
	"(before v0.7/v1.0 they travel as _dd.span_links/events JSON tags when present); status message unless an error; " +
	"span kind becomes a span.kind tag; attribute types other than string and float64"

func init() {
	for _, f := range []struct {
		name, desc string
		proto      datadog.Protocol
		enc        datadog.Encoding
		out        loadgen.Protocol
	}{
		{"datadog-v04", "Datadog trace intake v0.4, msgpack (PUT /v0.4/traces on 8126)", datadog.V04, datadog.Msgpack, loadgen.DatadogV04},
		{"datadog-v04-json", "Datadog trace intake v0.4, JSON; read only", datadog.V04, datadog.JSON, ""},
		{"datadog-v05", "Datadog trace intake v0.5, msgpack with a string table", datadog.V05, datadog.Msgpack, loadgen.DatadogV05},
		{"datadog-v07", "Datadog trace intake v0.7, msgpack chunks; read only", datadog.V07, datadog.Msgpack, ""},
		{"datadog-v1", "Datadog trace intake v1.0, msgpack with streaming strings (dd-trace-go v2)", datadog.V10, datadog.Msgpack, loadgen.DatadogV1},
	} {
		register(&Format{
			Name:        f.name,
			Description: f.desc,
			Lost:        datadogLost,
			decode:      decodeDatadog(f.proto, f.enc),
			encode:      encodeDatadog(f.out),
		})
	}
}

// The receiver's defaults: spans named after the resource, rejected chunks kept.
var ddTranslator = datadog.NewTranslator(datadog.Options{SpanName: datadog.SpanNameFromResource})

func decodeDatadog(proto datadog.Protocol, enc datadog.Encoding) func([]byte, func(ptrace.Traces) error) error {
	return single(func(b []byte) (ptrace.Traces, error) {
		td, _, err := ddTranslator.Translate(proto, enc, b, datadog.Payload{})
		return td, err
	})
}

func encodeDatadog(p loadgen.Protocol) func(io.Writer, ptrace.Traces) error {
	if p == "" {
		return nil
	}
	return func(w io.Writer, td ptrace.Traces) error {
		b, err := loadgen.Encode(p, td)
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	}
}
