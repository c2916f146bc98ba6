package loadgen

import (
	"fmt"
	"net"
	"net/url"
	"sort"
	"strings"
)

// Protocol is a wire protocol the generator speaks.
type Protocol string

// The protocols, named as on the command line.
const (
	OTLPGRPC         Protocol = "otlp-grpc"
	OTLPHTTP         Protocol = "otlp-http"
	OTLPHTTPJSON     Protocol = "otlp-http-json"
	JaegerThriftHTTP Protocol = "jaeger-thrift-http"
	JaegerUDPCompact Protocol = "jaeger-udp-compact"
	JaegerUDPBinary  Protocol = "jaeger-udp-binary"
	JaegerGRPC       Protocol = "jaeger-grpc"
	ZipkinJSON       Protocol = "zipkin-json"
	ZipkinProto      Protocol = "zipkin-proto"
	DatadogV04       Protocol = "datadog-v04"
	DatadogV05       Protocol = "datadog-v05"
	DatadogV1        Protocol = "datadog-v1"
)

type transport uint8

const (
	transportHTTP transport = iota
	transportGRPC
	transportUDP
)

// protocolInfo is what the sender needs to know about a protocol.
type protocolInfo struct {
	transport   transport
	defaultAddr string // host:port
	path        string // HTTP path, or the gRPC method
	contentType string
	// signals lists the signals the protocol carries; traces only except OTLP.
	signals []Signal
}

var allSignals = []Signal{Traces, Metrics, Logs}

var protocols = map[Protocol]protocolInfo{
	OTLPGRPC:         {transportGRPC, "127.0.0.1:4317", "", "", allSignals},
	OTLPHTTP:         {transportHTTP, "127.0.0.1:4318", "", "application/x-protobuf", allSignals},
	OTLPHTTPJSON:     {transportHTTP, "127.0.0.1:4318", "", "application/json", allSignals},
	JaegerThriftHTTP: {transportHTTP, "127.0.0.1:14268", "/api/traces", "application/x-thrift", nil},
	JaegerUDPCompact: {transportUDP, "127.0.0.1:6831", "", "", nil},
	JaegerUDPBinary:  {transportUDP, "127.0.0.1:6832", "", "", nil},
	JaegerGRPC:       {transportGRPC, "127.0.0.1:14250", "/jaeger.api_v2.CollectorService/PostSpans", "", nil},
	ZipkinJSON:       {transportHTTP, "127.0.0.1:9411", "/api/v2/spans", "application/json", nil},
	ZipkinProto:      {transportHTTP, "127.0.0.1:9411", "/api/v2/spans", "application/x-protobuf", nil},
	DatadogV04:       {transportHTTP, "127.0.0.1:8126", "/v0.4/traces", "application/msgpack", nil},
	DatadogV05:       {transportHTTP, "127.0.0.1:8126", "/v0.5/traces", "application/msgpack", nil},
	DatadogV1:        {transportHTTP, "127.0.0.1:8126", "/v1.0/traces", "application/msgpack", nil},
}

// Protocols lists every protocol name, sorted.
func Protocols() []string {
	names := make([]string, 0, len(protocols))
	for p := range protocols {
		names = append(names, string(p))
	}
	sort.Strings(names)
	return names
}

// ParseProtocol accepts a protocol name as listed by Protocols.
func ParseProtocol(s string) (Protocol, error) {
	p := Protocol(strings.ToLower(strings.TrimSpace(s)))
	if _, ok := protocols[p]; !ok {
		return "", fmt.Errorf("unknown protocol %q (one of: %s)", s, strings.Join(Protocols(), ", "))
	}
	return p, nil
}

// Signal is the kind of telemetry sent.
type Signal string

// Signals. Only OTLP carries metrics and logs.
const (
	Traces  Signal = "traces"
	Metrics Signal = "metrics"
	Logs    Signal = "logs"
)

// ParseSignal accepts traces, metrics or logs.
func ParseSignal(s string) (Signal, error) {
	switch sig := Signal(strings.ToLower(strings.TrimSpace(s))); sig {
	case Traces, Metrics, Logs:
		return sig, nil
	}
	return "", fmt.Errorf("unknown signal %q (one of: traces, metrics, logs)", s)
}

func (p Protocol) supports(sig Signal) bool {
	if sig == Traces {
		return true
	}
	for _, s := range protocols[p].signals {
		if s == sig {
			return true
		}
	}
	return false
}

// otlpPath is the OTLP/HTTP path and gRPC method of a signal.
func otlpPath(sig Signal) (httpPath, grpcMethod string) {
	switch sig {
	case Metrics:
		return "/v1/metrics", "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export"
	case Logs:
		return "/v1/logs", "/opentelemetry.proto.collector.logs.v1.LogsService/Export"
	}
	return "/v1/traces", "/opentelemetry.proto.collector.trace.v1.TraceService/Export"
}

// resolveEndpoint turns the --endpoint value into what the transport dials: host:port for
// gRPC and UDP, a URL for HTTP ("host:port" gets the protocol's path; a URL is kept as is).
func resolveEndpoint(p Protocol, sig Signal, endpoint string) (string, error) {
	info := protocols[p]
	if endpoint == "" {
		endpoint = info.defaultAddr
	}
	path := info.path
	if p == OTLPHTTP || p == OTLPHTTPJSON {
		path, _ = otlpPath(sig)
	}
	switch info.transport {
	case transportHTTP:
		if strings.Contains(endpoint, "://") {
			u, err := url.Parse(endpoint)
			if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
				return "", fmt.Errorf("endpoint %q: want host:port or an http(s) URL", endpoint)
			}
			if u.Path == "" || u.Path == "/" {
				u.Path = path
			}
			return u.String(), nil
		}
		if _, _, err := net.SplitHostPort(endpoint); err != nil {
			return "", fmt.Errorf("endpoint %q: want host:port or an http(s) URL: %w", endpoint, err)
		}
		return "http://" + endpoint + path, nil
	default:
		if strings.Contains(endpoint, "://") {
			return "", fmt.Errorf("endpoint %q: %s wants host:port, not a URL", endpoint, p)
		}
		if _, _, err := net.SplitHostPort(endpoint); err != nil {
			return "", fmt.Errorf("endpoint %q: want host:port: %w", endpoint, err)
		}
		return endpoint, nil
	}
}
