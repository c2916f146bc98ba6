package jaeger

import (
	"errors"
	"fmt"

	"go.opentelemetry.io/collector/pdata/ptrace"
)

// ErrNotEmitBatch is returned for agent messages other than emitBatch
// (emitZipkinBatch, which contrib's receiver does not support either).
var ErrNotEmitBatch = errors.New("not an emitBatch message")

// DecodeAgentMessage decodes what a Jaeger client sends to an agent over
// UDP: a Thrift message calling Agent.emitBatch (oneway, or a call, as
// jaeger-client-go sends it), whose argument 1 is a Batch. A message
// without the argument holds no spans (not an error, as in contrib).
func (d *Decoder) DecodeAgentMessage(msg []byte, p Protocol) (ptrace.Traces, Result, error) {
	d.reset(msg, p)
	name, err := d.messageName()
	if err != nil {
		return ptrace.NewTraces(), Result{}, fmt.Errorf("jaeger agent %s message: %w", p, err)
	}
	if name != "emitBatch" {
		return ptrace.NewTraces(), Result{}, fmt.Errorf("jaeger agent %s message %q: %w", p, name, ErrNotEmitBatch)
	}
	td := ptrace.NewTraces()
	n := 0
	r := &d.r
	r.structBegin()
	for {
		typ, id, err := r.field()
		if err != nil {
			return ptrace.NewTraces(), Result{}, fmt.Errorf("jaeger agent %s message: %w", p, err)
		}
		if typ == tStop {
			break
		}
		if id == 1 && typ == tStruct {
			// A repeated argument replaces the earlier one.
			td = ptrace.NewTraces()
			d.tags, d.logs, d.fields, d.refs, d.ptags = d.tags[:0], d.logs[:0], d.fields[:0], d.refs[:0], d.ptags[:0]
			d.proc = procRec{}
			if n, err = d.batch(td); err != nil {
				return ptrace.NewTraces(), Result{}, fmt.Errorf("jaeger agent %s message: batch: %w", p, err)
			}
			continue
		}
		if err := r.skip(typ, skipDepth); err != nil {
			return ptrace.NewTraces(), Result{}, fmt.Errorf("jaeger agent %s message: %w", p, err)
		}
	}
	r.structEnd()
	return td, Result{Spans: n}, nil
}

// messageName reads a message header (strict or old-style binary, or
// compact) and returns the method name.
func (d *Decoder) messageName() (string, error) {
	r := &d.r
	if r.compact {
		id, err := r.byte1()
		if err != nil {
			return "", err
		}
		if id != 0x82 {
			return "", r.fail(fmt.Sprintf("expected protocol id 82 but got %02x", id))
		}
		vt, err := r.byte1()
		if err != nil {
			return "", err
		}
		if vt&0x1f != 1 {
			return "", r.fail(fmt.Sprintf("expected version 01 but got %02x", vt&0x1f))
		}
		if _, err := r.varint(); err != nil { // sequence id
			return "", err
		}
		s, err := r.bytes()
		if err != nil {
			return "", err
		}
		return string(r.buf[s.off : s.off+s.n]), nil
	}
	size, err := r.i32()
	if err != nil {
		return "", err
	}
	if size < 0 {
		if uint32(size)&0xffff0000 != 0x80010000 {
			return "", r.fail("bad version in message header")
		}
		s, err := r.bytes()
		if err != nil {
			return "", err
		}
		if _, err := r.i32(); err != nil { // sequence id
			return "", err
		}
		return string(r.buf[s.off : s.off+s.n]), nil
	}
	// Old style: name length, name, type byte, sequence id.
	if int(size) > r.remaining() {
		return "", r.truncated("message name")
	}
	name := string(r.buf[r.pos : r.pos+int(size)])
	r.pos += int(size)
	if _, err := r.byte1(); err != nil {
		return "", err
	}
	if _, err := r.i32(); err != nil {
		return "", err
	}
	return name, nil
}
