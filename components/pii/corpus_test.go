package pii

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-bridge/otelcol-bridge/components/pii/internal/corpusgen"
)

var update = flag.Bool("update", false, "regenerate testdata/corpus.jsonl")

const corpusPath = "testdata/corpus.jsonl"

func loadCorpus(t testing.TB) []corpusgen.Line {
	t.Helper()
	f, err := os.Open(corpusPath)
	require.NoError(t, err)
	defer f.Close()
	var lines []corpusgen.Line
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var l corpusgen.Line
		require.NoError(t, json.Unmarshal(sc.Bytes(), &l))
		lines = append(lines, l)
	}
	require.NoError(t, sc.Err())
	return lines
}

// TestCorpusIsGenerated keeps the committed corpus equal to what the generator writes.
func TestCorpusIsGenerated(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, corpusgen.Generate(&buf))
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(corpusPath), 0o755))
		require.NoError(t, os.WriteFile(corpusPath, buf.Bytes(), 0o600))
	}
	committed, err := os.ReadFile(corpusPath)
	require.NoError(t, err)
	assert.True(t, bytes.Equal(buf.Bytes(), committed), "testdata/corpus.jsonl is stale: go test ./components/pii -run TestCorpus -update")
}

// TestCorpus: no positive leaks (every detector, with ipv4/ipv6 switched on), and the
// false-positive rate on the hard negatives stays at or below 1% with the `all` preset.
func TestCorpus(t *testing.T) {
	lines := loadCorpus(t)
	require.GreaterOrEqual(t, len(lines), 1000)

	withIP := newTestEngine(t, allDetectors())
	all := newTestEngine(t, Config{Presets: []string{PresetAll}})
	rules := withIP.Rules()

	perDetector := map[string]int{}
	leaks, misattributed, negatives, falsePositives := 0, 0, 0, 0
	for n, l := range lines {
		switch l.Label {
		case "pos":
			perDetector[l.Detector]++
			st := withIP.NewStats()
			out, _ := withIP.Redact(l.Text, st)
			if strings.Contains(out, l.Secret) {
				leaks++
				t.Errorf("line %d (%s) leaked %q:\n  in:  %s\n  out: %s", n+1, l.Detector, l.Secret, l.Text, out)
			}
			found := false
			for i, h := range st.Hits {
				found = found || h > 0 && rules[i].Name == l.Detector
			}
			if !found {
				misattributed++
				t.Logf("line %d: %s not credited (redacted by another rule): %s", n+1, l.Detector, out)
			}
		case "neg":
			negatives++
			if out, _ := all.Redact(l.Text, nil); out != l.Text {
				falsePositives++
				t.Logf("false positive, line %d (%s):\n  in:  %s\n  out: %s", n+1, l.Kind, l.Text, out)
			}
		default:
			t.Fatalf("line %d: bad label %q", n+1, l.Label)
		}
	}
	for _, d := range corpusgen.Detectors {
		assert.GreaterOrEqual(t, perDetector[d], 30, "positives for %s", d)
	}
	rate := float64(falsePositives) / float64(negatives)
	t.Logf("corpus: %d lines, %d positives, %d leaked, %d credited to another rule; %d negatives, %d false positives (%.2f%%)",
		len(lines), len(lines)-negatives, leaks, misattributed, negatives, falsePositives, 100*rate)
	assert.Zero(t, leaks)
	assert.LessOrEqual(t, rate, 0.01, "false-positive rate")
}
