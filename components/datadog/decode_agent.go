package datadog

import (
	"fmt"
	"math"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"google.golang.org/protobuf/encoding/protowire"
)

// /api/v0.2/traces is where a Datadog Agent sends the traces it collected:
// an AgentPayload protobuf (DataDog's datadog-agent pkg/proto
// datadog/trace/agent_payload.proto), read field by field like the metrics
// payloads (see protobuf.go):
//
//	AgentPayload:  1 hostName, 2 env, 5 tracerPayloads, 6 tags, 7 agentVersion,
//	               11 idxTracerPayloads (the v1.0 shape, see decode_agent_idx.go)
//	TracerPayload: 1 containerID, 2 languageName, 3 languageVersion,
//	               4 tracerVersion, 5 runtimeID, 6 chunks, 7 tags, 8 env,
//	               9 hostname, 10 appVersion
//	TraceChunk:    1 priority, 2 origin, 3 spans, 4 tags, 5 droppedTrace
//	Span:          1 service, 2 name, 3 resource, 4 traceID, 5 spanID,
//	               6 parentID, 7 start, 8 duration, 9 error, 10 meta,
//	               11 metrics, 12 type, 13 meta_struct, 14 spanLinks, 15 spanEvents
//
// The Agent's hostName and env stand in for tracer payloads that carry none;
// its tags go to the resource like tracer payload tags (the tracer's win).
// targetTPS, errorTPS and rareSamplerEnabled describe the Agent's sampler
// and are not translated.

// agentPriorityNone is the priority the Agent gives chunks whose tracer set
// none (sampler.PriorityNone).
const agentPriorityNone = math.MinInt8

// agentPayload is what an AgentPayload says about every tracer payload in it.
type agentPayload struct {
	header         Payload // from the request headers
	hostname, env  string
	tags           []Attr
	tracerPayloads int
}

func (d *decoder) decodeAgentPayload(b []byte, emit emitFunc) error {
	ap := agentPayload{header: d.payload}
	ap.header.Attrs = nil
	// The envelope's own fields may follow the tracer payloads, so they are
	// read first; a malformed field stops the scan, and the tracer payloads
	// before it are still translated.
	valid, scanErr := scanFields(b, func(f protoField) error {
		switch f.num {
		case 1:
			ap.hostname = f.view()
		case 2:
			ap.env = f.view()
		case 6:
			k, v, err := pbStrEntry(f.bytes)
			if err != nil {
				return fmt.Errorf("tags: %w", err)
			}
			ap.tags = append(ap.tags, Attr{Key: k, Type: AttrString, Str: v})
		}
		return nil
	})
	_, err := scanFields(valid, func(f protoField) error {
		switch f.num {
		case 5:
			if err := d.agentTracerPayload(f.bytes, &ap, emit); err != nil {
				return fmt.Errorf("tracer payload %d: %w", ap.tracerPayloads, err)
			}
			ap.tracerPayloads++
		case 11:
			if err := d.idxTracerPayload(f.bytes, &ap, emit); err != nil {
				return fmt.Errorf("tracer payload %d: %w", ap.tracerPayloads, err)
			}
			ap.tracerPayloads++
		}
		return nil
	})
	if err != nil {
		return err
	}
	if scanErr != nil {
		return fmt.Errorf("agent payload: %w", scanErr)
	}
	return nil
}

// startTracerPayload resets d.payload for the next tracer payload of ap.
func (d *decoder) startTracerPayload(ap *agentPayload) *Payload {
	p := &d.payload
	attrs, seq := p.Attrs[:0], p.seq+1
	*p = ap.header
	p.Attrs, p.seq = append(attrs, ap.tags...), seq
	return p
}

// finishTracerPayload applies the Agent's fallbacks once the tracer's own
// fields are known.
func (ap *agentPayload) finishTracerPayload(p *Payload) {
	p.Env = firstNonEmpty(p.Env, ap.env)
	p.Hostname = firstNonEmpty(p.Hostname, ap.hostname)
}

