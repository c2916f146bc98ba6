package convert

import (
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/translator/zipkin/zipkinv1"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/translator/zipkin/zipkinv2"
)

// Zipkin keeps one endpoint per span: of the resource only service.name survives (and the
// endpoint's address); parse_string_tags stays off, as in the zipkin receiver's default.
const zipkinLost = "resource attributes other than service.name, scope name and version (kept as otel.scope.* tags), " +
	"span links, event attributes (annotations are strings), status message types, nanoseconds (microsecond precision), " +
	"typed attributes (every tag is a string)"

func init() {
	register(&Format{
		Name:        "zipkin-json",
		Description: "Zipkin v2 JSON: a span list (the body of POST /api/v2/spans, what /api/v2/trace/{id} returns)",
		Lost:        zipkinLost,
		decode:      unmarshaler(zipkinv2.NewJSONTracesUnmarshaler(false)),
		encode:      marshaler(zipkinv2.NewJSONTracesMarshaler()),
	})
	register(&Format{
		Name:        "zipkin-proto",
		Description: "Zipkin v2 protobuf: a ListOfSpans (POST /api/v2/spans with application/x-protobuf)",
		Lost:        zipkinLost,
		decode:      unmarshaler(zipkinv2.NewProtobufTracesUnmarshaler(false, false)),
		encode:      marshaler(zipkinv2.NewProtobufTracesMarshaler()),
	})
	register(&Format{
		Name:        "zipkin-v1-json",
		Description: "Zipkin v1 JSON (POST /api/v1/spans); read only: contrib has no v1 encoder",
		Lost:        zipkinLost + "; v1 splits client and server into one span with annotations",
		decode:      unmarshaler(zipkinv1.NewJSONTracesUnmarshaler(false)),
	})
	register(&Format{
		Name:        "zipkin-v1-thrift",
		Description: "Zipkin v1 Thrift: a list of zipkincore spans (POST /api/v1/spans with application/x-thrift); read only",
		Lost:        zipkinLost + "; v1 splits client and server into one span with annotations",
		decode:      unmarshaler(zipkinv1.NewThriftTracesUnmarshaler()),
	})
}
