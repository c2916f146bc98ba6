package jaeger

import (
	"fmt"
	"unsafe"

	"go.opentelemetry.io/collector/pdata/ptrace"
)

// minSpanBytes is the least a span can take on the wire (its eight
// required fields in the compact protocol, one header and one value byte
// each, and the stop byte): the span capacity reserved for a list is the
// smaller of its declared count and what the bytes left could hold.
const minSpanBytes = 17

// Decoder decodes Jaeger Thrift batches into pdata. It keeps scratch space
// between calls, so one Decoder serves one goroutine at a time; the zero
// value is ready to use.
type Decoder struct {
	r      reader
	tags   []tag // the current span's tags
	logs   []logRec
	fields []tag // the current span's log fields
	refs   []ref
	ptags  []tag // the process's tags
	proc   procRec
	tr     translator
	keys   map[string]string // interned tag keys
}

type procRec struct {
	service span
	hasTags bool
	present bool
}

// Result says what a decoded batch held.
type Result struct {
	// Spans is the length of the batch's span list, blank spans included
	// (what contrib's receiver counts as received).
	Spans int
}

// DecodeBatch decodes a jaeger.thrift Batch struct, as posted to a
// collector's /api/traces.
func (d *Decoder) DecodeBatch(body []byte, p Protocol) (ptrace.Traces, Result, error) {
	d.reset(body, p)
	td := ptrace.NewTraces()
	n, err := d.batch(td)
	if err != nil {
		return ptrace.NewTraces(), Result{}, fmt.Errorf("jaeger thrift %s batch: %w", p, err)
	}
	return td, Result{Spans: n}, nil
}

func (d *Decoder) reset(body []byte, p Protocol) {
	d.r = reader{buf: body, compact: p == Compact, fieldStack: d.r.fieldStack[:0]}
	d.tags, d.logs, d.fields, d.refs, d.ptags = d.tags[:0], d.logs[:0], d.fields[:0], d.refs[:0], d.ptags[:0]
	d.proc = procRec{}
}

// batch reads a Batch into td. Like the generated code, a repeated field
// replaces the earlier one (a second span list drops the first's spans),
// unknown fields are skipped, and a missing required field fails.
func (d *Decoder) batch(td ptrace.Traces) (int, error) {
	r := &d.r
	rs := td.ResourceSpans().AppendEmpty()
	var ss ptrace.ScopeSpans
	hasScope, hasSpans, nSpans := false, false, 0
	r.structBegin()
	for {
		typ, id, err := r.field()
		if err != nil {
			return 0, err
		}
		if typ == tStop {
			break
		}
		switch {
		case id == 1 && typ == tStruct:
			if err := d.process(); err != nil {
				return 0, fmt.Errorf("process: %w", err)
			}
		case id == 2 && typ == tList:
			if hasScope {
				rs.ScopeSpans().RemoveIf(func(ptrace.ScopeSpans) bool { return true })
				hasScope = false
			}
			_, n, err := r.list()
			if err != nil {
				return 0, fmt.Errorf("span list: %w", err)
			}
			hasSpans, nSpans = true, n
			if n > 0 {
				ss = rs.ScopeSpans().AppendEmpty()
				hasScope = true
				ss.Spans().EnsureCapacity(min(n, r.remaining()/minSpanBytes))
			}
			for i := range n {
				if err := d.span(ss.Spans()); err != nil {
					return 0, fmt.Errorf("span %d: %w", i, err)
				}
			}
		case id == 3 && typ == tI64:
			if _, err := r.i64(); err != nil {
				return 0, err
			}
		case id == 4 && typ == tStruct:
			if err := d.clientStats(); err != nil {
				return 0, fmt.Errorf("stats: %w", err)
			}
		default:
			if err := r.skip(typ, skipDepth); err != nil {
				return 0, err
			}
		}
	}
	r.structEnd()
	if !d.proc.present {
		return 0, r.fail("required field Process is not set")
	}
	if !hasSpans {
		return 0, r.fail("required field Spans is not set")
	}
	d.tr.resource(d, rs.Resource())
	return nSpans, nil
}

func (d *Decoder) process() error {
	r := &d.r
	d.proc = procRec{present: true}
	d.ptags = d.ptags[:0]
	hasName := false
	r.structBegin()
	for {
		typ, id, err := r.field()
		if err != nil {
			return err
		}
		if typ == tStop {
			break
		}
		switch {
		case id == 1 && typ == tString:
			if d.proc.service, err = r.bytes(); err != nil {
				return err
			}
			hasName = true
		case id == 2 && typ == tList:
			d.ptags = d.ptags[:0]
			d.proc.hasTags = true
			if d.ptags, err = d.tagList(d.ptags); err != nil {
				return err
			}
		default:
			if err := r.skip(typ, skipDepth); err != nil {
				return err
			}
		}
	}
	r.structEnd()
	if !hasName {
		return r.fail("required field ServiceName is not set")
	}
	return nil
}

