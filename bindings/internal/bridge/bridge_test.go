package bridge

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-bridge/otelcol-bridge/components/convert"
	"github.com/otelcol-bridge/otelcol-bridge/components/pii"
	"github.com/otelcol-bridge/otelcol-bridge/components/sampling"
)

var update = flag.Bool("update", false, "rewrite bindings/testdata from the Go engine (review the diff)")

// The expected outputs the C, Python and Ruby tests compare with byte for byte. They are
// written by this test from the Go code the gateway runs, and checked against it on every
// run, so a change of the engine that is not regenerated fails here first.
const (
	testdata    = "../../testdata"
	corpusPath  = "../../../components/pii/testdata/corpus.jsonl"
	capturesDir = "../../../components/convert/testdata/captures"
)

// RedactConfigs are the configs the corpus is redacted with: the widest preset, and a
// JSON config exercising the opt-in detectors, every replacing action and a custom rule.
var redactConfigs = []string{
	"all",
	`{"presets":["all"],"detectors":["ipv4","ipv6"],"action":"partial","keep_last":4,` +
		`"actions":{"jwt":"hash","email":"mask"},"hmac_key":"bindings-test-key","mask":"[REDACTED]",` +
		`"custom_rules":[{"name":"order_id","pattern":"order[-_ ]?(\\d{6,})","action":"mask"}]}`,
}

type redactCase struct {
	Config   string          `json:"config"`
	Line     int             `json:"line"`
	Out      string          `json:"out"`
	Findings json.RawMessage `json:"findings"`
}

type corpusLine struct {
	Text string `json:"text"`
}

func readCorpus(t *testing.T) []string {
	f, err := os.Open(corpusPath)
	require.NoError(t, err)
	defer f.Close()
	var texts []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var l corpusLine
		require.NoError(t, json.Unmarshal(sc.Bytes(), &l))
		texts = append(texts, l.Text)
	}
	require.NoError(t, sc.Err())
	return texts
}

func checkGenerated(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err)
	require.True(t, bytes.Equal(want, got), "%s is stale: go test ./bindings/internal/bridge -update", path)
}

// TestRedactExpected: Redact gives the engine's output on every corpus line (so the
// bindings compare with what the gateway masks), and the committed expectations are current.
func TestRedactExpected(t *testing.T) {
	texts := readCorpus(t)
	require.GreaterOrEqual(t, len(texts), 1000)
	var buf bytes.Buffer
	for _, spec := range redactConfigs {
		cfg, err := engineConfig(spec)
		require.NoError(t, err)
		ref, err := pii.New(cfg)
		require.NoError(t, err)
		for i, text := range texts {
			out, findings, err := Redact(text, spec)
			require.NoError(t, err)
			want, _ := ref.Redact(text, nil)
			require.Equal(t, want, out, "line %d", i)
			var fs []Finding
			require.NoError(t, json.Unmarshal(findings, &fs))
			for _, f := range fs {
				if !f.Custom {
					require.True(t, f.Start >= 0 && f.Start < f.End && f.End <= len(text), "line %d: %+v", i, f)
				}
			}
			line, err := json.Marshal(redactCase{Config: spec, Line: i, Out: out, Findings: findings})
			require.NoError(t, err)
			buf.Write(line)
			buf.WriteByte('\n')
		}
	}
	checkGenerated(t, filepath.Join(testdata, "redact.jsonl"), buf.Bytes())
}

type keepCase struct {
	TraceID    string  `json:"trace_id"`
	Ratio      float64 `json:"ratio"`
	Precision  int     `json:"precision"`
	Randomness string  `json:"randomness,omitempty"`
	Threshold  string  `json:"threshold,omitempty"`
	// Keep is the decision; Status is non-zero when the record's state is invalid
	// (log_sampling drops those as invalid_sampling_state).
	Keep   bool   `json:"keep"`
	Status Status `json:"status"`
}

