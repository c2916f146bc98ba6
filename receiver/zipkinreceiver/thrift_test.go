package zipkinreceiver

import (
	"context"
	"net/http"
	"testing"

	"github.com/apache/thrift/lib/go/thrift"
	"github.com/jaegertracing/jaeger-idl/thrift-gen/zipkincore"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/ptracetest"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/translator/zipkin/zipkinv1"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer/consumertest"
)

// thriftBody encodes spans as Zipkin v1 tracers post them: a Thrift binary
// list of zipkincore.Span.
func thriftBody(t *testing.T, spans ...*zipkincore.Span) []byte {
	ctx := context.Background()
	buf := thrift.NewTMemoryBuffer()
	p := thrift.NewTBinaryProtocolConf(buf, &thrift.TConfiguration{})
	require.NoError(t, p.WriteListBegin(ctx, thrift.STRUCT, len(spans)))
	for _, s := range spans {
		require.NoError(t, s.Write(ctx, p))
	}
	require.NoError(t, p.WriteListEnd(ctx))
	return buf.Bytes()
}

// v1 Thrift is read by contrib's deserializer and translated by
// components/zipkin: what arrives is exactly contrib's translation.
func TestV1ThriftMatchesContrib(t *testing.T) {
	parent := int64(7)
	ts, dur := int64(1_700_000_000_000_000), int64(1500)
	ep := &zipkincore.Endpoint{Ipv4: 0x0a010203, Port: 8080, ServiceName: "checkout"}
	body := thriftBody(t, &zipkincore.Span{
		TraceID: 1, ID: 2, ParentID: &parent, Name: "get /orders", Timestamp: &ts, Duration: &dur,
		Annotations: []*zipkincore.Annotation{
			{Timestamp: ts, Value: "sr", Host: ep},
			{Timestamp: ts + dur, Value: "ss", Host: ep},
		},
		BinaryAnnotations: []*zipkincore.BinaryAnnotation{
			{Key: "http.path", Value: []byte("/orders"), AnnotationType: zipkincore.AnnotationType_STRING, Host: ep},
		},
	})
	want, err := zipkinv1.NewThriftTracesUnmarshaler().UnmarshalTraces(body)
	require.NoError(t, err)
	require.Equal(t, 1, want.SpanCount())

	sink := new(consumertest.TracesSink)
	url := start(t, sink, nil)
	status, msg := post(t, url+"/api/v1/spans", "application/x-thrift", "", body)
	require.Equal(t, http.StatusAccepted, status, msg)
	require.NoError(t, ptracetest.CompareTraces(want, received(sink)))

	status, msg = post(t, url+"/api/v1/spans", "application/x-thrift", "", body[:len(body)/2])
	require.Equal(t, http.StatusBadRequest, status)
	require.NotEmpty(t, msg)
}
