package pii

import "testing"

func benchCorpus(b *testing.B, label string) {
	e := newTestEngine(b, Config{Presets: []string{PresetAll}})
	st := e.NewStats()
	var texts []string
	bytes := 0
	for _, l := range loadCorpus(b) {
		if label == "" || l.Label == label {
			texts = append(texts, l.Text)
			bytes += len(l.Text)
		}
	}
	b.SetBytes(int64(bytes))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, s := range texts {
			_, _ = e.Redact(s, st)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(texts)), "ns/line")
}

// BenchmarkRedactCorpus: every corpus line, preset all.
func BenchmarkRedactCorpus(b *testing.B) { benchCorpus(b, "") }

// BenchmarkRedactNegatives: lines with nothing to redact (the common case).
func BenchmarkRedactNegatives(b *testing.B) { benchCorpus(b, "neg") }
