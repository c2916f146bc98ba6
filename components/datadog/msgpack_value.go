package datadog

import "go.opentelemetry.io/collector/pdata/pcommon"

// msgpackToValue converts one msgpack value (a meta_struct document) into
// dst, counting each value against bud.
func msgpackToValue(b []byte, dst pcommon.Value, depth int, bud *budget) ([]byte, error) {
	if depth > maxDepth {
		return b, errDepth
	}
	if !bud.attr(1) {
		return b, bud.failed()
	}
	if len(b) == 0 {
		return b, errShort
	}
	c := b[0]
	switch {
	case c == 0xc0:
		return b[1:], nil
	case c == 0xc2 || c == 0xc3:
		dst.SetBool(c == 0xc3)
		return b[1:], nil
	case isStrType(c):
		s, rest, err := readStr(b)
		dst.SetStr(s)
		return rest, err
	case c == 0xc4 || c == 0xc5 || c == 0xc6:
		v, rest, err := readBin(b)
		dst.SetEmptyBytes().FromRaw(v)
		return rest, err
	case isArrayType(c):
		n, rest, err := readArrayHeader(b)
		if err != nil {
			return rest, err
		}
		sl := dst.SetEmptySlice()
		for range n {
			if rest, err = msgpackToValue(rest, sl.AppendEmpty(), depth+1, bud); err != nil {
				return rest, err
			}
		}
		return rest, nil
	case isMapType(c):
		n, rest, err := readMapHeader(b)
		if err != nil {
			return rest, err
		}
		m := dst.SetEmptyMap()
		for range n {
			var k string
			if k, rest, err = readStr(rest); err != nil {
				return rest, err
			}
			if rest, err = msgpackToValue(rest, m.PutEmpty(k), depth+1, bud); err != nil {
				return rest, err
			}
		}
		return rest, nil
	}
	kind, i, u, f, rest, err := readNumber(b)
	if err != nil {
		return skip(b)
	}
	switch kind {
	case numInt:
		dst.SetInt(i)
	case numUint:
		if u > 1<<63-1 {
			dst.SetDouble(float64(u))
		} else {
			dst.SetInt(int64(u))
		}
	default:
		dst.SetDouble(f)
	}
	return rest, nil
}
