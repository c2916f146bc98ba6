package datadog

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
)

// JSON bodies (old tracers, curl) on /v0.3 and /v0.4: an array of traces, each
// an array of spans with the same keys as the msgpack form. Ids are read from
// JSON numbers without going through float64, and from strings too.

type jsonUint64 uint64

func (u *jsonUint64) UnmarshalJSON(b []byte) error {
	b = bytes.Trim(b, `"`)
	if len(b) == 0 || string(b) == "null" {
		*u = 0
		return nil
	}
	if v, err := strconv.ParseUint(string(b), 10, 64); err == nil {
		*u = jsonUint64(v)
		return nil
	}
	if v, err := strconv.ParseInt(string(b), 10, 64); err == nil {
		*u = jsonUint64(uint64(v))
		return nil
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil || f < 0 || f >= 1<<64 {
		return fmt.Errorf("invalid id %q", b)
	}
	*u = jsonUint64(f)
	return nil
}

type jsonInt64 int64

func (i *jsonInt64) UnmarshalJSON(b []byte) error {
	b = bytes.Trim(b, `"`)
	if len(b) == 0 || string(b) == "null" {
		*i = 0
		return nil
	}
	if v, err := strconv.ParseInt(string(b), 10, 64); err == nil {
		*i = jsonInt64(v)
		return nil
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil || f >= 1<<63 || f < -(1<<63) {
		return fmt.Errorf("invalid integer %q", b)
	}
	*i = jsonInt64(f)
	return nil
}

type jsonSpan struct {
	Service     string             `json:"service"`
	Name        string             `json:"name"`
	Resource    string             `json:"resource"`
	Type        string             `json:"type"`
	TraceID     jsonUint64         `json:"trace_id"`
	TraceIDHigh jsonUint64         `json:"trace_id_high"`
	SpanID      jsonUint64         `json:"span_id"`
	ParentID    jsonUint64         `json:"parent_id"`
	Start       jsonInt64          `json:"start"`
	Duration    jsonInt64          `json:"duration"`
	Error       jsonInt64          `json:"error"`
	Meta        map[string]string  `json:"meta"`
	Metrics     map[string]float64 `json:"metrics"`
	SpanLinks   []jsonLink         `json:"span_links"`
}

type jsonLink struct {
	TraceID     jsonUint64        `json:"trace_id"`
	TraceIDHigh jsonUint64        `json:"trace_id_high"`
	SpanID      jsonUint64        `json:"span_id"`
	Attributes  map[string]string `json:"attributes"`
	Tracestate  string            `json:"tracestate"`
	Flags       jsonUint64        `json:"flags"`
}

// decodeJSON decodes traces one by one, so the traces before a malformed one
// are still emitted.
func (d *decoder) decodeJSON(b []byte, emit emitFunc) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
		return fmt.Errorf("traces: expected a JSON array")
	}
	for i := 0; dec.More(); i++ {
		var trace []jsonSpan
		if err := dec.Decode(&trace); err != nil {
			return fmt.Errorf("trace %d: %w", i, err)
		}
		d.chunk.reset()
		for _, js := range trace {
			s := d.chunk.newSpan()
			s.Service, s.Name, s.Resource, s.Type = js.Service, js.Name, js.Resource, js.Type
			s.TraceID, s.TraceIDHigh = uint64(js.TraceID), uint64(js.TraceIDHigh)
			s.SpanID, s.ParentID = uint64(js.SpanID), uint64(js.ParentID)
			s.Start, s.Duration, s.Error = int64(js.Start), int64(js.Duration), js.Error != 0
			for _, k := range slices.Sorted(maps.Keys(js.Meta)) {
				s.addStr(k, js.Meta[k])
			}
			for _, k := range slices.Sorted(maps.Keys(js.Metrics)) {
				s.addNum(k, js.Metrics[k])
			}
			for _, jl := range js.SpanLinks {
				l := s.newLink()
				l.TraceID, l.TraceIDHigh, l.SpanID = uint64(jl.TraceID), uint64(jl.TraceIDHigh), uint64(jl.SpanID)
				l.Tracestate, l.Flags = jl.Tracestate, uint32(jl.Flags)
				for _, k := range slices.Sorted(maps.Keys(jl.Attributes)) {
					s.bud.appendAttr(&l.Attrs, Attr{Key: k, Type: AttrString, Str: jl.Attributes[k]})
				}
			}
			if err := d.chunk.spent(); err != nil {
				return err
			}
		}
		if err := emit(&d.payload, &d.chunk); err != nil {
			return err
		}
	}
	return nil
}
