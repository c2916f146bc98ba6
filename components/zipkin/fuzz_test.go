package zipkin

import (
	"testing"
)

// The fuzz targets hold the decoders to contrib's translator on arbitrary
// bodies (same error-or-not, same traces), and check that nothing panics and
// that the result counts what the traces hold. Seeds: the captures and the
// edge cases.

func FuzzV2JSONMatchesContrib(f *testing.F) {
	for _, b := range captures(f, ".v2.json") {
		f.Add(b, false)
		f.Add(b[:len(b)/2], true)
	}
	for _, c := range edgeCases {
		f.Add([]byte(c), false)
	}
	f.Fuzz(func(t *testing.T, body []byte, parse bool) {
		if err := sameAsContrib(v2JSON, body, parse); err != nil {
			t.Fatal(err)
		}
	})
}

func FuzzV2ProtoMatchesContrib(f *testing.F) {
	for _, b := range captures(f, ".v2.proto") {
		f.Add(b, false)
		f.Add(b[:len(b)/2], true)
	}
	f.Add([]byte{0x0a, 0x00}, false)
	f.Add([]byte{0x0a, 0x02, 0x1a, 0x00}, false)
	f.Fuzz(func(t *testing.T, body []byte, parse bool) {
		if err := sameAsContrib(v2Proto, body, parse); err != nil {
			t.Fatal(err)
		}
	})
}
