package datadog

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"unsafe"
)

// A small msgpack reader over a byte slice. Every function returns the rest of
// the input after the value it read; none of them allocates. Strings are views
// into the input (see the package doc).

var (
	errShort = errors.New("msgpack: unexpected end of payload")
	errDepth = errors.New("msgpack: nesting too deep")
)

// typeError reports a value of an unexpected msgpack type.
type typeError struct {
	want string
	got  byte
}

func (e typeError) Error() string {
	return fmt.Sprintf("msgpack: expected %s, found type byte 0x%02x", e.want, e.got)
}

// maxDepth bounds recursion when skipping or converting nested values, so a
// hostile payload cannot exhaust the stack.
const maxDepth = 64

func isNil(b []byte) bool { return len(b) > 0 && b[0] == 0xc0 }

func isStrType(c byte) bool { return c&0xe0 == 0xa0 || c == 0xd9 || c == 0xda || c == 0xdb }

func isMapType(c byte) bool { return c&0xf0 == 0x80 || c == 0xde || c == 0xdf }

func isArrayType(c byte) bool { return c&0xf0 == 0x90 || c == 0xdc || c == 0xdd }

// checkCount rejects a container header that claims more elements than bytes
// remain (every element takes at least one byte), so a forged count cannot make
// a caller loop or allocate for billions of elements.
func checkCount(n uint64, perElem int, rest []byte) (int, error) {
	if n > uint64(len(rest)/perElem) {
		return 0, errShort
	}
	return int(n), nil
}

// readMapHeader reads a map header; nil counts as an empty map.
func readMapHeader(b []byte) (int, []byte, error) {
	if len(b) == 0 {
		return 0, b, errShort
	}
	c := b[0]
	var n uint64
	switch {
	case c&0xf0 == 0x80:
		n, b = uint64(c&0x0f), b[1:]
	case c == 0xde:
		if len(b) < 3 {
			return 0, b, errShort
		}
		n, b = uint64(binary.BigEndian.Uint16(b[1:])), b[3:]
	case c == 0xdf:
		if len(b) < 5 {
			return 0, b, errShort
		}
		n, b = uint64(binary.BigEndian.Uint32(b[1:])), b[5:]
	case c == 0xc0:
		return 0, b[1:], nil
	default:
		return 0, b, typeError{"map", c}
	}
	cnt, err := checkCount(n, 2, b)
	return cnt, b, err
}

// readArrayHeader reads an array header; nil counts as an empty array.
func readArrayHeader(b []byte) (int, []byte, error) {
	if len(b) == 0 {
		return 0, b, errShort
	}
	c := b[0]
	var n uint64
	switch {
	case c&0xf0 == 0x90:
		n, b = uint64(c&0x0f), b[1:]
	case c == 0xdc:
		if len(b) < 3 {
			return 0, b, errShort
		}
		n, b = uint64(binary.BigEndian.Uint16(b[1:])), b[3:]
	case c == 0xdd:
		if len(b) < 5 {
			return 0, b, errShort
		}
		n, b = uint64(binary.BigEndian.Uint32(b[1:])), b[5:]
	case c == 0xc0:
		return 0, b[1:], nil
	default:
		return 0, b, typeError{"array", c}
	}
	cnt, err := checkCount(n, 1, b)
	return cnt, b, err
}

// readStrBytes reads a str (or bin, which some tracers use for strings) and
// returns a view of its bytes; nil reads as empty.
func readStrBytes(b []byte) ([]byte, []byte, error) {
	if len(b) == 0 {
		return nil, b, errShort
	}
	c := b[0]
	var n, hdr int
	switch {
	case c&0xe0 == 0xa0:
		n, hdr = int(c&0x1f), 1
	case c == 0xd9 || c == 0xc4:
		if len(b) < 2 {
			return nil, b, errShort
		}
		n, hdr = int(b[1]), 2
	case c == 0xda || c == 0xc5:
		if len(b) < 3 {
			return nil, b, errShort
		}
		n, hdr = int(binary.BigEndian.Uint16(b[1:])), 3
	case c == 0xdb || c == 0xc6:
		if len(b) < 5 {
			return nil, b, errShort
		}
		u := binary.BigEndian.Uint32(b[1:])
		if uint64(u) > uint64(len(b)) {
			return nil, b, errShort
		}
		n, hdr = int(u), 5
	case c == 0xc0:
		return nil, b[1:], nil
	default:
		return nil, b, typeError{"string", c}
	}
	if len(b) < hdr+n {
		return nil, b, errShort
	}
	return b[hdr : hdr+n : hdr+n], b[hdr+n:], nil
}

