//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type badRequest struct {
	name        string
	contentType string
	encoding    string
	body        []byte
	// wantStatus, when set, is the exact status expected instead of "any 4xx".
	wantStatus int
}

func postRaw(t testing.TB, url string, r badRequest) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, url, bytes.NewReader(r.body))
	require.NoError(t, err)
	if r.contentType != "" {
		req.Header.Set("Content-Type", r.contentType)
	}
	if r.encoding != "" {
		req.Header.Set("Content-Encoding", r.encoding)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func fixtureCapture(t testing.TB, folder, name string) capture {
	t.Helper()
	for _, c := range loadCaptures(t, filepath.Join("testdata", "fixtures", folder)) {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no capture %s/%s", folder, name)
	return capture{}
}

// TestBadInput sends truncated, garbage, mislabelled and oversized payloads to every
// HTTP and gRPC port and garbage datagrams to the UDP ports. Each must get the protocol's
// client error with a message; the process keeps running, and the next valid request
// (a real capture) is accepted and exported.
func TestBadInput(t *testing.T) {
	b := startBridge(t)
	garbage := []byte("\x00\xffthis is not telemetry\x13\x37")
	oversized := bytes.Repeat([]byte{'x'}, 2<<20) // the test config limits bodies to 1 MiB

	otlpProto := fixtureCapture(t, "otel-go-nocomp-cumulative.otlp-http", "001")
	zipkinJSON := fixtureCapture(t, "zipkin-go-json.zipkin-http", "001")
	zipkinProto := fixtureCapture(t, "zipkin-go-proto3.zipkin-http", "001")
	jaegerThrift := fixtureCapture(t, "jaeger-client-go-http.jaeger-thrift-http", "001")

	httpPorts := []struct {
		name  string
		url   string
		valid capture
		port  int
		bad   []badRequest
	}{
		{
			name: "otlp-http", url: fmt.Sprintf("http://127.0.0.1:%d/v1/traces", b.Ports.OTLPHTTP), valid: otlpProto, port: b.Ports.OTLPHTTP,
			bad: []badRequest{
				{"garbage protobuf", "application/x-protobuf", "", garbage, 0},
				{"truncated protobuf", "application/x-protobuf", "", otlpProto.Body[:len(otlpProto.Body)/2], 0},
				{"garbage json", "application/json", "", []byte(`{"resourceSpans": [`), 0},
				{"wrong content type", "text/plain", "", otlpProto.Body, 0},
				{"gzip header, plain body", "application/x-protobuf", "gzip", otlpProto.Body, 0},
				{"oversized", "application/x-protobuf", "", oversized, 0},
			},
		},
		{
			name: "zipkin", url: fmt.Sprintf("http://127.0.0.1:%d/api/v2/spans", b.Ports.Zipkin), valid: zipkinJSON, port: b.Ports.Zipkin,
			bad: []badRequest{
				{"garbage json", "application/json", "", garbage, 0},
				{"truncated json", "application/json", "", zipkinJSON.Body[:len(zipkinJSON.Body)/2], 0},
				{"truncated proto", "application/x-protobuf", "", zipkinProto.Body[:len(zipkinProto.Body)/2], 0},
				{"gzip header, plain body", "application/json", "gzip", zipkinJSON.Body, 0},
				{"oversized", "application/json", "", oversized, 0},
			},
		},
		{
			name: "jaeger-thrift-http", url: fmt.Sprintf("http://127.0.0.1:%d/api/traces", b.Ports.JaegerThriftHTTP), valid: jaegerThrift, port: b.Ports.JaegerThriftHTTP,
			bad: []badRequest{
				{"garbage thrift", "application/x-thrift", "", garbage, 0},
				{"truncated thrift", "application/x-thrift", "", jaegerThrift.Body[:len(jaegerThrift.Body)/2], 0},
				{"wrong content type", "application/json", "", jaegerThrift.Body, 0},
				// contrib's jaeger receiver (v0.158.0) answered 500 here, so clients retried an
				// oversized batch forever; ours answers 413 naming max_request_body_size.
				{"oversized", "application/x-thrift", "", oversized, http.StatusRequestEntityTooLarge},
			},
		},
	}
	for _, p := range httpPorts {
		t.Run(p.name, func(t *testing.T) {
			for _, r := range p.bad {
				status, msg := postRaw(t, p.url, r)
				if r.wantStatus != 0 {
					assert.Equal(t, r.wantStatus, status, "%s: %s", p.name, r.name)
				} else {
					assert.True(t, status >= 400 && status < 500, "%s: %s answered %d, want a 4xx", p.name, r.name, status)
				}
				assert.NotEmpty(t, strings.TrimSpace(msg), "%s: %s: the error needs a message", p.name, r.name)
				require.True(t, b.Running(), "collector died after %s %s", p.name, r.name)
			}
			assertValidStillAccepted(t, b, p.port, p.valid)
		})
	}

	grpcPorts := []struct {
		name, path string
		port       int
		valid      capture
	}{
		{"otlp-grpc", "/opentelemetry.proto.collector.trace.v1.TraceService/Export", b.Ports.OTLPGRPC,
			fixtureCapture(t, "otel-go-nocomp-cumulative.otlp-grpc", "001")},
		{"jaeger-grpc", "/jaeger.api_v2.CollectorService/PostSpans", b.Ports.JaegerGRPC,
			fixtureCapture(t, "jaeger-agent-relay-from-go.jaeger-grpc", "001")},
	}
	for _, p := range grpcPorts {
		t.Run(p.name, func(t *testing.T) {
			cases := []struct {
				name, wantStatus string
				wire             []byte
				encoding         string
			}{
				{"garbage message", "", grpcFrame(garbage), ""},
				{"truncated message", "", grpcFrame(p.valid.Body[:len(p.valid.Body)/2]), ""},
				{"gzip flag, plain message", "", append([]byte{1}, grpcFrame(p.valid.Body)[1:]...), "gzip"},
				{"oversized", "8", grpcFrame(oversized), ""}, // RESOURCE_EXHAUSTED
			}
			for _, c := range cases {
				status, msg := replayGRPC(t, p.port, p.path, c.wire, c.encoding)
				assert.NotEqual(t, "0", status, "%s: %s accepted", p.name, c.name)
				assert.NotEmpty(t, status, "%s: %s: no grpc-status", p.name, c.name)
				if c.wantStatus != "" {
					assert.Equal(t, c.wantStatus, status, "%s: %s: grpc-status (%s)", p.name, c.name, msg)
				}
				assert.NotEmpty(t, msg, "%s: %s: the error needs a message", p.name, c.name)
				require.True(t, b.Running(), "collector died after %s %s", p.name, c.name)
			}
			before := len(readJSONLines(t, b.TracesFile()))
			status, msg := replayGRPC(t, p.port, p.path, p.valid.Wire, "")
			require.Equal(t, "0", status, "valid request after bad ones: %s", msg)
			waitForLines(t, b.TracesFile(), before+1)
		})
	}

	t.Run("jaeger-udp", func(t *testing.T) {
		valid := fixtureCapture(t, "jaeger-client-go-udp.jaeger-agent-compact-udp", "001")
		for _, port := range []int{b.Ports.JaegerCompact, b.Ports.JaegerBin} {
			sendUDP(t, port, garbage)
			sendUDP(t, port, valid.Body[:len(valid.Body)/2])
		}
		require.True(t, b.Running())
		before := len(readJSONLines(t, b.TracesFile()))
		sendUDP(t, b.Ports.JaegerCompact, valid.Body)
		waitForLines(t, b.TracesFile(), before+1)
	})
}

func assertValidStillAccepted(t *testing.T, b *bridge, port int, valid capture) {
	t.Helper()
	before := len(readJSONLines(t, b.TracesFile()))
	status, body := replayHTTP(t, port, valid)
	require.Contains(t, []int{http.StatusOK, http.StatusAccepted}, status, "valid request after bad ones: %d %s", status, body)
	waitForLines(t, b.TracesFile(), before+1)
}
