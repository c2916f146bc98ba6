package datadog

import (
	"encoding/binary"
	"fmt"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// AgentPayload field 11 (idxTracerPayloads) carries what tracers sent as
// /v1.0/traces, in protobuf (datadog/trace/idx/*.proto): the same fields as
// the v1.0 msgpack (see decode_v1.go), with every string a reference into
// the tracer payload's string table (field 1).
//
//	TracerPayload: 1 strings, 2 containerID, 3 languageName, 4 languageVersion,
//	               5 tracerVersion, 6 runtimeID, 7 env, 8 hostname,
//	               9 appVersion, 10 attributes, 11 chunks
//	TraceChunk:    1 priority, 2 origin, 3 attributes, 4 spans, 5 droppedTrace,
//	               6 traceID (16 bytes), 7 samplingMechanism (skipped)
//	Span:          1 service, 2 name, 3 resource, 4 spanID, 5 parentID,
//	               6 start, 7 duration, 8 error, 9 attributes, 10 type,
//	               11 links, 12 events, 13 env, 14 version, 15 component, 16 kind
//	AnyValue:      1 string, 2 bool, 3 double, 4 int, 5 bytes, 6 array, 7 key-value list
//
// Attributes are map<uint32 string ref, AnyValue>.

// ref resolves a string table reference.
func (d *decoder) ref(u uint64) (string, error) {
	if u >= uint64(len(d.strs)) {
		return "", fmt.Errorf("%w: %d of %d", errStringIndex, u, len(d.strs))
	}
	return d.strs[u], nil
}

func (d *decoder) idxTracerPayload(b []byte, ap *agentPayload, emit emitFunc) error {
	p := d.startTracerPayload(ap)
	d.strs = d.strs[:0]
	valid, scanErr := scanFields(b, func(f protoField) error {
		if f.num == 1 {
			d.strs = append(d.strs, f.view())
		}
		return nil
	})
	if len(d.strs) == 0 {
		d.strs = append(d.strs, "")
	}
	_, err := scanFields(valid, func(f protoField) error {
		var dst *string
		switch f.num {
		case 2:
			dst = &p.ContainerID
		case 3:
			dst = &p.Lang
		case 4:
			dst = &p.LangVersion
		case 5:
			dst = &p.TracerVersion
		case 6:
			dst = &p.RuntimeID
		case 7:
			dst = &p.Env
		case 8:
			dst = &p.Hostname
		case 9:
			dst = &p.AppVersion
		case 10:
			return d.idxAttr(f.bytes, func(a Attr) { d.chunk.bud.appendAttr(&p.Attrs, a) })
		default:
			return nil
		}
		var err error
		*dst, err = d.ref(f.u)
		return err
	})
	if err != nil {
		return fmt.Errorf("payload: %w", err)
	}
	ap.finishTracerPayload(p)
	chunks := 0
	if _, err = scanFields(valid, func(f protoField) error {
		if f.num != 11 {
			return nil
		}
		d.chunk.reset()
		err := d.idxChunk(f.bytes, &d.chunk)
		if err != nil {
			err = fmt.Errorf("chunk %d: %w", chunks, err)
		} else {
			err = emit(p, &d.chunk)
		}
		chunks++
		return err
	}); err != nil {
		return err
	}
	return scanErr
}

func (d *decoder) idxChunk(b []byte, c *Chunk) error {
	c.AgentSampled = true
	c.Priority, c.HasPriority = 0, true
	_, err := scanFields(b, func(f protoField) error {
		var err error
		switch f.num {
		case 1:
			c.Priority = int64(int32(f.u))
			c.HasPriority = c.Priority != agentPriorityNone
		case 2:
			c.Origin, err = d.ref(f.u)
		case 3:
			err = d.idxAttr(f.bytes, func(a Attr) { c.bud.appendAttr(&c.Attrs, a) })
		case 4:
			s := c.newSpan()
			if err = d.idxSpan(f.bytes, s); err != nil {
				c.dropLastSpan()
				err = fmt.Errorf("span %d: %w", len(c.Spans), err)
			} else {
				err = c.spent()
			}
		case 5:
			c.Dropped = f.u != 0
		case 6:
			c.TraceIDHigh, c.TraceIDLow, c.HasTraceID = traceID128(f.bytes)
		}
		return err
	})
	return err
}

// traceID128 splits a 16-byte big-endian trace id (8 bytes: the lower half).
func traceID128(id []byte) (high, low uint64, ok bool) {
	switch {
	case len(id) >= 16:
		return binary.BigEndian.Uint64(id[:8]), binary.BigEndian.Uint64(id[8:16]), true
	case len(id) >= 8:
		return 0, binary.BigEndian.Uint64(id[:8]), true
	}
	return 0, 0, false
}

func (d *decoder) idxSpan(b []byte, s *Span) error {
	for len(b) > 0 {
		f, rest, err := nextField(b)
		if err != nil {
			return err
		}
		b = rest
		switch f.num {
		case 1:
			s.Service, err = d.ref(f.u)
		case 2:
			s.Name, err = d.ref(f.u)
		case 3:
			s.Resource, err = d.ref(f.u)
		case 4:
			s.SpanID = f.u
		case 5:
			s.ParentID = f.u
		case 6:
			s.Start = int64(f.u)
		case 7:
			s.Duration = int64(f.u)
		case 8:
			s.Error = f.u != 0
		case 9:
			err = d.idxAttr(f.bytes, s.addAttr)
		case 10:
			s.Type, err = d.ref(f.u)
		case 11:
			err = d.idxLink(f.bytes, s.newLink())
		case 12:
			err = d.idxEvent(f.bytes, s.newEvent())
		case 13:
			s.Env, err = d.ref(f.u)
		case 14:
			s.Version, err = d.ref(f.u)
		case 15:
			s.Component, err = d.ref(f.u)
		case 16:
			if f.u <= uint64(ptrace.SpanKindConsumer) {
				s.Kind = ptrace.SpanKind(f.u)
			}
		}
		if err != nil {
			return fmt.Errorf("field %d: %w", f.num, err)
		}
	}
	return nil
}

func (d *decoder) idxLink(b []byte, l *Link) error {
	_, err := scanFields(b, func(f protoField) error {
		var err error
		switch f.num {
		case 1:
			l.TraceIDHigh, l.TraceID, _ = traceID128(f.bytes)
		case 2:
			l.SpanID = f.u
		case 3:
			err = d.idxAttr(f.bytes, func(a Attr) { d.chunk.bud.appendAttr(&l.Attrs, a) })
		case 4:
			l.Tracestate, err = d.ref(f.u)
		case 5:
			l.Flags = uint32(f.u)
		}
		return err
	})
	return err
}

func (d *decoder) idxEvent(b []byte, e *Event) error {
	_, err := scanFields(b, func(f protoField) error {
		var err error
		switch f.num {
		case 1:
			e.TimeUnixNano = f.u
		case 2:
			e.Name, err = d.ref(f.u)
		case 3:
			err = d.idxAttr(f.bytes, func(a Attr) { d.chunk.bud.appendAttr(&e.Attrs, a) })
		}
		return err
	})
	return err
}

// idxAttr reads one map<uint32, AnyValue> entry.
func (d *decoder) idxAttr(b []byte, add func(Attr)) error {
	k, v, err := pbMapEntry(b)
	if err != nil {
		return err
	}
	a := Attr{}
	if a.Key, err = d.ref(k.u); err != nil {
		return fmt.Errorf("attribute key: %w", err)
	}
	if err = d.idxAnyValue(v.bytes, &a, 0); err != nil {
		return fmt.Errorf("attribute %q: %w", a.Key, err)
	}
	add(a)
	return nil
}

// idxAnyValue reads an AnyValue (a oneof: the last field set wins).
func (d *decoder) idxAnyValue(b []byte, a *Attr, depth int) error {
	if depth > maxDepth {
		return errDepth
	}
	*a = Attr{Key: a.Key, Type: AttrString}
	_, err := scanFields(b, func(f protoField) error {
		var err error
		switch f.num {
		case 1:
			a.Type = AttrString
			a.Str, err = d.ref(f.u)
		case 2:
			a.Type, a.Bool = AttrBool, f.u != 0
		case 3:
			a.Type, a.Num = AttrDouble, f.double()
		case 4:
			a.Type, a.Int = AttrInt, int64(f.u)
		case 5:
			a.Type, a.Bytes = AttrBytes, f.bytes
		case 6:
			a.Type, a.Value = AttrValue, pcommon.NewValueEmpty()
			sl := a.Value.SetEmptySlice()
			_, err = scanFields(f.bytes, func(e protoField) error {
				if e.num != 1 {
					return nil
				}
				var v Attr
				if err := d.idxAnyValue(e.bytes, &v, depth+1); err != nil {
					return err
				}
				putAttrValue(sl.AppendEmpty(), &v)
				return nil
			})
		case 7:
			a.Type, a.Value = AttrValue, pcommon.NewValueEmpty()
			m := a.Value.SetEmptyMap()
			_, err = scanFields(f.bytes, func(kv protoField) error {
				if kv.num != 1 {
					return nil
				}
				k, v, err := pbMapEntry(kv.bytes) // KeyValue: 1 key ref, 2 value
				if err != nil {
					return err
				}
				var e Attr
				if e.Key, err = d.ref(k.u); err != nil {
					return err
				}
				if err = d.idxAnyValue(v.bytes, &e, depth+1); err != nil {
					return err
				}
				putAttrValue(m.PutEmpty(e.Key), &e)
				return nil
			})
		}
		return err
	})
	return err
}
