package jaeger

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// Protocol is a Thrift wire protocol.
type Protocol int

const (
	// Binary is TBinaryProtocol: what clients post to /api/traces and send
	// to the agent's port 6832.
	Binary Protocol = iota
	// Compact is TCompactProtocol: what clients send to the agent's port 6831.
	Compact
)

func (p Protocol) String() string {
	if p == Compact {
		return "compact"
	}
	return "binary"
}

// Thrift type ids (TType), as the binary protocol writes them and the
// compact protocol's types map to.
const (
	tStop   = 0
	tBool   = 2
	tByte   = 3
	tDouble = 4
	tI16    = 6
	tI32    = 8
	tI64    = 10
	tString = 11
	tStruct = 12
	tMap    = 13
	tSet    = 14
	tList   = 15
	tUUID   = 16
)

// compactTypes maps a compact type nibble to its TType; -1 is unknown
// (apache/thrift fails on it when reading a field or list header).
var compactTypes = [16]int8{
	0: tStop, 1: tBool, 2: tBool, 3: tByte, 4: tI16, 5: tI32, 6: tI64,
	7: tDouble, 8: tString, 9: tList, 10: tSet, 11: tMap, 12: tStruct, 13: tUUID,
	14: -1, 15: -1,
}

// skipDepth is apache/thrift's DEFAULT_RECURSION_DEPTH: how deep an unknown
// field may nest before skipping it fails.
const skipDepth = 64

// maxMessageSize is apache/thrift's default TConfiguration.MaxMessageSize,
// the largest string or container size it accepts.
const maxMessageSize = 100 * 1024 * 1024

var errTruncated = errors.New("truncated")

// wireError says what went wrong and where (byte offset in the input).
type wireError struct {
	at  int
	msg string
	err error
}

func (e *wireError) Error() string {
	if e.err != nil {
		return fmt.Sprintf("at byte %d: %s: %v", e.at, e.msg, e.err)
	}
	return fmt.Sprintf("at byte %d: %s", e.at, e.msg)
}

func (e *wireError) Unwrap() error { return e.err }

// reader reads Thrift values from an in-memory message. Every length the
// message declares is checked against what is left before it is used, so a
// bad length costs nothing. It follows apache/thrift's Go library (v0.24)
// wherever that decides what is valid: the compact protocol's field-id
// deltas and boolean fields, the varint limit of 10 bytes, negative sizes
// failing, the skip depth.
type reader struct {
	buf     []byte
	pos     int
	compact bool

	// compact protocol state: the last field id of each open struct, and
	// the value of a boolean field held in its header.
	lastField  int16
	fieldStack []int16
	boolValue  bool
	boolHeld   bool
}

func (r *reader) fail(msg string) error {
	return &wireError{at: r.pos, msg: msg}
}

func (r *reader) truncated(what string) error {
	return &wireError{at: r.pos, msg: what, err: errTruncated}
}

func (r *reader) remaining() int { return len(r.buf) - r.pos }

func (r *reader) byte1() (byte, error) {
	if r.pos >= len(r.buf) {
		return 0, r.truncated("reading a byte")
	}
	b := r.buf[r.pos]
	r.pos++
	return b, nil
}

func (r *reader) fixed(n int) ([]byte, error) {
	if r.remaining() < n {
		return nil, r.truncated(fmt.Sprintf("reading %d bytes", n))
	}
	b := r.buf[r.pos : r.pos+n]
	r.pos += n
	return b, nil
}

func (r *reader) varint() (uint64, error) {
	var v uint64
	var shift uint
	for range 10 {
		b, err := r.byte1()
		if err != nil {
			return 0, err
		}
		v |= uint64(b&0x7f) << shift
		if b&0x80 == 0 {
			return v, nil
		}
		shift += 7
	}
	return 0, r.fail("variable-length int over 10 bytes")
}

func zigzag64(u uint64) int64 { return int64(u>>1) ^ -int64(u&1) }

func zigzag32(u uint32) int32 { return int32(u>>1) ^ -int32(u&1) }

func (r *reader) i16() (int16, error) {
	if r.compact {
		v, err := r.i32()
		return int16(v), err
	}
	b, err := r.fixed(2)
	if err != nil {
		return 0, err
	}
	return int16(binary.BigEndian.Uint16(b)), nil
}

