package zipkin

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// Span links and span events travel in Zipkin as an OTel exporter encodes
// them: tags "otlp.link.N" = "traceid|spanid|tracestate|{json attrs}|dropped"
// and annotations "name|{json attrs}|dropped". Their embedded JSON is rare and
// small, so it is read with encoding/json, once per link or event, exactly as
// contrib's translator reads it; a malformed one fails the span, as it fails
// contrib's whole request.

// collectLinks returns the tag indexes of otlp.link.0, otlp.link.1, ... up
// to the first missing N (contrib stops there; later ones stay attributes).
func (s *span) collectLinks(links *[maxLinks]int32) int {
	var pos [maxLinks]int32
	for i := range pos {
		pos[i] = -1
	}
	for i := range s.tags {
		if t := &s.tags[i]; !t.drop && t.link >= 0 {
			pos[t.link] = int32(i)
		}
	}
	n := 0
	for n < maxLinks && pos[n] >= 0 {
		links[n] = pos[n]
		n++
	}
	return n
}

func (s *span) checkLinks(links []int32) error {
	for _, i := range links {
		if err := parseLink(s.tags[i].value, ptrace.SpanLink{}, false); err != nil {
			return err
		}
	}
	return nil
}

func (s *span) fillLinks(links []int32, dst ptrace.SpanLinkSlice) {
	for _, i := range links {
		t := &s.tags[i]
		t.drop = true
		if strings.Count(t.value, "|") < 4 {
			continue
		}
		_ = parseLink(t.value, dst.AppendEmpty(), true)
	}
}

func parseLink(v string, dst ptrace.SpanLink, write bool) error {
	if strings.Count(v, "|") < 4 {
		return nil
	}
	first := strings.IndexByte(v, '|')
	rest := v[first+1:]
	second := strings.IndexByte(rest, '|')
	spanPart := rest[:second]
	rest = rest[second+1:]
	third := strings.IndexByte(rest, '|')
	traceState := rest[:third]
	rest = rest[third+1:]
	last := strings.LastIndexByte(rest, '|')
	attrJSON, dropped := rest[:last], rest[last+1:]

	var tid [16]byte
	if err := decodeHexID(tid[:], v[:first]); err != nil {
		return err
	}
	var sid [8]byte
	if err := decodeHexID(sid[:], spanPart); err != nil {
		return err
	}
	attrs, err := jsonAttrs(attrJSON)
	if err != nil {
		return err
	}
	n, err := strconv.ParseUint(dropped, 10, 32)
	if err != nil {
		return err
	}
	if write {
		dst.SetTraceID(tid)
		dst.SetSpanID(sid)
		dst.TraceState().FromRaw(traceState)
		putJSONAttrs(attrs, dst.Attributes())
		dst.SetDroppedAttributesCount(uint32(n))
	}
	return nil
}

// decodeHexID reads a link's hex id like contrib does: optional quotes, empty
// means the zero id, otherwise exactly twice len(dst) hex digits.
func decodeHexID(dst []byte, src string) error {
	if l := len(src); l >= 2 && src[0] == '"' && src[l-1] == '"' {
		src = src[1 : l-1]
	}
	if src == "" {
		return nil
	}
	if len(dst) != hex.DecodedLen(len(src)) {
		return errors.New("invalid length for ID")
	}
	if _, err := hex.Decode(dst, []byte(src)); err != nil {
		return fmt.Errorf("cannot unmarshal ID from string '%s': %w", src, err)
	}
	return nil
}

func jsonAttrs(s string) (map[string]any, error) {
	var attrs map[string]any
	if err := json.Unmarshal([]byte(s), &attrs); err != nil {
		return nil, err
	}
	return attrs, nil
}

// putJSONAttrs keeps strings, numbers (integral ones as ints) and booleans,
// and skips the rest, as contrib does.
func putJSONAttrs(attrs map[string]any, dst pcommon.Map) {
	for k, v := range attrs {
		switch x := v.(type) {
		case string:
			dst.PutStr(k, x)
		case float64:
			if math.Mod(x, 1.0) == 0.0 {
				dst.PutInt(k, int64(x))
			} else {
				dst.PutDouble(k, x)
			}
		case bool:
			dst.PutBool(k, x)
		}
	}
}

// splitEvent splits "name|{json}|dropped"; ok is false for a plain annotation.
func splitEvent(v string) (name, attrJSON, dropped string, ok bool) {
	first := strings.IndexByte(v, '|')
	if first < 0 {
		return v, "", "", false
	}
	last := strings.LastIndexByte(v, '|')
	if last == first {
		return v[:first], "", "", false
	}
	return v[:first], v[first+1 : last], v[last+1:], true
}

func (s *span) checkEvents() error {
	for i := range s.annotations {
		_, attrJSON, dropped, ok := splitEvent(s.annotations[i].value)
		if !ok {
			continue
		}
		if _, err := jsonAttrs(attrJSON); err != nil {
			return err
		}
		if _, err := strconv.ParseUint(dropped, 10, 32); err != nil {
			return err
		}
	}
	return nil
}

func (s *span) fillEvents(dst ptrace.SpanEventSlice) {
	dst.EnsureCapacity(len(s.annotations))
	for i := range s.annotations {
		a := &s.annotations[i]
		e := dst.AppendEmpty()
		e.SetTimestamp(pcommon.Timestamp(a.ts))
		name, attrJSON, dropped, ok := splitEvent(a.value)
		e.SetName(name)
		if !ok {
			continue
		}
		attrs, _ := jsonAttrs(attrJSON)
		putJSONAttrs(attrs, e.Attributes())
		n, _ := strconv.ParseUint(dropped, 10, 32)
		e.SetDroppedAttributesCount(uint32(n))
	}
}
