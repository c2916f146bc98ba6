package datadogreceiver // import "github.com/otelcol-bridge/otelcol-bridge/receiver/datadogreceiver"

import (
	"mime"

	"github.com/otelcol-bridge/otelcol-bridge/components/datadog"
)

// encodingOf maps a Content-Type to the body encoding. As in the Agent, an
// empty type on /v0.3 and /v0.4 means JSON; the other tracer versions are
// msgpack, and the Agent's /api/v0.2/traces is protobuf.
func encodingOf(contentType string, proto datadog.Protocol) (datadog.Encoding, bool) {
	if proto == datadog.AgentV02 {
		if contentType == "" || isProtobuf(contentType) {
			return datadog.Protobuf, true
		}
		return 0, false
	}
	jsonAllowed := proto == datadog.V03 || proto == datadog.V04
	if contentType == "" {
		if jsonAllowed {
			return datadog.JSON, true
		}
		return datadog.Msgpack, true
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return 0, false
	}
	switch mt {
	case "application/msgpack", "application/x-msgpack", "application/vnd.msgpack":
		return datadog.Msgpack, true
	case "application/json", "text/json":
		return datadog.JSON, jsonAllowed
	}
	return 0, false
}

func isProtobuf(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && (mt == "application/x-protobuf" || mt == "application/protobuf")
}

func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && (mt == "application/json" || mt == "text/json")
}