// readStr is readStrBytes returning a string that aliases the input.
func readStr(b []byte) (string, []byte, error) {
	v, rest, err := readStrBytes(b)
	return bytesView(v), rest, err
}

func bytesView(v []byte) string {
	if len(v) == 0 {
		return ""
	}
	return unsafe.String(&v[0], len(v))
}

// readBin reads a bin (or str) value as bytes.
func readBin(b []byte) ([]byte, []byte, error) { return readStrBytes(b) }

// number kinds returned by readNumber.
const (
	numInt = iota
	numUint
	numFloat
)

// readNumber reads any msgpack number (or bool, or nil as 0). Tracers disagree
// on the integer width and signedness of ids and timestamps, so every numeric
// field accepts every numeric encoding.
func readNumber(b []byte) (kind int, i int64, u uint64, f float64, rest []byte, err error) {
	if len(b) == 0 {
		return 0, 0, 0, 0, b, errShort
	}
	c := b[0]
	need := func(n int) bool { return len(b) >= 1+n }
	switch {
	case c <= 0x7f:
		return numUint, 0, uint64(c), 0, b[1:], nil
	case c >= 0xe0:
		return numInt, int64(int8(c)), 0, 0, b[1:], nil
	}
	switch c {
	case 0xc0, 0xc2:
		return numUint, 0, 0, 0, b[1:], nil
	case 0xc3:
		return numUint, 0, 1, 0, b[1:], nil
	case 0xcc:
		if need(1) {
			return numUint, 0, uint64(b[1]), 0, b[2:], nil
		}
	case 0xcd:
		if need(2) {
			return numUint, 0, uint64(binary.BigEndian.Uint16(b[1:])), 0, b[3:], nil
		}
	case 0xce:
		if need(4) {
			return numUint, 0, uint64(binary.BigEndian.Uint32(b[1:])), 0, b[5:], nil
		}
	case 0xcf:
		if need(8) {
			return numUint, 0, binary.BigEndian.Uint64(b[1:]), 0, b[9:], nil
		}
	case 0xd0:
		if need(1) {
			return numInt, int64(int8(b[1])), 0, 0, b[2:], nil
		}
	case 0xd1:
		if need(2) {
			return numInt, int64(int16(binary.BigEndian.Uint16(b[1:]))), 0, 0, b[3:], nil
		}
	case 0xd2:
		if need(4) {
			return numInt, int64(int32(binary.BigEndian.Uint32(b[1:]))), 0, 0, b[5:], nil
		}
	case 0xd3:
		if need(8) {
			return numInt, int64(binary.BigEndian.Uint64(b[1:])), 0, 0, b[9:], nil
		}
	case 0xca:
		if need(4) {
			return numFloat, 0, 0, float64(math.Float32frombits(binary.BigEndian.Uint32(b[1:]))), b[5:], nil
		}
	case 0xcb:
		if need(8) {
			return numFloat, 0, 0, math.Float64frombits(binary.BigEndian.Uint64(b[1:])), b[9:], nil
		}
	default:
		return 0, 0, 0, 0, b, typeError{"number", c}
	}
	return 0, 0, 0, 0, b, errShort
}

// readUint64 reads any number as a uint64 (negative ints keep their bits, as
// the Agent does for ids sent as int64).
func readUint64(b []byte) (uint64, []byte, error) {
	k, i, u, f, rest, err := readNumber(b)
	switch k {
	case numInt:
		return uint64(i), rest, err
	case numFloat:
		if f < 0 || f >= math.MaxUint64 || f != f {
			return 0, rest, err
		}
		return uint64(f), rest, err
	}
	return u, rest, err
}

