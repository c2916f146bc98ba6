//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/net/http2"
)

// capture is one recorded request from testdata/fixtures (copied from ../shared/fixtures;
// see its UPSTREAM-README.md for the format).
type capture struct {
	Folder   string
	Name     string // "001"
	Listener string `json:"listener"`
	Method   string `json:"method"`
	Path     string `json:"path"`
	URI      string `json:"request_uri"`
	Headers  map[string][]string
	GRPC     *struct {
		Encoding string `json:"grpc_encoding"`
	} `json:"grpc"`
	Body []byte // NNN.body
	Wire []byte // NNN.wire (gRPC)
}

// Signal is what the capture carries: "traces", "metrics" or "logs".
func (c capture) Signal() string {
	p := strings.ToLower(c.Path)
	switch {
	case strings.Contains(p, "metrics"):
		return "metrics"
	case strings.Contains(p, "logs"):
		return "logs"
	default:
		return "traces"
	}
}

func loadCaptures(t testing.TB, folder string) []capture {
	t.Helper()
	metas, err := filepath.Glob(filepath.Join(folder, "*.meta.json"))
	require.NoError(t, err)
	sort.Strings(metas)
	var out []capture
	for _, m := range metas {
		raw, err := os.ReadFile(m)
		require.NoError(t, err)
		var c capture
		var hdr struct {
			Headers map[string][]string `json:"headers"`
		}
		require.NoError(t, json.Unmarshal(raw, &c), m)
		require.NoError(t, json.Unmarshal(raw, &hdr), m)
		c.Headers = hdr.Headers
		c.Folder = filepath.Base(folder)
		c.Name = strings.TrimSuffix(filepath.Base(m), ".meta.json")
		c.Body, err = os.ReadFile(filepath.Join(folder, c.Name+".body"))
		require.NoError(t, err)
		if wire, err := os.ReadFile(filepath.Join(folder, c.Name+".wire")); err == nil {
			c.Wire = wire
		}
		out = append(out, c)
	}
	return out
}

// replayHTTP sends an HTTP/1.1 capture as recorded (body bytes and headers, without the
// hop-by-hop ones) and returns the status and response body.
func replayHTTP(t testing.TB, port int, c capture) (int, string) {
	t.Helper()
	req, err := http.NewRequest(c.Method, fmt.Sprintf("http://127.0.0.1:%d%s", port, c.URI), bytes.NewReader(c.Body))
	require.NoError(t, err)
	for k, vs := range c.Headers {
		if k == "Content-Length" || k == "Host" || k == "Transfer-Encoding" {
			continue
		}
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// h2cClient speaks HTTP/2 with prior knowledge over plain TCP, as gRPC does.
func h2cClient() *http.Client {
	return &http.Client{
		Timeout: 10 * time.Second,
		Transport: &http2.Transport{
			AllowHTTP: true,
			DialTLSContext: func(ctx context.Context, network, addr string, _ *tls.Config) (net.Conn, error) {
				var d net.Dialer
				return d.DialContext(ctx, network, addr)
			},
		},
	}
}

// replayGRPC sends a capture's exact gRPC DATA payload (NNN.wire) as a unary call and
// returns the grpc-status and grpc-message trailers.
func replayGRPC(t testing.TB, port int, path string, wire []byte, encoding string) (string, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, fmt.Sprintf("http://127.0.0.1:%d%s", port, path), bytes.NewReader(wire))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/grpc")
	req.Header.Set("Te", "trailers")
	if encoding != "" {
		req.Header.Set("Grpc-Encoding", encoding)
	}
	resp, err := h2cClient().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	status := resp.Trailer.Get("Grpc-Status")
	msg := resp.Trailer.Get("Grpc-Message")
	if status == "" { // trailers-only response
		status, msg = resp.Header.Get("Grpc-Status"), resp.Header.Get("Grpc-Message")
	}
	return status, msg
}

// grpcFrame wraps a message in the 5-byte gRPC length prefix (uncompressed).
func grpcFrame(msg []byte) []byte {
	out := make([]byte, 5+len(msg))
	out[1], out[2], out[3], out[4] = byte(len(msg)>>24), byte(len(msg)>>16), byte(len(msg)>>8), byte(len(msg))
	copy(out[5:], msg)
	return out
}

func sendUDP(t testing.TB, port int, payload []byte) {
	t.Helper()
	conn, err := net.Dial("udp", fmt.Sprintf("127.0.0.1:%d", port))
	require.NoError(t, err)
	defer conn.Close()
	_, err = conn.Write(payload)
	require.NoError(t, err)
}