func (d *Decoder) clientStats() error {
	r := &d.r
	var set [3]bool
	r.structBegin()
	for {
		typ, id, err := r.field()
		if err != nil {
			return err
		}
		if typ == tStop {
			break
		}
		if id >= 1 && id <= 3 && typ == tI64 {
			if _, err := r.i64(); err != nil {
				return err
			}
			set[id-1] = true
			continue
		}
		if err := r.skip(typ, skipDepth); err != nil {
			return err
		}
	}
	r.structEnd()
	if !set[0] || !set[1] || !set[2] {
		return r.fail("a required field of ClientStats is not set")
	}
	return nil
}

// span reads one Span and, unless it is blank, appends it to dest.
func (d *Decoder) span(dest ptrace.SpanSlice) error {
	r := &d.r
	var s spanRec
	var set [9]bool // required fields by id (1-5, 7-9)
	d.tags, d.logs, d.fields, d.refs = d.tags[:0], d.logs[:0], d.fields[:0], d.refs[:0]
	r.structBegin()
	for {
		typ, id, err := r.field()
		if err != nil {
			return err
		}
		if typ == tStop {
			break
		}
		switch {
		case (id >= 1 && id <= 4 || id == 8 || id == 9) && typ == tI64:
			v, err := r.i64()
			if err != nil {
				return err
			}
			switch id {
			case 1:
				s.traceLow = v
			case 2:
				s.traceHigh = v
			case 3:
				s.spanID = v
			case 4:
				s.parentID = v
			case 8:
				s.start = v
			case 9:
				s.duration = v
			}
			set[id-1] = true
		case id == 5 && typ == tString:
			if s.name, err = r.bytes(); err != nil {
				return err
			}
			set[4] = true
		case id == 7 && typ == tI32:
			if s.flags, err = r.i32(); err != nil {
				return err
			}
			set[6] = true
		case id == 6 && typ == tList:
			d.refs, s.hasRefs = d.refs[:0], true
			if err := d.refList(); err != nil {
				return fmt.Errorf("references: %w", err)
			}
		case id == 10 && typ == tList:
			d.tags, s.hasTags = d.tags[:0], true
			if d.tags, err = d.tagList(d.tags); err != nil {
				return fmt.Errorf("tags: %w", err)
			}
		case id == 11 && typ == tList:
			d.logs, d.fields, s.hasLogs = d.logs[:0], d.fields[:0], true
			if err := d.logList(); err != nil {
				return fmt.Errorf("logs: %w", err)
			}
		default:
			if err := r.skip(typ, skipDepth); err != nil {
				return err
			}
		}
	}
	r.structEnd()
	for i, name := range [9]string{"TraceIdLow", "TraceIdHigh", "SpanId", "ParentSpanId", "OperationName", "", "Flags", "StartTime", "Duration"} {
		if name != "" && !set[i] {
			return r.fail("required field " + name + " is not set")
		}
	}
	if s.blank() {
		return nil
	}
	d.tr.span(d, &s, dest.AppendEmpty())
	return nil
}

func (d *Decoder) tagList(dst []tag) ([]tag, error) {
	r := &d.r
	_, n, err := r.list()
	if err != nil {
		return dst, err
	}
	for i := range n {
		var t tag
		if err := d.tag(&t); err != nil {
			return dst, fmt.Errorf("tag %d: %w", i, err)
		}
		dst = append(dst, t)
	}
	return dst, nil
}

func (d *Decoder) tag(t *tag) error {
	r := &d.r
	hasKey, hasType := false, false
	r.structBegin()
	for {
		typ, id, err := r.field()
		if err != nil {
			return err
		}
		if typ == tStop {
			break
		}
		switch {
		case id == 1 && typ == tString:
			if t.key, err = r.bytes(); err != nil {
				return err
			}
			hasKey = true
		case id == 2 && typ == tI32:
			if t.vType, err = r.i32(); err != nil {
				return err
			}
			hasType = true
		case id == 3 && typ == tString:
			if t.str, err = r.bytes(); err != nil {
				return err
			}
		case id == 4 && typ == tDouble:
			if t.dbl, err = r.double(); err != nil {
				return err
			}
		case id == 5 && typ == tBool:
			if t.b, err = r.boolean(); err != nil {
				return err
			}
		case id == 6 && typ == tI64:
			v, err := r.i64()
			if err != nil {
				return err
			}
			t.num = uint64(v)
		case id == 7 && typ == tString:
			if t.bin, err = r.bytes(); err != nil {
				return err
			}
		default:
			if err := r.skip(typ, skipDepth); err != nil {
				return err
			}
		}
	}
	r.structEnd()
	if !hasKey {
		return r.fail("required field Key is not set")
	}
	if !hasType {
		return r.fail("required field VType is not set")
	}
	return nil
}