func (d *decoder) agentTracerPayload(b []byte, ap *agentPayload, emit emitFunc) error {
	p := d.startTracerPayload(ap)
	// Chunks (field 6) come before env and hostname (8, 9) on the wire.
	valid, scanErr := scanFields(b, func(f protoField) error {
		switch f.num {
		case 1:
			p.ContainerID = f.view()
		case 2:
			p.Lang = f.view()
		case 3:
			p.LangVersion = f.view()
		case 4:
			p.TracerVersion = f.view()
		case 5:
			p.RuntimeID = f.view()
		case 7:
			k, v, err := pbStrEntry(f.bytes)
			if err != nil {
				return fmt.Errorf("tags: %w", err)
			}
			d.chunk.bud.appendAttr(&p.Attrs, Attr{Key: k, Type: AttrString, Str: v})
		case 8:
			p.Env = f.view()
		case 9:
			p.Hostname = f.view()
		case 10:
			p.AppVersion = f.view()
		}
		return nil
	})
	ap.finishTracerPayload(p)
	chunks := 0
	_, err := scanFields(valid, func(f protoField) error {
		if f.num != 6 {
			return nil
		}
		d.chunk.reset()
		err := decodeChunkPB(f.bytes, &d.chunk)
		if err != nil {
			err = fmt.Errorf("chunk %d: %w", chunks, err)
		} else {
			err = emit(p, &d.chunk)
		}
		chunks++
		return err
	})
	if err != nil {
		return err
	}
	return scanErr
}

func decodeChunkPB(b []byte, c *Chunk) error {
	c.AgentSampled = true
	c.Priority, c.HasPriority = 0, true // proto3 leaves 0 (AUTO_REJECT) out
	for len(b) > 0 {
		f, rest, err := nextField(b)
		if err != nil {
			return err
		}
		b = rest
		switch f.num {
		case 1:
			c.Priority = int64(int32(f.u))
			c.HasPriority = c.Priority != agentPriorityNone
		case 2:
			c.Origin = f.view()
		case 3:
			s := c.newSpan()
			if err := decodeSpanPB(f.bytes, s); err != nil {
				c.dropLastSpan()
				return fmt.Errorf("span %d: %w", len(c.Spans), err)
			}
			if err := c.spent(); err != nil {
				return err
			}
		case 4:
			k, v, err := pbStrEntry(f.bytes)
			if err != nil {
				return fmt.Errorf("tags: %w", err)
			}
			c.bud.appendAttr(&c.Attrs, Attr{Key: k, Type: AttrString, Str: v})
		case 5:
			c.Dropped = f.u != 0
		}
	}
	return nil
}

func decodeSpanPB(b []byte, s *Span) error {
	for len(b) > 0 {
		f, rest, err := nextField(b)
		if err != nil {
			return err
		}
		b = rest
		switch f.num {
		case 1:
			s.Service = f.view()
		case 2:
			s.Name = f.view()
		case 3:
			s.Resource = f.view()
		case 4:
			s.TraceID = f.u
		case 5:
			s.SpanID = f.u
		case 6:
			s.ParentID = f.u
		case 7:
			s.Start = int64(f.u)
		case 8:
			s.Duration = int64(f.u)
		case 9:
			s.Error = int32(f.u) != 0
		case 10:
			k, v, err := pbStrEntry(f.bytes)
			if err != nil {
				return fmt.Errorf("meta: %w", err)
			}
			s.addStr(k, v)
		case 11:
			k, v, err := pbMapEntry(f.bytes)
			if err != nil {
				return fmt.Errorf("metrics: %w", err)
			}
			s.addNum(k.view(), v.double())
		case 12:
			s.Type = f.view()
		case 13:
			k, v, err := pbMapEntry(f.bytes)
			if err != nil {
				return fmt.Errorf("meta_struct: %w", err)
			}
			s.appendAttr(Attr{Key: k.view(), Type: AttrMetaStruct, Bytes: v.bytes})
		case 14:
			if err := decodeLinkPB(f.bytes, s.newLink(), s.bud); err != nil {
				return fmt.Errorf("spanLinks: %w", err)
			}
		case 15:
			if err := decodeEventPB(f.bytes, s.newEvent(), s.bud); err != nil {
				return fmt.Errorf("spanEvents: %w", err)
			}
		}
	}
	return nil
}