func (r *reader) i32() (int32, error) {
	if r.compact {
		u, err := r.varint()
		return zigzag32(uint32(u)), err
	}
	b, err := r.fixed(4)
	if err != nil {
		return 0, err
	}
	return int32(binary.BigEndian.Uint32(b)), nil
}

func (r *reader) i64() (int64, error) {
	if r.compact {
		u, err := r.varint()
		return zigzag64(u), err
	}
	b, err := r.fixed(8)
	if err != nil {
		return 0, err
	}
	return int64(binary.BigEndian.Uint64(b)), nil
}

func (r *reader) double() (float64, error) {
	b, err := r.fixed(8)
	if err != nil {
		return 0, err
	}
	if r.compact {
		return math.Float64frombits(binary.LittleEndian.Uint64(b)), nil
	}
	return math.Float64frombits(binary.BigEndian.Uint64(b)), nil
}

func (r *reader) boolean() (bool, error) {
	if r.boolHeld {
		r.boolHeld = false
		return r.boolValue, nil
	}
	b, err := r.byte1()
	return b == 1, err
}

// size reads a string or container length as the protocol writes it.
func (r *reader) size() (int, error) {
	var n int32
	if r.compact {
		u, err := r.varint()
		if err != nil {
			return 0, err
		}
		n = int32(u)
	} else {
		v, err := r.i32()
		if err != nil {
			return 0, err
		}
		n = v
	}
	if n < 0 {
		return 0, r.fail(fmt.Sprintf("negative size: %d", n))
	}
	if n > maxMessageSize {
		return 0, r.fail(fmt.Sprintf("size exceeded max allowed: %d", n))
	}
	return int(n), nil
}

// bytes returns the position and length of a string or binary value; the
// caller slices the input (nothing is allocated here).
func (r *reader) bytes() (span, error) {
	n, err := r.size()
	if err != nil {
		return span{}, err
	}
	if n > r.remaining() {
		return span{}, r.truncated(fmt.Sprintf("a string of %d bytes with %d left", n, r.remaining()))
	}
	s := span{off: int32(r.pos), n: int32(n)}
	r.pos += n
	return s, nil
}

// span locates a string in the input.
type span struct{ off, n int32 }

func (r *reader) structBegin() {
	if r.compact {
		r.fieldStack = append(r.fieldStack, r.lastField)
		r.lastField = 0
	}
}

func (r *reader) structEnd() {
	if r.compact {
		r.lastField = r.fieldStack[len(r.fieldStack)-1]
		r.fieldStack = r.fieldStack[:len(r.fieldStack)-1]
	}
}

// field reads a field header; typ is tStop at the end of the struct.
func (r *reader) field() (typ int, id int16, err error) {
	t, err := r.byte1()
	if err != nil {
		return 0, 0, err
	}
	if !r.compact {
		if t == tStop {
			return tStop, 0, nil
		}
		id, err = r.i16()
		return int(t), id, err
	}
	if t&0x0f == 0 {
		return tStop, 0, nil
	}
	if delta := int16(t >> 4); delta == 0 {
		if id, err = r.i16(); err != nil {
			return 0, 0, err
		}
	} else {
		id = r.lastField + delta
	}
	ct := compactTypes[t&0x0f]
	if ct < 0 {
		return 0, 0, r.fail(fmt.Sprintf("don't know what type: %d", t&0x0f))
	}
	if ct == tBool {
		r.boolValue = t&0x0f == 1
		r.boolHeld = true
	}
	r.lastField = id
	return int(ct), id, nil
}

