package jaeger

// Scratch records of what a batch holds, as offsets into the input: filled
// while a span is read, turned into pdata when it ends, then reused for the
// next span. Field ids and defaults are jaeger.thrift's (jaeger-idl).

// Tag value types (jaeger.thrift TagType).
const (
	tagString = 0
	tagDouble = 1
	tagBool   = 2
	tagLong   = 3
	tagBinary = 4
)

// Reference types (jaeger.thrift SpanRefType).
const (
	refChildOf     = 0
	refFollowsFrom = 1
)

type tag struct {
	key   span
	vType int32
	str   span
	num   uint64 // vLong, or vDouble's bits
	dbl   float64
	b     bool
	bin   span
}

type logRec struct {
	ts           int64
	fields, end  int // d.fields[fields:end]
	fieldsIsList bool
}

type ref struct {
	refType             int32
	traceLow, traceHigh int64
	spanID              int64
}

// spanRec is one span's fixed fields; its tags, logs and references are in
// the decoder's scratch slices.
type spanRec struct {
	traceLow, traceHigh, spanID, parentID int64
	name                                  span
	flags                                 int32
	start, duration                       int64
	hasRefs, hasTags, hasLogs             bool
}

// blank is what contrib skips: a span whose every field is the zero value
// and that has no reference, tag or log list at all.
func (s *spanRec) blank() bool {
	return s.traceLow == 0 && s.traceHigh == 0 && s.spanID == 0 && s.parentID == 0 &&
		s.name.n == 0 && s.flags == 0 && s.start == 0 && s.duration == 0 &&
		!s.hasRefs && !s.hasTags && !s.hasLogs
}
