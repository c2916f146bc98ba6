package otlplogs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Two export requests as the file exporter writes them (OTLP JSON, one a line).
const logsFile = `{"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"pricing"}}]},"scopeLogs":[{"scope":{},"logRecords":[{"timeUnixNano":"2000","severityText":"INFO","body":{"stringValue":"price quoted"},"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"00f067aa0ba902b7"},{"timeUnixNano":"1000","severityText":"INFO","body":{"stringValue":"other trace"},"traceId":"11111111111111111111111111111111","spanId":"00f067aa0ba902b8"}]}]}]}
{"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"shop-api"}}]},"scopeLogs":[{"scope":{},"logRecords":[{"timeUnixNano":"1500","severityText":"ERROR","body":{"stringValue":"order failed"},"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"a0f067aa0ba902b7"}]}]}]}
`

func TestByTrace(t *testing.T) {
	path := filepath.Join(t.TempDir(), "logs.jsonl")
	if err := os.WriteFile(path, []byte(logsFile), 0o600); err != nil {
		t.Fatal(err)
	}
	rs, err := ByTrace(path, "4BF92F3577B34DA6A3CE929D0E0E4736")
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2 || rs[0].Service != "shop-api" || rs[0].Severity != "ERROR" || rs[1].Body != "price quoted" {
		t.Fatalf("got %+v", rs)
	}
	if s := Services(rs); len(s) != 2 || !s["pricing"] || !s["shop-api"] {
		t.Errorf("services %v", s)
	}
}

func TestByTraceMissingFile(t *testing.T) {
	rs, err := ByTrace(filepath.Join(t.TempDir(), "none.jsonl"), "4bf92f3577b34da6a3ce929d0e0e4736")
	if err != nil || len(rs) != 0 {
		t.Fatalf("got %v, %v; want no records, no error", rs, err)
	}
}

func TestByTraceBadLineNamesIt(t *testing.T) {
	path := filepath.Join(t.TempDir(), "logs.jsonl")
	if err := os.WriteFile(path, []byte(logsFile+"{\"4bf92f3577b34da6a3ce929d0e0e4736\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := ByTrace(path, "4bf92f3577b34da6a3ce929d0e0e4736")
	if err == nil || !strings.Contains(err.Error(), "logs.jsonl:3:") {
		t.Fatalf("err = %v, want one naming line 3", err)
	}
}