// list reads a list (or set) header. The element count is checked against
// the bytes left (every element takes at least one byte), so it is safe to
// size scratch space from it.
func (r *reader) list() (elem int, n int, err error) {
	if r.compact {
		b, err := r.byte1()
		if err != nil {
			return 0, 0, err
		}
		n = int(b >> 4)
		if n == 15 {
			u, err := r.varint()
			if err != nil {
				return 0, 0, err
			}
			n = int(int32(u))
		}
		ct := compactTypes[b&0x0f]
		if ct < 0 {
			return 0, 0, r.fail(fmt.Sprintf("don't know what type: %d", b&0x0f))
		}
		elem = int(ct)
	} else {
		b, err := r.byte1()
		if err != nil {
			return 0, 0, err
		}
		elem = int(int8(b))
		v, err := r.i32()
		if err != nil {
			return 0, 0, err
		}
		n = int(v)
	}
	if n < 0 {
		return 0, 0, r.fail(fmt.Sprintf("negative size: %d", n))
	}
	if int64(n)*int64(r.minSize(elem)) > maxMessageSize {
		return 0, 0, r.fail(fmt.Sprintf("size exceeded max allowed: %d", n))
	}
	if n > r.remaining() {
		return 0, 0, r.truncated(fmt.Sprintf("a list of %d elements with %d bytes left", n, r.remaining()))
	}
	return elem, n, nil
}

// minSize is apache/thrift's minimum wire size of a value of type t, used
// (as it does) to refuse containers that could not fit in a message.
func (r *reader) minSize(t int) int {
	switch t {
	case tDouble:
		return 8
	case tUUID:
		return 16
	case tI16:
		if !r.compact {
			return 2
		}
	case tI32, tString, tMap, tSet, tList:
		if !r.compact {
			return 4
		}
	case tI64:
		if !r.compact {
			return 8
		}
	}
	return 1
}

func (r *reader) mapHeader() (k, v int, n int, err error) {
	if r.compact {
		u, err := r.varint()
		if err != nil {
			return 0, 0, 0, err
		}
		n = int(int32(u))
		kv := byte(0)
		if n != 0 {
			if kv, err = r.byte1(); err != nil {
				return 0, 0, 0, err
			}
		}
		// apache/thrift ignores an unknown key or value type here (it
		// becomes STOP, which fails when an element is skipped).
		k, v = int(max(compactTypes[kv>>4], 0)), int(max(compactTypes[kv&0x0f], 0))
	} else {
		b, err := r.fixed(2)
		if err != nil {
			return 0, 0, 0, err
		}
		k, v = int(int8(b[0])), int(int8(b[1]))
		s, err := r.i32()
		if err != nil {
			return 0, 0, 0, err
		}
		n = int(s)
	}
	if n < 0 {
		return 0, 0, 0, r.fail(fmt.Sprintf("negative size: %d", n))
	}
	if int64(n)*int64(r.minSize(k)+r.minSize(v)) > maxMessageSize {
		return 0, 0, 0, r.fail(fmt.Sprintf("size exceeded max allowed: %d", n))
	}
	if n > r.remaining() {
		return 0, 0, 0, r.truncated(fmt.Sprintf("a map of %d entries with %d bytes left", n, r.remaining()))
	}
	return k, v, n, nil
}

// skip reads past a value of type t, as apache/thrift's Skip does (same
// depth limit, same types).
func (r *reader) skip(t int, depth int) error {
	if depth <= 0 {
		return r.fail("depth limit exceeded")
	}
	var err error
	switch t {
	case tBool:
		_, err = r.boolean()
	case tByte:
		_, err = r.byte1()
	case tI16:
		_, err = r.i16()
	case tI32:
		_, err = r.i32()
	case tI64:
		_, err = r.i64()
	case tDouble:
		_, err = r.fixed(8)
	case tString:
		_, err = r.bytes()
	case tUUID:
		_, err = r.fixed(16)
	case tStruct:
		r.structBegin()
		for {
			ft, _, err := r.field()
			if err != nil {
				return err
			}
			if ft == tStop {
				break
			}
			if err := r.skip(ft, depth-1); err != nil {
				return err
			}
		}
		r.structEnd()
	case tMap:
		k, v, n, err := r.mapHeader()
		if err != nil {
			return err
		}
		for range n {
			if err := r.skip(k, depth-1); err != nil {
				return err
			}
			if err := r.skip(v, depth-1); err != nil {
				return err
			}
		}
	case tSet, tList:
		e, n, err := r.list()
		if err != nil {
			return err
		}
		for range n {
			if err := r.skip(e, depth-1); err != nil {
				return err
			}
		}
	default:
		return r.fail(fmt.Sprintf("unknown data type %d", t))
	}
	return err
}
