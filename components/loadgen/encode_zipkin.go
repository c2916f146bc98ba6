package loadgen

import (
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/translator/zipkin/zipkinv2"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// encodeZipkin is a Zipkin v2 span list as zipkin-go's HTTP reporter posts it to
// /api/v2/spans (JSON, or zipkin-go's proto3 serializer), from contrib's translator.
func encodeZipkin(td ptrace.Traces, proto bool) ([]byte, error) {
	if proto {
		return zipkinv2.NewProtobufTracesMarshaler().MarshalTraces(td)
	}
	return zipkinv2.NewJSONTracesMarshaler().MarshalTraces(td)
}
