package zipkinreceiver // import "github.com/otelcol-bridge/otelcol-bridge/receiver/zipkinreceiver"

import (
	"mime"
	"net/http"
	"strings"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/translator/zipkin/zipkinv1"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/translator/zipkin/zipkinv2"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-bridge/otelcol-bridge/components/zipkin"
)

// format is a body format; its value is the format attribute of the
// receiver's own metrics.
type format string

const (
	v1JSON   format = "v1_json"
	v1Thrift format = "v1_thrift"
	v2JSON   format = "v2_json"
	v2Proto  format = "v2_proto"
)

var formats = []format{v1JSON, v1Thrift, v2JSON, v2Proto}

// transport is the transport label contrib's receiver gives the standard
// receiver metrics.
func (f format) transport() string {
	switch f {
	case v1JSON:
		return "http_v1_json"
	case v1Thrift:
		return "http_v1_thrift"
	case v2Proto:
		return "http_v2_proto"
	}
	return "http_v2_json"
}

func (f format) receiverTag() string {
	if f == v1JSON || f == v1Thrift {
		return "zipkinV1"
	}
	return "zipkinV2"
}

// formatOf picks the format as contrib's receiver does: any path containing
// api/v1/spans is v1, everything else v2; the media type chooses Thrift or
// protobuf (parameters such as charset are allowed, and application/protobuf
// is accepted too), else JSON.
func formatOf(req *http.Request) format {
	mt, _, _ := mime.ParseMediaType(req.Header.Get("Content-Type"))
	if strings.Contains(req.URL.Path, "api/v1/spans") {
		if mt == "application/x-thrift" {
			return v1Thrift
		}
		return v1JSON
	}
	if mt == "application/x-protobuf" || mt == "application/protobuf" {
		return v2Proto
	}
	return v2JSON
}

// decodeFunc translates a body; rejected counts the invalid spans dropped
// from a body whose valid spans are returned.
type decodeFunc func(body []byte, hdr http.Header) (td ptrace.Traces, rejected int, err error)

// decoders returns the translation of each format: components/zipkin (unless
// own is false: contrib's translators then honour non-default feature gates).
func decoders(parseStringTags, own bool) map[format]decodeFunc {
	opt := zipkin.Options{ParseStringTags: parseStringTags}
	all := func(u ptrace.Unmarshaler) decodeFunc {
		return func(body []byte, _ http.Header) (ptrace.Traces, int, error) {
			td, err := u.UnmarshalTraces(body)
			if err != nil {
				return ptrace.NewTraces(), 0, err
			}
			return td, 0, nil
		}
	}
	m := map[format]decodeFunc{
		v1JSON:   all(zipkinv1.NewJSONTracesUnmarshaler(parseStringTags)),
		v1Thrift: all(zipkinv1.NewThriftTracesUnmarshaler()),
	}
	if own {
		m[v1Thrift] = func(body []byte, _ http.Header) (ptrace.Traces, int, error) {
			td, res, err := zipkin.DecodeV1Thrift(body, opt)
			return td, res.Rejected, err
		}
		m[v1JSON] = func(body []byte, _ http.Header) (ptrace.Traces, int, error) {
			td, res, err := zipkin.DecodeV1JSON(body, opt)
			return td, res.Rejected, err
		}
		m[v2JSON] = func(body []byte, _ http.Header) (ptrace.Traces, int, error) {
			td, res, err := zipkin.DecodeV2JSON(body, opt)
			return td, res.Rejected, err
		}
		m[v2Proto] = func(body []byte, _ http.Header) (ptrace.Traces, int, error) {
			td, res, err := zipkin.DecodeV2Proto(body, opt)
			return td, res.Rejected, err
		}
		return m
	}
	m[v2JSON] = all(zipkinv2.NewJSONTracesUnmarshaler(parseStringTags))
	proto := all(zipkinv2.NewProtobufTracesUnmarshaler(false, parseStringTags))
	debug := all(zipkinv2.NewProtobufTracesUnmarshaler(true, parseStringTags))
	m[v2Proto] = func(body []byte, hdr http.Header) (ptrace.Traces, int, error) {
		// X-B3-Flags: 1 sets zipkin-go's Debug flag, which the translation
		// ignores; kept for parity with contrib's receiver.
		if hdr.Get("X-B3-Flags") == "1" {
			return debug(body, hdr)
		}
		return proto(body, hdr)
	}
	return m
}
