package convert

import (
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/translator/zipkin/zipkinv1"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/translator/zipkin/zipkinv2"
)

// Zipkin has one endpoint per span and string tags; contrib's translator carries the rest of
// the resource as tags. parse_string_tags stays off, as in the zipkin receiver's default.
const zipkinLost = "span links, array and map attribute values, scope attributes, nanoseconds (microsecond precision); " +
	"resource attributes ride as tags on every span and come back on the spans as well as the resource"

func init() {
	register(&Format{
		Name:        "zipkin-json",
		Description: "Zipkin v2 JSON: a span list (the body of POST /api/v2/spans, what /api/v2/trace/{id} returns)",
		Lost:        zipkinLost,
		decode:      unmarshaler(zipkinv2.NewJSONTracesUnmarshaler(false)),
		encode:      marshaler(zipkinv2.NewJSONTracesMarshaler()),
		frame:       &jsonFrame{prefix: "[", suffix: "]"},
	})
	register(&Format{
		Name:        "zipkin-proto",
		Description: "Zipkin v2 protobuf: a ListOfSpans (POST /api/v2/spans with application/x-protobuf)",
		Lost:        zipkinLost,
		decode:      unmarshaler(zipkinv2.NewProtobufTracesUnmarshaler(false, false)),
		encode:      marshaler(zipkinv2.NewProtobufTracesMarshaler()),
		stream:      true,
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