func decodeLinkPB(b []byte, l *Link, bud *budget) error {
	_, err := scanFields(b, func(f protoField) error {
		switch f.num {
		case 1:
			l.TraceID = f.u
		case 2:
			l.TraceIDHigh = f.u
		case 3:
			l.SpanID = f.u
		case 4:
			k, v, err := pbStrEntry(f.bytes)
			if err != nil {
				return err
			}
			bud.appendAttr(&l.Attrs, Attr{Key: k, Type: AttrString, Str: v})
		case 5:
			l.Tracestate = f.view()
		case 6:
			l.Flags = uint32(f.u)
		}
		return nil
	})
	return err
}

func decodeEventPB(b []byte, e *Event, bud *budget) error {
	_, err := scanFields(b, func(f protoField) error {
		switch f.num {
		case 1:
			e.TimeUnixNano = f.u
		case 2:
			e.Name = f.view()
		case 3:
			k, v, err := pbMapEntry(f.bytes)
			if err != nil {
				return err
			}
			a := Attr{Key: k.view()}
			if err := decodeEventAttrPB(v.bytes, &a, 0); err != nil {
				return fmt.Errorf("attribute %q: %w", a.Key, err)
			}
			bud.appendAttr(&e.Attrs, a)
		}
		return nil
	})
	return err
}

// decodeEventAttrPB reads an AttributeAnyValue (or, one level down, an
// AttributeArrayValue: the same fields without the array): a type (0 string,
// 1 bool, 2 int, 3 double, 4 array) and the value field of that type, as the
// msgpack span events carry them.
func decodeEventAttrPB(b []byte, a *Attr, depth int) error {
	var typ uint64
	var str string
	var bl bool
	var i int64
	var fl float64
	var arr []byte
	if _, err := scanFields(b, func(f protoField) error {
		switch f.num {
		case 1:
			typ = f.u
		case 2:
			str = f.view()
		case 3:
			bl = f.u != 0
		case 4:
			i = int64(f.u)
		case 5:
			fl = f.double()
		case 6:
			if depth == 0 {
				arr = f.bytes
			}
		}
		return nil
	}); err != nil {
		return err
	}
	switch typ {
	case 1:
		a.Type, a.Bool = AttrBool, bl
	case 2:
		a.Type, a.Int = AttrInt, i
	case 3:
		a.Type, a.Num = AttrDouble, fl
	case 4:
		a.Type, a.Value = AttrValue, pcommon.NewValueEmpty()
		sl := a.Value.SetEmptySlice()
		_, err := scanFields(arr, func(f protoField) error {
			if f.num != 1 {
				return nil
			}
			var e Attr
			if err := decodeEventAttrPB(f.bytes, &e, depth+1); err != nil {
				return err
			}
			putAttrValue(sl.AppendEmpty(), &e)
			return nil
		})
		return err
	default:
		a.Type, a.Str = AttrString, str
	}
	return nil
}

// scanFields calls fn for each field of the message b, in wire order. It
// stops at the first malformed field or error of fn, and returns the part of
// b made of complete fields read before it.
func scanFields(b []byte, fn func(protoField) error) ([]byte, error) {
	rest := b
	for len(rest) > 0 {
		f, next, err := nextField(rest)
		if err != nil {
			return b[:len(b)-len(rest)], err
		}
		if err = fn(f); err != nil {
			return b[:len(b)-len(rest)], err
		}
		rest = next
	}
	return b, nil
}

// pbMapEntry reads a map entry message: key is field 1, value field 2.
func pbMapEntry(b []byte) (key, val protoField, err error) {
	for len(b) > 0 {
		var f protoField
		if f, b, err = nextField(b); err != nil {
			return key, val, err
		}
		switch f.num {
		case 1:
			key = f
		case 2:
			val = f
		}
	}
	return key, val, nil
}

// pbStrEntry reads a map<string, string> entry.
func pbStrEntry(b []byte) (string, string, error) {
	k, v, err := pbMapEntry(b)
	return k.view(), v.view(), err
}

// view returns a length-delimited field as a string aliasing the input,
// like the msgpack decoders' strings.
func (f protoField) view() string {
	if f.typ != protowire.BytesType {
		return ""
	}
	return bytesView(f.bytes)
}