// readInt64 reads any number as an int64.
func readInt64(b []byte) (int64, []byte, error) {
	k, i, u, f, rest, err := readNumber(b)
	switch k {
	case numUint:
		return int64(u), rest, err
	case numFloat:
		if f != f || f >= math.MaxInt64 || f <= math.MinInt64 {
			return 0, rest, err
		}
		return int64(f), rest, err
	}
	return i, rest, err
}

// readFloat reads any number as a float64.
func readFloat(b []byte) (float64, []byte, error) {
	k, i, u, f, rest, err := readNumber(b)
	switch k {
	case numInt:
		return float64(i), rest, err
	case numUint:
		return float64(u), rest, err
	}
	return f, rest, err
}

// readBool reads a bool, also accepting numbers (non-zero is true).
func readBool(b []byte) (bool, []byte, error) {
	if len(b) > 0 && (b[0] == 0xc2 || b[0] == 0xc3) {
		return b[0] == 0xc3, b[1:], nil
	}
	v, rest, err := readFloat(b)
	return v != 0, rest, err
}

// skip skips one complete value of any type.
func skip(b []byte) ([]byte, error) { return skipDepth(b, 0) }

func skipDepth(b []byte, depth int) ([]byte, error) {
	if depth > maxDepth {
		return b, errDepth
	}
	if len(b) == 0 {
		return b, errShort
	}
	c := b[0]
	switch {
	case c <= 0x7f || c >= 0xe0 || c == 0xc0 || c == 0xc2 || c == 0xc3:
		return b[1:], nil
	case isMapType(c) || isArrayType(c):
		var n int
		var err error
		perElem := 1
		if isMapType(c) {
			n, b, err = readMapHeader(b)
			perElem = 2
		} else {
			n, b, err = readArrayHeader(b)
		}
		if err != nil {
			return b, err
		}
		for i := 0; i < n*perElem; i++ {
			if b, err = skipDepth(b, depth+1); err != nil {
				return b, err
			}
		}
		return b, nil
	case isStrType(c) || c == 0xc4 || c == 0xc5 || c == 0xc6:
		_, rest, err := readStrBytes(b)
		return rest, err
	}
	if n, ok := fixedSize(c); ok {
		if len(b) < 1+n {
			return b, errShort
		}
		return b[1+n:], nil
	}
	var n, hdr int
	switch c {
	case 0xc7:
		if len(b) < 3 {
			return b, errShort
		}
		n, hdr = int(b[1]), 3
	case 0xc8:
		if len(b) < 4 {
			return b, errShort
		}
		n, hdr = int(binary.BigEndian.Uint16(b[1:])), 4
	case 0xc9:
		if len(b) < 6 {
			return b, errShort
		}
		n, hdr = int(binary.BigEndian.Uint32(b[1:])), 6
	default:
		return b, typeError{"value", c}
	}
	if n < 0 || len(b) < hdr+n {
		return b, errShort
	}
	return b[hdr+n:], nil
}

// fixedSize is the payload size of the fixed-width types after their type byte.
func fixedSize(c byte) (int, bool) {
	switch c {
	case 0xcc, 0xd0:
		return 1, true
	case 0xcd, 0xd1, 0xd4:
		return 2, true
	case 0xd5:
		return 3, true
	case 0xca, 0xce, 0xd2:
		return 4, true
	case 0xd6:
		return 5, true
	case 0xcb, 0xcf, 0xd3:
		return 8, true
	case 0xd7:
		return 9, true
	case 0xd8:
		return 17, true
	}
	return 0, false
}

// readStrMap appends a map of strings to attrs, within the budget.
func readStrMap(b []byte, attrs *[]Attr, bud *budget) ([]byte, error) {
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
		bud.appendAttr(attrs, Attr{Key: k, Type: AttrString, Str: v})
	}
	return b, nil
}
