package datadog

import (
	"errors"
	"fmt"
	"math"

	"google.golang.org/protobuf/encoding/protowire"
)

// The Agent's protobuf payloads (MetricPayload, SketchPayload, the intake v3
// Payload, and the DDSketch summaries inside tracer stats) are read field by
// field with protowire, following the .proto files of DataDog's public
// agent-payload and sketches-go repositories. The generated Go packages are
// not used: agent-payload's module would move shared dependencies of the
// distribution. Unknown fields are skipped, as protobuf requires.

var errProto = errors.New("protobuf: malformed message")

// protoField is one decoded field: its number, wire type and value (the
// varint or fixed value, or the bytes of a length-delimited field).
type protoField struct {
	num   protowire.Number
	typ   protowire.Type
	u     uint64
	bytes []byte
}

// nextField reads one field from b and returns the rest.
func nextField(b []byte) (protoField, []byte, error) {
	num, typ, n := protowire.ConsumeTag(b)
	if n < 0 {
		return protoField{}, nil, fmt.Errorf("%w: %v", errProto, protowire.ParseError(n))
	}
	b = b[n:]
	f := protoField{num: num, typ: typ}
	switch typ {
	case protowire.VarintType:
		f.u, n = protowire.ConsumeVarint(b)
	case protowire.Fixed64Type:
		f.u, n = protowire.ConsumeFixed64(b)
	case protowire.Fixed32Type:
		var v uint32
		v, n = protowire.ConsumeFixed32(b)
		f.u = uint64(v)
	case protowire.BytesType:
		f.bytes, n = protowire.ConsumeBytes(b)
	default:
		n = protowire.ConsumeFieldValue(num, typ, b)
	}
	if n < 0 {
		return protoField{}, nil, fmt.Errorf("%w: field %d: %v", errProto, num, protowire.ParseError(n))
	}
	return f, b[n:], nil
}

func (f protoField) double() float64 {
	if f.typ == protowire.Fixed32Type {
		return float64(math.Float32frombits(uint32(f.u)))
	}
	return math.Float64frombits(f.u)
}

func (f protoField) str() string { return string(f.bytes) }

// Packed repeated scalars. Each also accepts the unpacked form (one value per
// field), which proto3 parsers must.

func appendVarints(dst []uint64, f protoField) ([]uint64, error) {
	if f.typ == protowire.VarintType {
		return append(dst, f.u), nil
	}
	if f.typ != protowire.BytesType {
		return dst, fmt.Errorf("%w: field %d: wire type %d for varints", errProto, f.num, f.typ)
	}
	b := f.bytes
	for len(b) > 0 {
		v, n := protowire.ConsumeVarint(b)
		if n < 0 {
			return dst, fmt.Errorf("%w: field %d: %v", errProto, f.num, protowire.ParseError(n))
		}
		dst = append(dst, v)
		b = b[n:]
	}
	return dst, nil
}

func appendSint64s(dst []int64, f protoField) ([]int64, error) {
	var tmp [16]uint64
	vs, err := appendVarints(tmp[:0], f)
	for _, v := range vs {
		dst = append(dst, protowire.DecodeZigZag(v))
	}
	return dst, err
}

func appendInt64s(dst []int64, f protoField) ([]int64, error) {
	var tmp [16]uint64
	vs, err := appendVarints(tmp[:0], f)
	for _, v := range vs {
		dst = append(dst, int64(v))
	}
	return dst, err
}

func appendDoubles(dst []float64, f protoField) ([]float64, error) {
	switch f.typ {
	case protowire.Fixed64Type:
		return append(dst, math.Float64frombits(f.u)), nil
	case protowire.BytesType:
		if len(f.bytes)%8 != 0 {
			return dst, fmt.Errorf("%w: field %d: packed doubles of %d bytes", errProto, f.num, len(f.bytes))
		}
		for b := f.bytes; len(b) > 0; b = b[8:] {
			v, _ := protowire.ConsumeFixed64(b)
			dst = append(dst, math.Float64frombits(v))
		}
		return dst, nil
	}
	return dst, fmt.Errorf("%w: field %d: wire type %d for doubles", errProto, f.num, f.typ)
}

func appendFloats(dst []float64, f protoField) ([]float64, error) {
	switch f.typ {
	case protowire.Fixed32Type:
		return append(dst, float64(math.Float32frombits(uint32(f.u)))), nil
	case protowire.BytesType:
		if len(f.bytes)%4 != 0 {
			return dst, fmt.Errorf("%w: field %d: packed floats of %d bytes", errProto, f.num, len(f.bytes))
		}
		for b := f.bytes; len(b) > 0; b = b[4:] {
			v, _ := protowire.ConsumeFixed32(b)
			dst = append(dst, float64(math.Float32frombits(v)))
		}
		return dst, nil
	}
	return dst, fmt.Errorf("%w: field %d: wire type %d for floats", errProto, f.num, f.typ)
}
