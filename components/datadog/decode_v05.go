package datadog

import (
	"errors"
	"fmt"
)

// v0.5 spans are arrays of exactly this many elements (the Agent rejects
// others); later fields, if a tracer ever adds them, are skipped.
const v05SpanFields = 12

var errStringIndex = errors.New("string table index out of range")

// decodeV05 decodes [string table, traces], where each span is an array of 12
// elements and every string is an index into the table.
func (d *decoder) decodeV05(b []byte, emit emitFunc) error {
	n, b, err := readArrayHeader(b)
	if err != nil {
		return fmt.Errorf("payload: %w", err)
	}
	if n != 2 {
		return fmt.Errorf("payload: expected an array of 2 elements, found %d", n)
	}
	var count int
	if count, b, err = readArrayHeader(b); err != nil {
		return fmt.Errorf("string table: %w", err)
	}
	d.strs = d.strs[:0]
	for i := range count {
		var s string
		if s, b, err = readStr(b); err != nil {
			return fmt.Errorf("string table entry %d: %w", i, err)
		}
		d.strs = append(d.strs, s)
	}
	if n, b, err = readArrayHeader(b); err != nil {
		return fmt.Errorf("traces: %w", err)
	}
	for i := range n {
		d.chunk.reset()
		var spans int
		if spans, b, err = readArrayHeader(b); err != nil {
			return fmt.Errorf("trace %d: %w", i, err)
		}
		for j := range spans {
			s := d.chunk.newSpan()
			if b, err = d.decodeSpanV05(b, s); err != nil {
				d.chunk.dropLastSpan()
				return fmt.Errorf("trace %d: span %d: %w", i, j, err)
			}
			if err = d.chunk.spent(); err != nil {
				return err
			}
		}
		if err = emit(&d.payload, &d.chunk); err != nil {
			return err
		}
	}
	return nil
}

func (d *decoder) str05(b []byte) (string, []byte, error) {
	i, b, err := readUint64(b)
	if err != nil {
		return "", b, err
	}
	if i >= uint64(len(d.strs)) {
		return "", b, errStringIndex
	}
	return d.strs[i], b, nil
}

func (d *decoder) decodeSpanV05(b []byte, s *Span) ([]byte, error) {
	n, b, err := readArrayHeader(b)
	if err != nil {
		return b, err
	}
	if n < v05SpanFields {
		return b, fmt.Errorf("expected %d fields, found %d", v05SpanFields, n)
	}
	if s.Service, b, err = d.str05(b); err != nil {
		return b, fmt.Errorf("service: %w", err)
	}
	if s.Name, b, err = d.str05(b); err != nil {
		return b, fmt.Errorf("name: %w", err)
	}
	if s.Resource, b, err = d.str05(b); err != nil {
		return b, fmt.Errorf("resource: %w", err)
	}
	if s.TraceID, b, err = readUint64(b); err != nil {
		return b, fmt.Errorf("trace_id: %w", err)
	}
	if s.SpanID, b, err = readUint64(b); err != nil {
		return b, fmt.Errorf("span_id: %w", err)
	}
	if s.ParentID, b, err = readUint64(b); err != nil {
		return b, fmt.Errorf("parent_id: %w", err)
	}
	if s.Start, b, err = readInt64(b); err != nil {
		return b, fmt.Errorf("start: %w", err)
	}
	if s.Duration, b, err = readInt64(b); err != nil {
		return b, fmt.Errorf("duration: %w", err)
	}
	if s.Error, b, err = readBool(b); err != nil {
		return b, fmt.Errorf("error: %w", err)
	}
	var m int
	if m, b, err = readMapHeader(b); err != nil {
		return b, fmt.Errorf("meta: %w", err)
	}
	for range m {
		var k, v string
		if k, b, err = d.str05(b); err != nil {
			return b, fmt.Errorf("meta key: %w", err)
		}
		if v, b, err = d.str05(b); err != nil {
			return b, fmt.Errorf("meta value: %w", err)
		}
		s.addStr(k, v)
	}
	if m, b, err = readMapHeader(b); err != nil {
		return b, fmt.Errorf("metrics: %w", err)
	}
	for range m {
		var k string
		var v float64
		if k, b, err = d.str05(b); err != nil {
			return b, fmt.Errorf("metrics key: %w", err)
		}
		if v, b, err = readFloat(b); err != nil {
			return b, fmt.Errorf("metrics value: %w", err)
		}
		s.addNum(k, v)
	}
	if s.Type, b, err = d.str05(b); err != nil {
		return b, fmt.Errorf("type: %w", err)
	}
	for range n - v05SpanFields {
		if b, err = skip(b); err != nil {
			return b, err
		}
	}
	return b, nil
}
