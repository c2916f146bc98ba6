package piiredactionprocessor

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/open-telemetry/opentelemetry-collector-contrib/processor/redactionprocessor"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processortest"
)

// contribBlockedValues are regular expressions equivalent to our `all` preset, for contrib's
// redaction processor (which has no presets or validators).
var contribBlockedValues = []string{
	`\b(?:4[0-9]{12}(?:[0-9]{3})?|(?:5[1-5][0-9]{2}|222[1-9]|22[3-9][0-9]|2[3-6][0-9]{2}|27[01][0-9]|2720)[0-9]{12}|3[47][0-9]{13}|6(?:011|5[0-9]{2})[0-9]{12}|35[0-9]{14})\b`,
	`\b(?:[0-9]{4}[ -]){3}[0-9]{4}\b|\b3[47][0-9]{2}[ -][0-9]{6}[ -][0-9]{5}\b`,
	`\b[A-Z]{2}[0-9]{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b`,
	`[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}`,
	`\+[1-9][0-9 ().-]{7,18}[0-9]|\(?\b[2-9][0-9]{2}\)?[-. ][2-9][0-9]{2}[-. ][0-9]{4}\b|\b0[1-9][0-9]{1,4}[ -][0-9]{2,6}(?:[ -][0-9]{2,6})*\b`,
	`\b[0-9]{3}[- ][0-9]{2}[- ][0-9]{4}\b`,
	`eyJ[A-Za-z0-9_-]{7,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]*`,
	`\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b`,
	`(?i)aws_?secret_?(?:access_?)?key["']?\s*[:=]\s*["']?[A-Za-z0-9/+=]{40}`,
	`AIza[0-9A-Za-z_-]{35}`,
	`gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,}`,
	`glpat-[A-Za-z0-9_-]{20,}`,
	`xox[abposre]-[A-Za-z0-9-]{10,}|xapp-[A-Za-z0-9-]{10,}`,
	`(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,}|whsec_[A-Za-z0-9]{20,}`,
	`-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----`,
	`(?i)\b(?:bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}`,
	`[a-z][a-z0-9+.-]*://[^:/\s]+:[^@/\s]+@`,
	`(?i)(?:password|passwd|pwd|secret|token|api_?key|access_?key)["']?\s*[:=]\s*["']?[^\s&,;"']+`,
}

var contribBlockedKeys = []string{`(?i).*(password|passwd|pwd|passphrase|secret|token|api_?key|access_?key|private_?key|credential|signature|authorization).*`}

func corpusLogs(tb testing.TB, label string) plog.Logs {
	tb.Helper()
	f, err := os.Open(filepath.Join("..", "..", "components", "pii", "testdata", "corpus.jsonl"))
	require.NoError(tb, err)
	defer f.Close()
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr("service.name", "bench")
	sl := rl.ScopeLogs().AppendEmpty()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var line struct{ Label, Text string }
		require.NoError(tb, json.Unmarshal(sc.Bytes(), &line))
		if label != "" && line.Label != label {
			continue
		}
		lr := sl.LogRecords().AppendEmpty()
		lr.Body().SetStr(line.Text)
		lr.Attributes().PutStr("http.route", "/api/v1/orders/{id}")
		lr.Attributes().PutStr("code.function", "github.com/acme/orders.(*Handler).Serve")
		lr.Attributes().PutInt("http.status_code", 200)
	}
	require.NoError(tb, sc.Err())
	return ld
}

func newOurs(tb testing.TB) processor.Logs {
	cfg := createDefaultConfig().(*Config)
	cfg.Presets = []string{"all"}
	p, err := NewFactory().CreateLogs(context.Background(), processortest.NewNopSettings(NewFactory().Type()), cfg, consumertest.NewNop())
	require.NoError(tb, err)
	return p
}

func newContrib(tb testing.TB) processor.Logs {
	f := redactionprocessor.NewFactory()
	cfg := f.CreateDefaultConfig()
	require.NoError(tb, confmap.NewFromStringMap(map[string]any{
		"allow_all_keys":       true,
		"blocked_values":       contribBlockedValues,
		"blocked_key_patterns": contribBlockedKeys,
		"summary":              "silent",
	}).Unmarshal(cfg))
	p, err := f.CreateLogs(context.Background(), processortest.NewNopSettings(f.Type()), cfg, consumertest.NewNop())
	require.NoError(tb, err)
	return p
}

// BenchmarkLogs runs the same batch through pii_redaction (preset all) and contrib's
// redaction processor (equivalent regexes), both built by their factories. "corpus" is
// every line of components/pii/testdata/corpus.jsonl (1,204 records, 57% with a secret);
// "clean" is only its 520 hard negatives. Each iteration redacts a fresh copy of the batch;
// the copy is made with the timer (and allocation count) stopped.
func BenchmarkLogs(b *testing.B) {
	for _, data := range []string{"corpus", "clean"} {
		label := ""
		if data == "clean" {
			label = "neg"
		}
		input := corpusLogs(b, label)
		records := input.LogRecordCount()
		for _, impl := range []struct {
			name string
			make func(testing.TB) processor.Logs
		}{{"pii_redaction", newOurs}, {"contrib_redaction", newContrib}} {
			b.Run(data+"/"+impl.name, func(b *testing.B) {
				p := impl.make(b)
				ctx := context.Background()
				batch := plog.NewLogs()
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					b.StopTimer()
					batch = plog.NewLogs()
					input.CopyTo(batch)
					b.StartTimer()
					if err := p.ConsumeLogs(ctx, batch); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.N*records)/b.Elapsed().Seconds(), "records/s")
			})
		}
	}
}
