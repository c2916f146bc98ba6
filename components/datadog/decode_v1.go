package datadog

import (
	"fmt"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// The v1.0 protocol (dd-trace-go v2 sends it when the Agent lists /v1.0/traces
// in /info): every map is keyed by small integer field ids, and every string
// is "streaming": either a msgpack string, which is appended to the payload's
// string table, or an integer index into that table (index 0 is ""). A string
// seen again gets its old index, as in the Agent.
//
//	payload: 2 container id, 3 language, 4 language version, 5 tracer version,
//	         6 runtime id, 7 env, 8 hostname, 9 app version, 10 attributes, 11 chunks
//	chunk:   1 priority, 2 origin, 3 attributes, 4 spans, 5 dropped trace,
//	         6 trace id (16 bytes, big endian), 7 sampling mechanism
//	span:    1 service, 2 name, 3 resource, 4 span id, 5 parent id, 6 start,
//	         7 duration, 8 error (bool), 9 attributes, 10 type, 11 links,
//	         12 events, 13 env, 14 version, 15 component, 16 kind (1 internal,
//	         2 server, 3 client, 4 producer, 5 consumer)
//	link:    1 trace id (16 bytes), 2 span id, 3 attributes, 4 tracestate, 5 flags
//	event:   1 time (ns), 2 name, 3 attributes
//
// Attributes are a flat array of (key, value type, value) triples; value types
// are 1 string, 2 bool, 3 double, 4 int, 5 bytes, 6 array (a flat array of
// (type, value) pairs), 7 key-value list.
//
// Chunk field 5 (dropped trace) is set by Agents, not tracers, and field 7
// (sampling mechanism) repeats the "_dd.p.dm" span tag: both are skipped.

func (d *decoder) resetStrings() {
	d.strs = append(d.strs[:0], "")
	clear(d.strIdx)
	if d.strIdx == nil {
		d.strIdx = make(map[string]uint32, 64)
	}
	d.strIdx[""] = 0
}

// streamStr reads a streaming string.
func (d *decoder) streamStr(b []byte) (string, []byte, error) {
	if len(b) == 0 {
		return "", b, errShort
	}
	if isStrType(b[0]) {
		s, rest, err := readStr(b)
		if err != nil {
			return "", b, err
		}
		if _, ok := d.strIdx[s]; !ok {
			d.strIdx[s] = uint32(len(d.strs))
			d.strs = append(d.strs, s)
		}
		return s, rest, nil
	}
	i, rest, err := readUint64(b)
	if err != nil {
		return "", b, err
	}
	if i >= uint64(len(d.strs)) {
		return "", b, fmt.Errorf("%w: %d of %d", errStringIndex, i, len(d.strs))
	}
	return d.strs[i], rest, nil
}

func (d *decoder) decodeV1(b []byte, emit emitFunc) error {
	d.resetStrings()
	n, b, err := readMapHeader(b)
	if err != nil {
		return fmt.Errorf("payload: %w", err)
	}
	p := &d.payload
	var field uint64
	for range n {
		if field, b, err = readUint64(b); err != nil {
			return fmt.Errorf("payload field id: %w", err)
		}
		switch field {
		case 2:
			p.ContainerID, b, err = d.streamStr(b)
		case 3:
			p.Lang, b, err = d.streamStr(b)
		case 4:
			p.LangVersion, b, err = d.streamStr(b)
		case 5:
			p.TracerVersion, b, err = d.streamStr(b)
		case 6:
			p.RuntimeID, b, err = d.streamStr(b)
		case 7:
			p.Env, b, err = d.streamStr(b)
		case 8:
			p.Hostname, b, err = d.streamStr(b)
		case 9:
			p.AppVersion, b, err = d.streamStr(b)
		case 10:
			b, err = d.attrsV1(b, func(a Attr) { d.chunk.bud.appendAttr(&p.Attrs, a) })
		case 11:
			b, err = d.decodeChunks(b, "chunk", d.chunkV1, emit)
		default:
			b, err = skip(b)
		}
		if err != nil {
			return fmt.Errorf("payload field %d: %w", field, err)
		}
	}
	return nil
}

func (d *decoder) chunkV1(b []byte, c *Chunk) ([]byte, error) {
	n, b, err := readMapHeader(b)
	if err != nil {
		return b, err
	}
	var field uint64
	for range n {
		if field, b, err = readUint64(b); err != nil {
			return b, err
		}
		switch field {
		case 1:
			c.Priority, b, err = readInt64(b)
			c.HasPriority = err == nil
		case 2:
			c.Origin, b, err = d.streamStr(b)
		case 3:
			b, err = d.attrsV1(b, func(a Attr) { c.bud.appendAttr(&c.Attrs, a) })
		case 4:
			var spans int
			if spans, b, err = readArrayHeader(b); err != nil {
				break
			}
			for j := range spans {
				s := c.newSpan()
				if b, err = d.spanV1(b, s); err != nil {
					c.dropLastSpan()
					err = fmt.Errorf("span %d: %w", j, err)
					break
				}
				if err = c.spent(); err != nil {
					break
				}
			}
		case 6:
			var id []byte
			if id, b, err = readBin(b); err == nil {
				c.TraceIDHigh, c.TraceIDLow, c.HasTraceID = traceID128(id)
			}
		default:
			b, err = skip(b)
		}
		if err != nil {
			return b, fmt.Errorf("field %d: %w", field, err)
		}
	}
	return b, nil
}

func (d *decoder) spanV1(b []byte, s *Span) ([]byte, error) {
	n, b, err := readMapHeader(b)
	if err != nil {
		return b, err
	}
	var field uint64
	for range n {
		if field, b, err = readUint64(b); err != nil {
			return b, err
		}
		switch field {
		case 1:
			s.Service, b, err = d.streamStr(b)
		case 2:
			s.Name, b, err = d.streamStr(b)
		case 3:
			s.Resource, b, err = d.streamStr(b)
		case 4:
			s.SpanID, b, err = readUint64(b)
		case 5:
			s.ParentID, b, err = readUint64(b)
		case 6:
			s.Start, b, err = readInt64(b)
		case 7:
			s.Duration, b, err = readInt64(b)
		case 8:
			s.Error, b, err = readBool(b)
		case 9:
			b, err = d.attrsV1(b, s.addAttr)
		case 10:
			s.Type, b, err = d.streamStr(b)
		case 11:
			b, err = d.linksV1(b, s)
		case 12:
			b, err = d.eventsV1(b, s)
		case 13:
			s.Env, b, err = d.streamStr(b)
		case 14:
			s.Version, b, err = d.streamStr(b)
		case 15:
			s.Component, b, err = d.streamStr(b)
		case 16:
			var k uint64
			k, b, err = readUint64(b)
			if k <= uint64(ptrace.SpanKindConsumer) {
				s.Kind = ptrace.SpanKind(k)
			}
		default:
			b, err = skip(b)
		}
		if err != nil {
			return b, fmt.Errorf("field %d: %w", field, err)
		}
	}
	return b, nil
}

func (d *decoder) linksV1(b []byte, s *Span) ([]byte, error) {
	var l *Link
	return readMapArray(b, readUint64, func() { l = s.newLink() }, func(field uint64, b []byte) ([]byte, error) {
		var err error
		switch field {
		case 1:
			var id []byte
			if id, b, err = readBin(b); err == nil {
				l.TraceIDHigh, l.TraceID, _ = traceID128(id)
			}
		case 2:
			l.SpanID, b, err = readUint64(b)
		case 3:
			b, err = d.attrsV1(b, func(a Attr) { d.chunk.bud.appendAttr(&l.Attrs, a) })
		case 4:
			l.Tracestate, b, err = d.streamStr(b)
		case 5:
			var f uint64
			f, b, err = readUint64(b)
			l.Flags = uint32(f)
		default:
			b, err = skip(b)
		}
		if err != nil {
			err = fmt.Errorf("link field %d: %w", field, err)
		}
		return b, err
	})
}

func (d *decoder) eventsV1(b []byte, s *Span) ([]byte, error) {
	var e *Event
	return readMapArray(b, readUint64, func() { e = s.newEvent() }, func(field uint64, b []byte) ([]byte, error) {
		var err error
		switch field {
		case 1:
			e.TimeUnixNano, b, err = readUint64(b)
		case 2:
			e.Name, b, err = d.streamStr(b)
		case 3:
			b, err = d.attrsV1(b, func(a Attr) { d.chunk.bud.appendAttr(&e.Attrs, a) })
		default:
			b, err = skip(b)
		}
		if err != nil {
			err = fmt.Errorf("event field %d: %w", field, err)
		}
		return b, err
	})
}

// attrsV1 reads an attribute array of (key, type, value) triples.
func (d *decoder) attrsV1(b []byte, add func(Attr)) ([]byte, error) {
	n, b, err := readArrayHeader(b)
	if err != nil {
		return b, err
	}
	if n%3 != 0 {
		return b, fmt.Errorf("attribute array of %d elements is not made of (key, type, value) triples", n)
	}
	for range n / 3 {
		a := Attr{}
		if a.Key, b, err = d.streamStr(b); err != nil {
			return b, fmt.Errorf("attribute key: %w", err)
		}
		if b, err = d.anyValueV1(b, &a, 0); err != nil {
			return b, fmt.Errorf("attribute %q: %w", a.Key, err)
		}
		add(a)
	}
	return b, nil
}

// anyValueV1 reads a (type, value) pair into a.
func (d *decoder) anyValueV1(b []byte, a *Attr, depth int) ([]byte, error) {
	if depth > maxDepth {
		return b, errDepth
	}
	typ, b, err := readUint64(b)
	if err != nil {
		return b, err
	}
	switch typ {
	case 1:
		a.Type = AttrString
		a.Str, b, err = d.streamStr(b)
	case 2:
		a.Type = AttrBool
		a.Bool, b, err = readBool(b)
	case 3:
		a.Type = AttrDouble
		a.Num, b, err = readFloat(b)
	case 4:
		a.Type = AttrInt
		a.Int, b, err = readInt64(b)
	case 5:
		a.Type = AttrBytes
		a.Bytes, b, err = readBin(b)
	case 6:
		var n int
		if n, b, err = readArrayHeader(b); err != nil {
			return b, err
		}
		if n%2 != 0 {
			return b, fmt.Errorf("array of %d elements is not made of (type, value) pairs", n)
		}
		a.Type, a.Value = AttrValue, pcommon.NewValueEmpty()
		sl := a.Value.SetEmptySlice()
		sl.EnsureCapacity(n / 2)
		for range n / 2 {
			var e Attr
			if b, err = d.anyValueV1(b, &e, depth+1); err != nil {
				return b, err
			}
			putAttrValue(sl.AppendEmpty(), &e)
		}
	case 7:
		a.Type, a.Value = AttrValue, pcommon.NewValueEmpty()
		m := a.Value.SetEmptyMap()
		b, err = d.keyValueListV1(b, m, depth)
	default:
		return b, fmt.Errorf("unknown value type %d", typ)
	}
	return b, err
}

// keyValueListV1 reads a key-value list: dd-trace-go writes a map of key to
// (type, value); the Agent reads a flat array of triples. Both are accepted.
func (d *decoder) keyValueListV1(b []byte, m pcommon.Map, depth int) ([]byte, error) {
	if len(b) == 0 {
		return b, errShort
	}
	var n int
	var err error
	if isMapType(b[0]) {
		n, b, err = readMapHeader(b)
	} else {
		n, b, err = readArrayHeader(b)
		if err == nil && n%3 != 0 {
			err = fmt.Errorf("key-value list of %d elements is not made of triples", n)
		}
		n /= 3
	}
	if err != nil {
		return b, err
	}
	for range n {
		var e Attr
		if e.Key, b, err = d.streamStr(b); err != nil {
			return b, err
		}
		if b, err = d.anyValueV1(b, &e, depth+1); err != nil {
			return b, err
		}
		putAttrValue(m.PutEmpty(e.Key), &e)
	}
	return b, nil
}