func (d *Decoder) logList() error {
	r := &d.r
	_, n, err := r.list()
	if err != nil {
		return err
	}
	for i := range n {
		if err := d.log(); err != nil {
			return fmt.Errorf("log %d: %w", i, err)
		}
	}
	return nil
}

func (d *Decoder) log() error {
	r := &d.r
	l := logRec{fields: len(d.fields), end: len(d.fields)}
	hasTS := false
	r.structBegin()
	for {
		typ, id, err := r.field()
		if err != nil {
			return err
		}
		if typ == tStop {
			break
		}
		switch {
		case id == 1 && typ == tI64:
			if l.ts, err = r.i64(); err != nil {
				return err
			}
			hasTS = true
		case id == 2 && typ == tList:
			// A repeated list replaces the earlier one.
			d.fields = d.fields[:l.fields]
			if d.fields, err = d.tagList(d.fields); err != nil {
				return fmt.Errorf("fields: %w", err)
			}
			l.end = len(d.fields)
			l.fieldsIsList = true
		default:
			if err := r.skip(typ, skipDepth); err != nil {
				return err
			}
		}
	}
	r.structEnd()
	if !hasTS {
		return r.fail("required field Timestamp is not set")
	}
	if !l.fieldsIsList {
		return r.fail("required field Fields is not set")
	}
	d.logs = append(d.logs, l)
	return nil
}

func (d *Decoder) refList() error {
	r := &d.r
	_, n, err := r.list()
	if err != nil {
		return err
	}
	for i := range n {
		var f ref
		var set [4]bool
		r.structBegin()
		for {
			typ, id, err := r.field()
			if err != nil {
				return fmt.Errorf("reference %d: %w", i, err)
			}
			if typ == tStop {
				break
			}
			switch {
			case id == 1 && typ == tI32:
				if f.refType, err = r.i32(); err != nil {
					return err
				}
				set[0] = true
			case id >= 2 && id <= 4 && typ == tI64:
				v, err := r.i64()
				if err != nil {
					return err
				}
				switch id {
				case 2:
					f.traceLow = v
				case 3:
					f.traceHigh = v
				case 4:
					f.spanID = v
				}
				set[id-1] = true
			default:
				if err := r.skip(typ, skipDepth); err != nil {
					return err
				}
			}
		}
		r.structEnd()
		if !set[0] || !set[1] || !set[2] || !set[3] {
			return fmt.Errorf("reference %d: %w", i, r.fail("a required field of SpanRef is not set"))
		}
		d.refs = append(d.refs, f)
	}
	return nil
}

// owned holds the strings of one span or of the process, copied out of the
// input into one allocation (their spans relocated into it), so the traces
// never point into the caller's input; tag keys come from the decoder's
// intern table instead. src is the input, for binary values (copied on
// their own).
type owned struct {
	buf []byte
	src []byte
	d   *Decoder
}

func (o owned) str(s span) string {
	if s.n == 0 {
		return ""
	}
	return unsafe.String(&o.buf[s.off], int(s.n))
}

// key returns a tag key: interned, as keys repeat from span to span.
func (o owned) key(s span) string {
	return o.d.intern(o.src[s.off : s.off+s.n])
}

// bytes returns a separate copy: pdata byte slices are mutable, strings
// sharing their memory must not be.
func (o owned) bytes(s span) []byte {
	if s.n == 0 {
		return nil
	}
	return append([]byte(nil), o.src[s.off:s.off+s.n]...)
}

// Interned keys: up to maxInterned keys of up to maxInternLen bytes each,
// kept for the decoder's lifetime (the table stops growing when full).
const (
	maxInterned  = 4096
	maxInternLen = 128
)

func (d *Decoder) intern(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if s, ok := d.keys[string(b)]; ok { // no allocation for the lookup
		return s
	}
	s := string(b)
	if len(b) <= maxInternLen && len(d.keys) < maxInterned {
		if d.keys == nil {
			d.keys = make(map[string]string)
		}
		d.keys[s] = s
	}
	return s
}

// own copies the strings the span's tags, logs and name hold (keys apart)
// into one allocation and points their spans at it.
func (d *Decoder) own(name *span, lists ...[]tag) owned {
	n := int(name.n)
	for _, l := range lists {
		for i := range l {
			if l[i].vType == tagString {
				n += int(l[i].str.n)
			}
		}
	}
	o := owned{buf: make([]byte, 0, n), src: d.r.buf, d: d}
	move := func(s *span) {
		if s.n == 0 {
			return
		}
		at := len(o.buf)
		o.buf = append(o.buf, d.r.buf[s.off:s.off+s.n]...)
		s.off = int32(at)
	}
	move(name)
	for _, l := range lists {
		for i := range l {
			if l[i].vType == tagString {
				move(&l[i].str)
			}
		}
	}
	return o
}
