package semconv

import (
	"net"
	"strconv"
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// converter turns a legacy attribute's value into the attributes to write; ok=false leaves
// the legacy attribute alone (its value is not one the rule understands). The named
// functions below build the converters of the rule table.
type converter func(v pcommon.Value, t *target) (out []output, ok bool)

func copyOf(v pcommon.Value) pcommon.Value {
	c := pcommon.NewValueEmpty()
	v.CopyTo(c)
	return c
}

func one(key string, val pcommon.Value) []output { return []output{{key: key, val: val}} }

func rename(to string) converter {
	return func(v pcommon.Value, _ *target) ([]output, bool) {
		return one(to, copyOf(v)), true
	}
}

func strOnly(conv converter) converter {
	return func(v pcommon.Value, t *target) ([]output, bool) {
		if v.Type() != pcommon.ValueTypeStr {
			return nil, false
		}
		return conv(v, t)
	}
}

// asInt converts what legacy formats send for integer attributes: Zipkin tags are
// strings, some clients send doubles.
func asInt(v pcommon.Value) (int64, bool) {
	switch v.Type() {
	case pcommon.ValueTypeInt:
		return v.Int(), true
	case pcommon.ValueTypeStr:
		i, err := strconv.ParseInt(strings.TrimSpace(v.Str()), 10, 64)
		return i, err == nil
	case pcommon.ValueTypeDouble:
		d := v.Double()
		if d == float64(int64(d)) {
			return int64(d), true
		}
	}
	return 0, false
}

// intValue is the int if v holds one, else v unchanged: a rule never drops a value it cannot
// convert.
func intValue(v pcommon.Value) pcommon.Value {
	if i, ok := asInt(v); ok {
		return pcommon.NewValueInt(i)
	}
	return copyOf(v)
}

func renameInt(to string) converter {
	return func(v pcommon.Value, _ *target) ([]output, bool) {
		return one(to, intValue(v)), true
	}
}

func renameStr(to string) converter {
	return func(v pcommon.Value, _ *target) ([]output, bool) {
		return one(to, pcommon.NewValueStr(v.AsString())), true
	}
}

func renameStrSlice(to string) converter {
	return func(v pcommon.Value, _ *target) ([]output, bool) {
		s := pcommon.NewValueSlice()
		s.Slice().AppendEmpty().SetStr(v.AsString())
		return one(to, s), true
	}
}

func renameValues(to string, values map[string]string) converter {
	return func(v pcommon.Value, _ *target) ([]output, bool) {
		if v.Type() == pcommon.ValueTypeStr {
			if nv, ok := values[v.Str()]; ok {
				return one(to, pcommon.NewValueStr(nv)), true
			}
		}
		return one(to, copyOf(v)), true
	}
}

func peerSide(serverKey, clientKey string, isInt bool) converter {
	return func(v pcommon.Value, t *target) ([]output, bool) {
		key := serverKey
		if t.peerIsClient() {
			key = clientKey
		}
		if isInt {
			return one(key, intValue(v)), true
		}
		return one(key, copyOf(v)), true
	}
}

// hostSide: localKey "" means the attribute has no current form on that side of the call.
func hostSide(serverKey, localKey string, isInt bool) converter {
	return func(v pcommon.Value, t *target) ([]output, bool) {
		key := serverKey
		if !t.hostIsServer() {
			key = localKey
		}
		if key == "" {
			return nil, false
		}
		if isInt {
			return one(key, intValue(v)), true
		}
		return one(key, copyOf(v)), true
	}
}

// SplitTarget splits an HTTP request target (path and query, as in http.target) into the
// path and the query without its `?`. A fragment, which a target should not carry, is cut.
func SplitTarget(target string) (path, query string) {
	if i := strings.IndexByte(target, '#'); i >= 0 {
		target = target[:i]
	}
	path, query, _ = strings.Cut(target, "?")
	return path, query
}

func convHTTPTarget(v pcommon.Value, _ *target) ([]output, bool) {
	if v.Type() != pcommon.ValueTypeStr {
		return nil, false
	}
	path, query := SplitTarget(v.Str())
	out := []output{{key: "url.path", val: pcommon.NewValueStr(path)}}
	if query != "" {
		out = append(out, output{key: "url.query", val: pcommon.NewValueStr(query)})
	}
	return out, true
}

// SplitHostPort splits a Host header value (`example.com`, `example.com:8080`, `[::1]:80`)
// into host and port; port is -1 when there is none or it is not a valid port number.
func SplitHostPort(hostport string) (host string, port int64) {
	h, p, err := net.SplitHostPort(hostport)
	if err != nil {
		return strings.TrimSuffix(strings.TrimPrefix(hostport, "["), "]"), -1
	}
	n, err := strconv.ParseUint(p, 10, 16)
	if err != nil {
		return h, -1
	}
	return h, int64(n)
}

func convHostPort(hostKey, portKey string) converter {
	return func(v pcommon.Value, _ *target) ([]output, bool) {
		if v.Type() != pcommon.ValueTypeStr || v.Str() == "" {
			return nil, false
		}
		host, port := SplitHostPort(v.Str())
		out := []output{{key: hostKey, val: pcommon.NewValueStr(host)}}
		if port >= 0 {
			out = append(out, output{key: portKey, val: pcommon.NewValueInt(port)})
		}
		return out, true
	}
}

func convHTTPFlavor(v pcommon.Value, _ *target) ([]output, bool) {
	s := v.AsString()
	switch strings.ToUpper(s) {
	case "SPDY", "QUIC":
		return one("network.protocol.name", pcommon.NewValueStr(strings.ToLower(s))), true
	case "":
		return nil, false
	}
	version := strings.TrimPrefix(strings.ToUpper(s), "HTTP/")
	switch version {
	case "2.0":
		version = "2"
	case "3.0":
		version = "3"
	}
	return []output{
		{key: "network.protocol.name", val: pcommon.NewValueStr("http")},
		{key: "network.protocol.version", val: pcommon.NewValueStr(version)},
	}, true
}

func convSockFamily(v pcommon.Value, _ *target) ([]output, bool) {
	switch v.AsString() {
	case "inet":
		return one("network.type", pcommon.NewValueStr("ipv4")), true
	case "inet6":
		return one("network.type", pcommon.NewValueStr("ipv6")), true
	case "unix":
		return one("network.transport", pcommon.NewValueStr("unix")), true
	}
	return nil, false
}

// ipv4FromInt writes an IPv4 address that a legacy client sent as a 32-bit integer
// (Jaeger's `ip` process tag, OpenTracing's peer.ipv4) in dotted form.
func ipv4FromInt(i int64) (string, bool) {
	if i < -(1<<31) || i > (1<<32)-1 {
		return "", false
	}
	u := uint32(i)
	return net.IPv4(byte(u>>24), byte(u>>16), byte(u>>8), byte(u)).String(), true
}

func ipString(v pcommon.Value) (string, bool) {
	switch v.Type() {
	case pcommon.ValueTypeStr:
		return v.Str(), v.Str() != ""
	case pcommon.ValueTypeInt:
		return ipv4FromInt(v.Int())
	}
	return "", false
}

func convIPv4(to string) converter {
	return func(v pcommon.Value, _ *target) ([]output, bool) {
		s, ok := ipString(v)
		if !ok {
			return nil, false
		}
		return one(to, pcommon.NewValueStr(s)), true
	}
}

func convJaegerIP(v pcommon.Value, _ *target) ([]output, bool) {
	s, ok := ipString(v)
	if !ok {
		return nil, false
	}
	ips := pcommon.NewValueSlice()
	ips.Slice().AppendEmpty().SetStr(s)
	return one("host.ip", ips), true
}

var jaegerLanguages = map[string]string{
	"go": "go", "golang": "go", "java": "java", "python": "python", "nodejs": "nodejs", "node": "nodejs",
	"javascript": "nodejs", "c#": "dotnet", "csharp": "dotnet", ".net": "dotnet", "dotnet": "dotnet",
	"cpp": "cpp", "c++": "cpp", "ruby": "ruby", "php": "php", "rust": "rust", "erlang": "erlang",
}

// ParseJaegerVersion reads a Jaeger client's version tag (`Go-2.30.0`, or `Jaeger-Go-2.30.0`
// as contrib's translator stores it in opencensus.exporterversion) into an OpenTelemetry
// SDK language (telemetry.sdk.language values where one applies) and version. requirePrefix
// rejects values without the `Jaeger-` prefix, which belong to OpenCensus exporters.
func ParseJaegerVersion(s string, requirePrefix bool) (language, version string, ok bool) {
	rest, hasPrefix := cutPrefixFold(s, "jaeger-")
	if requirePrefix && !hasPrefix {
		return "", "", false
	}
	i := strings.LastIndexByte(rest, '-')
	if i <= 0 || i == len(rest)-1 {
		return "", "", false
	}
	lang, version := strings.ToLower(rest[:i]), rest[i+1:]
	if mapped, known := jaegerLanguages[lang]; known {
		lang = mapped
	}
	return lang, version, true
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return s, false
}

func convJaegerVersion(requirePrefix bool) converter {
	return func(v pcommon.Value, _ *target) ([]output, bool) {
		if v.Type() != pcommon.ValueTypeStr {
			return nil, false
		}
		lang, version, ok := ParseJaegerVersion(v.Str(), requirePrefix)
		if !ok {
			return nil, false
		}
		return []output{
			{key: "telemetry.sdk.name", val: pcommon.NewValueStr("jaeger")},
			{key: "telemetry.sdk.language", val: pcommon.NewValueStr(lang)},
			{key: "telemetry.sdk.version", val: pcommon.NewValueStr(version)},
		}, true
	}
}

// ParseSpanKind reads OpenTracing's span.kind tag (also Zipkin's kinds, in any case).
func ParseSpanKind(s string) (ptrace.SpanKind, bool) {
	switch strings.ToLower(s) {
	case "client":
		return ptrace.SpanKindClient, true
	case "server":
		return ptrace.SpanKindServer, true
	case "producer":
		return ptrace.SpanKindProducer, true
	case "consumer":
		return ptrace.SpanKindConsumer, true
	case "internal":
		return ptrace.SpanKindInternal, true
	}
	return ptrace.SpanKindUnspecified, false
}

func convSpanKind(v pcommon.Value, t *target) ([]output, bool) {
	if !t.isSpan || v.Type() != pcommon.ValueTypeStr {
		return nil, false
	}
	kind, ok := ParseSpanKind(v.Str())
	if !ok {
		return nil, false
	}
	if t.span.Kind() == ptrace.SpanKindUnspecified {
		t.span.SetKind(kind)
		t.kind = kind
	}
	return nil, true
}

func convError(v pcommon.Value, t *target) ([]output, bool) {
	if !t.isSpan {
		return nil, false
	}
	var isError bool
	var message string
	switch v.Type() {
	case pcommon.ValueTypeBool:
		isError = v.Bool()
	case pcommon.ValueTypeStr:
		switch s := v.Str(); strings.ToLower(s) {
		case "false":
		case "true", "":
			isError = true
		default:
			isError, message = true, s
		}
	default:
		return nil, false
	}
	status := t.span.Status()
	if isError && status.Code() == ptrace.StatusCodeUnset {
		status.SetCode(ptrace.StatusCodeError)
	}
	if message != "" && status.Code() == ptrace.StatusCodeError && status.Message() == "" {
		status.SetMessage(message)
	}
	return nil, true
}

// convComponent consumes the tag only when its scope now carries it (see groupByComponent).
func convComponent(v pcommon.Value, t *target) ([]output, bool) {
	if !t.isSpan || v.Type() != pcommon.ValueTypeStr || v.Str() == "" || v.Str() != t.scopeName {
		return nil, false
	}
	return nil, true
}
