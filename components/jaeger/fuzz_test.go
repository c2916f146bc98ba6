package jaeger

import (
	"testing"
)

// The fuzz targets hold the decoder to contrib's reading and translation on
// arbitrary bytes (same error-or-not, same traces, same span count) and
// check that nothing panics. Seeds: the captures, the synthetic batches and
// halves of them.

func fuzzSeeds(f *testing.F, in input) {
	for name, cin := range captures(f) {
		if cin == in {
			b := readCapture(f, name)
			f.Add(b)
			f.Add(b[:len(b)/2])
		}
	}
	for _, b := range syntheticBatches() {
		body := serialize(f, in, b)
		f.Add(body)
	}
}

func FuzzBinaryBatchMatchesContrib(f *testing.F) {
	fuzzSeeds(f, binaryBatch)
	f.Fuzz(func(t *testing.T, body []byte) {
		if err := sameAsContrib(binaryBatch, body); err != nil {
			t.Fatal(err)
		}
	})
}

func FuzzCompactBatchMatchesContrib(f *testing.F) {
	fuzzSeeds(f, compactBatch)
	f.Fuzz(func(t *testing.T, body []byte) {
		if err := sameAsContrib(compactBatch, body); err != nil {
			t.Fatal(err)
		}
	})
}

func FuzzCompactAgentMatchesContrib(f *testing.F) {
	fuzzSeeds(f, compactAgent)
	f.Fuzz(func(t *testing.T, body []byte) {
		if err := sameAsContrib(compactAgent, body); err != nil {
			t.Fatal(err)
		}
	})
}

func FuzzBinaryAgentMatchesContrib(f *testing.F) {
	fuzzSeeds(f, binaryAgent)
	f.Fuzz(func(t *testing.T, body []byte) {
		if err := sameAsContrib(binaryAgent, body); err != nil {
			t.Fatal(err)
		}
	})
}
