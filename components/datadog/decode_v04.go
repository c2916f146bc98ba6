package datadog

import (
	"fmt"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

// emitFunc receives each decoded chunk. The chunk and its spans are reused
// after emitFunc returns.
type emitFunc func(p *Payload, c *Chunk) error

// decodeV04 decodes the v0.3/v0.4 msgpack shape: an array of traces, each an
// array of span maps. A chunk is emitted as soon as it is complete, so an
// error later in the payload does not lose the chunks before it.
func (d *decoder) decodeV04(b []byte, emit emitFunc) error {
	_, err := d.decodeChunks(b, "trace", d.decodeSpanList, emit)
	return err
}

// decodeChunks reads an array of chunks with decode (what names one in
// errors), emitting each as soon as it is complete.
func (d *decoder) decodeChunks(b []byte, what string, decode func([]byte, *Chunk) ([]byte, error), emit emitFunc) ([]byte, error) {
	n, b, err := readArrayHeader(b)
	if err != nil {
		return b, fmt.Errorf("%ss: %w", what, err)
	}
	for i := range n {
		d.chunk.reset()
		if b, err = decode(b, &d.chunk); err != nil {
			return b, fmt.Errorf("%s %d: %w", what, i, err)
		}
		if err = emit(&d.payload, &d.chunk); err != nil {
			return b, err
		}
	}
	return b, nil
}

// decodeSpanList decodes an array of v0.4 span maps into c.
func (d *decoder) decodeSpanList(b []byte, c *Chunk) ([]byte, error) {
	n, b, err := readArrayHeader(b)
	if err != nil {
		return b, err
	}
	for j := range n {
		s := c.newSpan()
		if b, err = decodeSpanV04(b, s); err != nil {
			c.dropLastSpan()
			return b, fmt.Errorf("span %d: %w", j, err)
		}
		if err = c.spent(); err != nil {
			return b, err
		}
	}
	return b, nil
}

func decodeSpanV04(b []byte, s *Span) ([]byte, error) {
	n, b, err := readMapHeader(b)
	if err != nil {
		return b, err
	}
	for range n {
		var key []byte
		if key, b, err = readStrBytes(b); err != nil {
			return b, fmt.Errorf("field name: %w", err)
		}
		if isNil(b) { // absent value: keep the zero value
			b = b[1:]
			continue
		}
		switch string(key) {
		case "service":
			s.Service, b, err = readStr(b)
		case "name":
			s.Name, b, err = readStr(b)
		case "resource":
			s.Resource, b, err = readStr(b)
		case "type":
			s.Type, b, err = readStr(b)
		case "trace_id":
			s.TraceID, b, err = readUint64(b)
		case "trace_id_high":
			s.TraceIDHigh, b, err = readUint64(b)
		case "span_id":
			s.SpanID, b, err = readUint64(b)
		case "parent_id":
			s.ParentID, b, err = readUint64(b)
		case "start":
			s.Start, b, err = readInt64(b)
		case "duration":
			s.Duration, b, err = readInt64(b)
		case "error":
			s.Error, b, err = readBool(b)
		case "meta":
			b, err = decodeMeta(b, s)
		case "metrics":
			b, err = decodeMetrics(b, s)
		case "meta_struct":
			b, err = decodeMetaStruct(b, s)
		case "span_links":
			b, err = decodeLinksV04(b, s)
		case "span_events":
			b, err = decodeEventsV04(b, s)
		default:
			b, err = skip(b)
		}
		if err != nil {
			return b, fmt.Errorf("%s: %w", key, err)
		}
	}
	return b, nil
}

func decodeMeta(b []byte, s *Span) ([]byte, error) {
	n, b, err := readMapHeader(b)
	if err != nil {
		return b, err
	}
	for range n {
		var k, v string
		if k, b, err = readStr(b); err != nil {
			return b, err
		}
		if v, b, err = readStr(b); err != nil {
			return b, err
		}
		s.addStr(k, v)
	}
	return b, nil
}

func decodeMetrics(b []byte, s *Span) ([]byte, error) {
	n, b, err := readMapHeader(b)
	if err != nil {
		return b, err
	}
	for range n {
		var k string
		var v float64
		if k, b, err = readStr(b); err != nil {
			return b, err
		}
		if v, b, err = readFloat(b); err != nil {
			return b, err
		}
		s.addNum(k, v)
	}
	return b, nil
}

// decodeMetaStruct keeps each meta_struct entry as bytes (they hold msgpack
// documents); the translation expands them.
func decodeMetaStruct(b []byte, s *Span) ([]byte, error) {
	n, b, err := readMapHeader(b)
	if err != nil {
		return b, err
	}
	for range n {
		var k string
		var v []byte
		if k, b, err = readStr(b); err != nil {
			return b, err
		}
		if v, b, err = readBin(b); err != nil {
			return b, err
		}
		s.appendAttr(Attr{Key: k, Type: AttrMetaStruct, Bytes: v})
	}
	return b, nil
}

func (s *Span) newLink() *Link {
	n := len(s.Links)
	if !s.bud.attr(1) && n > 0 {
		// Over budget: reuse the last link; the decoder stops at the span's end.
		l := &s.Links[n-1]
		*l = Link{Attrs: l.Attrs[:0]}
		return l
	}
	if n < cap(s.Links) {
		s.Links = s.Links[:n+1]
		l := &s.Links[n]
		*l = Link{Attrs: l.Attrs[:0]}
		return l
	}
	s.Links = append(s.Links, Link{})
	return &s.Links[n]
}

func (s *Span) newEvent() *Event {
	n := len(s.Events)
	if !s.bud.attr(1) && n > 0 {
		e := &s.Events[n-1]
		*e = Event{Attrs: e.Attrs[:0]}
		return e
	}
	if n < cap(s.Events) {
		s.Events = s.Events[:n+1]
		e := &s.Events[n]
		*e = Event{Attrs: e.Attrs[:0]}
		return e
	}
	s.Events = append(s.Events, Event{})
	return &s.Events[n]
}

// readMapArray reads an array of maps (span links, span events): start is
// called before each map, and field with each key and the bytes at its
// value; field returns the bytes after the value.
func readMapArray[K any](b []byte, readKey func([]byte) (K, []byte, error), start func(), field func(K, []byte) ([]byte, error)) ([]byte, error) {
	n, b, err := readArrayHeader(b)
	if err != nil {
		return b, err
	}
	for range n {
		start()
		var fields int
		if fields, b, err = readMapHeader(b); err != nil {
			return b, err
		}
		for range fields {
			var key K
			if key, b, err = readKey(b); err != nil {
				return b, err
			}
			if b, err = field(key, b); err != nil {
				return b, err
			}
		}
	}
	return b, nil
}

func decodeLinksV04(b []byte, s *Span) ([]byte, error) {
	var l *Link
	return readMapArray(b, readStrBytes, func() { l = s.newLink() }, func(key, b []byte) ([]byte, error) {
		var err error
		switch string(key) {
		case "trace_id":
			l.TraceID, b, err = readUint64(b)
		case "trace_id_high":
			l.TraceIDHigh, b, err = readUint64(b)
		case "span_id":
			l.SpanID, b, err = readUint64(b)
		case "tracestate":
			l.Tracestate, b, err = readStr(b)
		case "flags":
			var f uint64
			f, b, err = readUint64(b)
			l.Flags = uint32(f)
		case "attributes":
			b, err = readStrMap(b, &l.Attrs, s.bud)
		default:
			b, err = skip(b)
		}
		if err != nil {
			err = fmt.Errorf("span_links.%s: %w", key, err)
		}
		return b, err
	})
}

// decodeEventsV04 decodes native span events: attributes are maps with a
// "type" (0 string, 1 bool, 2 int, 3 double, 4 array) and a typed value field.
func decodeEventsV04(b []byte, s *Span) ([]byte, error) {
	var e *Event
	return readMapArray(b, readStrBytes, func() { e = s.newEvent() }, func(key, b []byte) ([]byte, error) {
		var err error
		switch string(key) {
		case "name":
			e.Name, b, err = readStr(b)
		case "time_unix_nano":
			e.TimeUnixNano, b, err = readUint64(b)
		case "attributes":
			var m int
			if m, b, err = readMapHeader(b); err != nil {
				break
			}
			for range m {
				a := Attr{}
				if a.Key, b, err = readStr(b); err != nil {
					break
				}
				if b, err = decodeEventAttrV04(b, &a, 0); err != nil {
					break
				}
				s.bud.appendAttr(&e.Attrs, a)
			}
		default:
			b, err = skip(b)
		}
		if err != nil {
			err = fmt.Errorf("span_events.%s: %w", key, err)
		}
		return b, err
	})
}

func decodeEventAttrV04(b []byte, a *Attr, depth int) ([]byte, error) {
	if depth > 1 {
		return b, errDepth
	}
	n, b, err := readMapHeader(b)
	if err != nil {
		return b, err
	}
	typ := int64(-1)
	var str string
	var bl bool
	var i int64
	var f float64
	var arr []byte // raw "array_value", decoded once the type is known
	for range n {
		var key []byte
		if key, b, err = readStrBytes(b); err != nil {
			return b, err
		}
		switch string(key) {
		case "type":
			typ, b, err = readInt64(b)
		case "string_value":
			str, b, err = readStr(b)
		case "bool_value":
			bl, b, err = readBool(b)
		case "int_value":
			i, b, err = readInt64(b)
		case "double_value":
			f, b, err = readFloat(b)
		case "array_value":
			start := b
			b, err = skip(b)
			arr = start[:len(start)-len(b)]
		default:
			b, err = skip(b)
		}
		if err != nil {
			return b, err
		}
	}
	switch typ {
	case 1:
		a.Type, a.Bool = AttrBool, bl
	case 2:
		a.Type, a.Int = AttrInt, i
	case 3:
		a.Type, a.Num = AttrDouble, f
	case 4:
		a.Type, a.Value = AttrValue, pcommon.NewValueEmpty()
		sl := a.Value.SetEmptySlice()
		if arr != nil {
			if err := decodeEventArrayV04(arr, sl, depth); err != nil {
				return b, err
			}
		}
	default:
		a.Type, a.Str = AttrString, str
	}
	return b, nil
}

func decodeEventArrayV04(b []byte, sl pcommon.Slice, depth int) error {
	n, b, err := readMapHeader(b)
	if err != nil {
		return err
	}
	for range n {
		var key []byte
		if key, b, err = readStrBytes(b); err != nil {
			return err
		}
		if string(key) != "values" {
			if b, err = skip(b); err != nil {
				return err
			}
			continue
		}
		var m int
		if m, b, err = readArrayHeader(b); err != nil {
			return err
		}
		for range m {
			var a Attr
			if b, err = decodeEventAttrV04(b, &a, depth+1); err != nil {
				return err
			}
			putAttrValue(sl.AppendEmpty(), &a)
		}
	}
	return nil
}
