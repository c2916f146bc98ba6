package datadog

import (
	"encoding/binary"
	"encoding/json"
	"maps"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// A msgpack writer and a uint64-preserving reader, for building the
// hand-built fixtures and the edge-case payloads of the tests.

type mpw []byte

func (w mpw) nil_() mpw { return append(w, 0xc0) }

func (w mpw) bool_(v bool) mpw {
	if v {
		return append(w, 0xc3)
	}
	return append(w, 0xc2)
}

func (w mpw) uint_(v uint64) mpw {
	switch {
	case v < 128:
		return append(w, byte(v))
	case v < 1<<8:
		return append(w, 0xcc, byte(v))
	case v < 1<<16:
		return binary.BigEndian.AppendUint16(append(w, 0xcd), uint16(v))
	case v < 1<<32:
		return binary.BigEndian.AppendUint32(append(w, 0xce), uint32(v))
	}
	return binary.BigEndian.AppendUint64(append(w, 0xcf), v)
}

func (w mpw) int_(v int64) mpw {
	if v >= 0 {
		return w.uint_(uint64(v))
	}
	if v >= -32 {
		return append(w, byte(v))
	}
	return binary.BigEndian.AppendUint64(append(w, 0xd3), uint64(v))
}

func (w mpw) float_(v float64) mpw {
	return binary.BigEndian.AppendUint64(append(w, 0xcb), math.Float64bits(v))
}

func (w mpw) str(s string) mpw {
	switch n := len(s); {
	case n < 32:
		w = append(w, 0xa0|byte(n))
	case n < 1<<8:
		w = append(w, 0xd9, byte(n))
	case n < 1<<16:
		w = binary.BigEndian.AppendUint16(append(w, 0xda), uint16(n))
	default:
		w = binary.BigEndian.AppendUint32(append(w, 0xdb), uint32(n))
	}
	return append(w, s...)
}

func (w mpw) bin(b []byte) mpw {
	w = binary.BigEndian.AppendUint32(append(w, 0xc6), uint32(len(b)))
	return append(w, b...)
}

func (w mpw) arr(n int) mpw {
	if n < 16 {
		return append(w, 0x90|byte(n))
	}
	return binary.BigEndian.AppendUint32(append(w, 0xdd), uint32(n))
}

func (w mpw) map_(n int) mpw {
	if n < 16 {
		return append(w, 0x80|byte(n))
	}
	return binary.BigEndian.AppendUint32(append(w, 0xdf), uint32(n))
}

// any_ writes a value read by readAny (maps with sorted keys).
func (w mpw) any_(v any) mpw {
	switch t := v.(type) {
	case nil:
		return w.nil_()
	case bool:
		return w.bool_(t)
	case uint64:
		return w.uint_(t)
	case int64:
		return w.int_(t)
	case float64:
		return w.float_(t)
	case string:
		return w.str(t)
	case []byte:
		return w.bin(t)
	case []any:
		w = w.arr(len(t))
		for _, e := range t {
			w = w.any_(e)
		}
		return w
	case map[string]any:
		w = w.map_(len(t))
		for _, k := range slices.Sorted(maps.Keys(t)) {
			w = w.str(k).any_(t[k])
		}
		return w
	}
	panic("unsupported type")
}

// readAny reads a msgpack value into Go values, keeping unsigned integers
// as uint64 and signed ones as int64.
func readAny(t testing.TB, b []byte) (any, []byte) {
	t.Helper()
	require.NotEmpty(t, b)
	c := b[0]
	switch {
	case c == 0xc0:
		return nil, b[1:]
	case c == 0xc2 || c == 0xc3:
		return c == 0xc3, b[1:]
	case isStrType(c):
		s, rest, err := readStr(b)
		require.NoError(t, err)
		return string([]byte(s)), rest
	case c == 0xc4 || c == 0xc5 || c == 0xc6:
		v, rest, err := readBin(b)
		require.NoError(t, err)
		return append([]byte(nil), v...), rest
	case isArrayType(c):
		n, rest, err := readArrayHeader(b)
		require.NoError(t, err)
		out := make([]any, n)
		for i := range out {
			out[i], rest = readAny(t, rest)
		}
		return out, rest
	case isMapType(c):
		n, rest, err := readMapHeader(b)
		require.NoError(t, err)
		out := make(map[string]any, n)
		for range n {
			var k any
			k, rest = readAny(t, rest)
			out[k.(string)], rest = readAny(t, rest)
		}
		return out, rest
	}
	kind, i, u, f, rest, err := readNumber(b)
	require.NoError(t, err)
	switch kind {
	case numInt:
		return i, rest
	case numUint:
		return u, rest
	}
	return f, rest
}

// goldenCase is one payload under testdata/<dir>: payload.msgpack or
// payload.json, request.json (a capture's meta: path and headers) and
// expected.yaml.
type goldenCase struct {
	dir   string
	proto Protocol
	enc   Encoding
}

var goldenCases = []goldenCase{
	{"v04_dd_trace_go", V04, Msgpack},
	{"v10_dd_trace_go", V10, Msgpack},
	{"v03_json_HANDBUILT", V03, JSON},
	{"v04_json_HANDBUILT", V04, JSON},
	{"v05_HANDBUILT", V05, Msgpack},
	{"v07_HANDBUILT", V07, Msgpack},
	{"v07_v04shape_HANDBUILT", V07, Msgpack},
	{"agent_v02_pbgo", AgentV02, Protobuf},
	{"agent_v02_idx_pbgo", AgentV02, Protobuf},
}

func (c goldenCase) payloadPath() string {
	switch c.enc {
	case JSON:
		return filepath.Join("testdata", c.dir, "payload.json")
	case Protobuf:
		return filepath.Join("testdata", c.dir, "payload.pb")
	}
	return filepath.Join("testdata", c.dir, "payload.msgpack")
}

type requestMeta struct {
	Method  string      `json:"method"`
	Path    string      `json:"path"`
	Headers http.Header `json:"headers"`
}

func readRequest(t testing.TB, dir string) requestMeta {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", dir, "request.json"))
	require.NoError(t, err)
	var m requestMeta
	require.NoError(t, json.Unmarshal(b, &m))
	return m
}

// testLimits are the receiver's default limits, so tests translate what a
// default configuration accepts.
var testLimits = Limits{MaxItems: 100_000, MaxAttributes: 1_000_000}