// processorDecision is what log_sampling decides for a record with this state: the
// sampling engine with one keep_ratio rule, the processor's own code path.
func processorDecision(t *testing.T, c keepCase) sampling.Decision {
	rs, err := sampling.NewRatioSampler(c.Ratio, c.Precision)
	require.NoError(t, err)
	eng := &sampling.Engine{Rules: []sampling.Rule{{Name: "r", Action: sampling.ActionKeepRatio, Ratio: rs}}}
	lr := plog.NewLogRecord()
	var tid pcommon.TraceID
	_, err = hex.Decode(tid[:], []byte(c.TraceID))
	require.NoError(t, err)
	lr.SetTraceID(tid)
	if c.Randomness != "" {
		lr.Attributes().PutStr(sampling.AttributeRandomness, c.Randomness)
	}
	if c.Threshold != "" {
		lr.Attributes().PutStr(sampling.AttributeThreshold, c.Threshold)
	}
	return eng.Decide(pcommon.NewResource(), pcommon.NewInstrumentationScope(), lr)
}

// TestKeepRatioExpected: KeepRatio decides exactly as log_sampling does, over trace ids,
// ratios, precisions, R-values and arriving thresholds; the committed cases are current.
func TestKeepRatioExpected(t *testing.T) {
	var cases []keepCase
	ratios := []float64{1, 0.5, 0.25, 0.1, 1.0 / 3, 0.01, 0.001}
	for i := 0; i < 200; i++ {
		sum := sha256.Sum256([]byte(fmt.Sprintf("trace-%d", i)))
		tid := hex.EncodeToString(sum[:16])
		c := keepCase{TraceID: tid, Ratio: ratios[i%len(ratios)], Precision: []int{4, 1, 14, 2}[i%4]}
		switch i % 10 {
		case 7:
			c.Randomness = hex.EncodeToString(sum[16:23]) // 14 hex digits
		case 8:
			c.Threshold = "8" // sampled upstream at 50%
		case 9:
			c.Randomness = "zz" // invalid R-value
		}
		cases = append(cases, c)
	}
	var buf bytes.Buffer
	kept := 0
	for _, c := range cases {
		d := processorDecision(t, c)
		keep, err := KeepRatio([]byte(c.TraceID), c.Ratio, c.Precision, c.Randomness, c.Threshold)
		if d.Reason == sampling.ReasonInvalidSamplingState {
			require.Error(t, err, "%+v", c)
			c.Status = StatusOf(err)
		} else {
			require.NoError(t, err, "%+v", c)
			require.Equal(t, d.Keep, keep, "%+v", c)
			// Raw bytes give the same answer as hex.
			raw, _ := hex.DecodeString(c.TraceID)
			keepRaw, err := KeepRatio(raw, c.Ratio, c.Precision, c.Randomness, c.Threshold)
			require.NoError(t, err)
			require.Equal(t, keep, keepRaw)
		}
		c.Keep = keep
		if keep {
			kept++
		}
		line, err := json.Marshal(c)
		require.NoError(t, err)
		buf.Write(line)
		buf.WriteByte('\n')
	}
	// Both outcomes occur, so a binding that always keeps (or drops) fails the comparison.
	require.Greater(t, kept, 20)
	require.Less(t, kept, len(cases)-20)
	checkGenerated(t, filepath.Join(testdata, "keep_ratio.jsonl"), buf.Bytes())
}

// ConvertCases are the captures the bindings convert to OTLP JSON: one each of Zipkin,
// Jaeger and Datadog, as real clients sent them.
var convertCases = []struct{ capture, from string }{
	{"zipkin-go-json.zipkin-json", "zipkin-json"},
	{"jaeger-client-go-http.jaeger-thrift-binary", "jaeger-thrift-binary"},
	{"dd-trace-go-v04.datadog-v04", "datadog-v04"},
}

