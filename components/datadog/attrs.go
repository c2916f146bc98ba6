package datadog

import (
	"strconv"
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

// putAttrValue writes a decoded attribute value into dst.
func putAttrValue(dst pcommon.Value, a *Attr) {
	switch a.Type {
	case AttrString:
		dst.SetStr(a.Str)
	case AttrBool:
		dst.SetBool(a.Bool)
	case AttrDouble:
		dst.SetDouble(a.Num)
	case AttrInt:
		dst.SetInt(a.Int)
	case AttrBytes, AttrMetaStruct:
		dst.SetEmptyBytes().FromRaw(a.Bytes)
	case AttrValue:
		a.Value.CopyTo(dst)
	}
}

// valueKind says how a renamed tag's value must be typed under its new name.
type valueKind uint8

const (
	keepValue valueKind = iota
	intValue
)

// otelKey maps a Datadog tag key to its current OpenTelemetry semantic
// convention name (see the README's mapping table). Keys without a
// convention equivalent are kept as they are.
func otelKey(key string) (string, valueKind) {
	switch key {
	case "http.method":
		return "http.request.method", keepValue
	case "http.status_code":
		return "http.response.status_code", intValue
	case "http.url":
		return "url.full", keepValue
	case "http.useragent":
		return "user_agent.original", keepValue
	case "http.client_ip", "network.client.ip":
		return "client.address", keepValue
	case "out.host":
		return "server.address", keepValue
	case "out.port":
		return "server.port", intValue
	case "db.name":
		return "db.namespace", keepValue
	case "db.system":
		return "db.system.name", keepValue
	case "db.statement", "sql.query":
		return "db.query.text", keepValue
	case "db.row_count":
		return "db.response.returned_rows", intValue
	case "process_id":
		return "process.pid", intValue
	case "grpc.code":
		return "rpc.grpc.status_code", intValue
	}
	if rest, ok := strings.CutPrefix(key, "http.request.headers."); ok {
		return "http.request.header." + rest, keepValue
	}
	if rest, ok := strings.CutPrefix(key, "http.response.headers."); ok {
		return "http.response.header." + rest, keepValue
	}
	return key, keepValue
}

// putSpanAttr writes a span tag under its OpenTelemetry name. A value that
// the convention types as an integer is converted when it is one; otherwise it
// stays under its Datadog key, unchanged.
func putSpanAttr(m pcommon.Map, a *Attr) {
	key, kind := otelKey(a.Key)
	if kind == intValue {
		switch a.Type {
		case AttrString:
			if v, err := strconv.ParseInt(a.Str, 10, 64); err == nil {
				m.PutInt(key, v)
				return
			}
			key = a.Key
		case AttrDouble:
			if a.Num == float64(int64(a.Num)) {
				m.PutInt(key, int64(a.Num))
				return
			}
			key = a.Key
		}
	}
	putAttrValue(m.PutEmpty(key), a)
}

// spanAttrRaw is putSpanAttr for bulk maps: the key and the value as
// pcommon.Value.FromRaw takes it.
func spanAttrRaw(a *Attr) (string, any) {
	key, kind := otelKey(a.Key)
	if kind == intValue {
		switch a.Type {
		case AttrString:
			if v, err := strconv.ParseInt(a.Str, 10, 64); err == nil {
				return key, v
			}
			key = a.Key
		case AttrDouble:
			if a.Num == float64(int64(a.Num)) {
				return key, int64(a.Num)
			}
			key = a.Key
		}
	}
	return key, attrRaw(a)
}