// TestConvertExpected: Convert gives the convert package's output (the CLI's), which
// decodes to the same traces as a direct DecodeAll; the committed outputs are current.
func TestConvertExpected(t *testing.T) {
	for _, c := range convertCases {
		data, err := os.ReadFile(filepath.Join(capturesDir, c.capture))
		require.NoError(t, err)
		out, err := Convert(c.from, "otlp-json", data)
		require.NoError(t, err, c.capture)
		src, err := convert.Lookup(c.from, true)
		require.NoError(t, err)
		want, err := convert.DecodeAll(data, c.capture, src)
		require.NoError(t, err)
		got, err := (&ptrace.JSONUnmarshaler{}).UnmarshalTraces(out)
		require.NoError(t, err)
		require.Equal(t, want.SpanCount(), got.SpanCount())
		require.Positive(t, got.SpanCount())
		// The translators fill attribute maps from Go maps, so attribute order varies from
		// run to run: the expectation is the output with every key/value list sorted by
		// key, and the bindings compare their output sorted the same way.
		var doc any
		require.NoError(t, json.Unmarshal(out, &doc))
		canon, err := json.MarshalIndent(sortKeyValueLists(doc), "", " ")
		require.NoError(t, err)
		checkGenerated(t, filepath.Join(testdata, "convert", c.capture+".otlp.json"), append(canon, '\n'))
	}
}

// sortKeyValueLists sorts every JSON array of {"key": ...} objects by key, recursively.
func sortKeyValueLists(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = sortKeyValueLists(e)
		}
	case []any:
		keyed := len(x) > 0
		for i, e := range x {
			x[i] = sortKeyValueLists(e)
			m, ok := e.(map[string]any)
			_, hasKey := m["key"].(string)
			keyed = keyed && ok && hasKey
		}
		if keyed {
			sort.SliceStable(x, func(i, j int) bool {
				return x[i].(map[string]any)["key"].(string) < x[j].(map[string]any)["key"].(string)
			})
		}
	}
	return v
}

func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want Status
	}{
		{"unknown preset", second3(Redact("x", "nope")), InvalidConfig},
		{"empty preset", second3(Redact("x", "")), InvalidConfig},
		{"bad json", second3(Redact("x", `{"presets":`)), InvalidConfig},
		{"unknown key", second3(Redact("x", `{"preset":["all"]}`)), InvalidConfig},
		{"unknown action", second3(Redact("x", `{"presets":["all"],"action":"zap"}`)), InvalidConfig},
		{"hash without key", second3(Redact("x", `{"presets":["all"],"action":"hash"}`)), InvalidConfig},
		{"bad regex", second3(Redact("x", `{"custom_rules":[{"name":"r","pattern":"("}]}`)), InvalidConfig},
		{"invalid utf8", second3(Redact("a\xffb", "all")), InvalidUTF8},
		{"ratio 0", second(KeepRatio([]byte("0af7651916cd43dd8448eb211c80319c"), 0, 4, "", "")), InvalidArgument},
		{"precision 15", second(KeepRatio([]byte("0af7651916cd43dd8448eb211c80319c"), 0.5, 15, "", "")), InvalidArgument},
		{"bad hex", second(KeepRatio([]byte("0af7651916cd43dd8448eb211c80319g"), 0.5, 4, "", "")), InvalidArgument},
		{"bad length", second(KeepRatio([]byte("0af765"), 0.5, 4, "", "")), InvalidArgument},
		{"no randomness", second(KeepRatio(nil, 0.5, 4, "", "")), InvalidArgument},
		{"zero trace id", second(KeepRatio(make([]byte, 16), 0.5, 4, "", "")), InvalidArgument},
		{"bad threshold", second(KeepRatio([]byte("0af7651916cd43dd8448eb211c80319c"), 0.5, 4, "", "xyz")), InvalidArgument},
		{"unknown from", second(Convert("nope", "otlp-json", []byte("{}"))), Unsupported},
		{"unknown to", second(Convert("zipkin-json", "nope", []byte("[]"))), Unsupported},
		{"garbage", second(Convert("zipkin-json", "otlp-json", []byte("{not json"))), DecodeFailed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Error(t, tc.err)
			assert.Equal(t, tc.want, StatusOf(tc.err), tc.err.Error())
			assert.NotEmpty(t, tc.err.Error())
		})
	}
}

func second[A any](_ A, err error) error { return err }

func second3[A, B any](_ A, _ B, err error) error { return err }

// TestConcurrentRedact: engines are shared between goroutines through the cache.
func TestConcurrentRedact(t *testing.T) {
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				out, _, err := Redact("mail ana.souza@example.com", redactConfigs[i%2])
				assert.NoError(t, err)
				assert.NotContains(t, out, "ana.souza")
			}
		}()
	}
	wg.Wait()
}
