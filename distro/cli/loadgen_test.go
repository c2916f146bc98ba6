package cli

import (
	"bytes"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-bridge/otelcol-bridge/components/loadgen"
)

func runLoadgen(args ...string) (string, error) {
	cmd := newLoadgenCommand()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(args)
	err := cmd.Execute()
	return out.String(), err
}

func TestLoadgenBadFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--protocol", "smoke-signals"}, `--protocol: unknown protocol "smoke-signals" (one of: datadog-v04`},
		{[]string{"--rate", "-5"}, "--rate must be >= 0"},
		{[]string{"--duration", "0s"}, "--duration must be positive"},
		{[]string{"--spans-per-request", "0"}, "--spans-per-request must be positive"},
		{[]string{"--workers", "0"}, "--workers must be positive"},
		{[]string{"--signal", "profiles"}, `--signal: unknown signal "profiles"`},
		{[]string{"--protocol", "zipkin-json", "--signal", "logs"}, "carries traces only"},
		{[]string{"--replay", "x.json", "--spans-per-request", "5"}, "cannot be combined with --replay"},
		{[]string{"--protocol", "jaeger-grpc", "--endpoint", "http://x:1"}, "wants host:port, not a URL"},
		{[]string{"--replay-raw", "x.body"}, "--replay-raw: --protocol otlp-grpc is not one of zipkin-json, zipkin-proto, jaeger-thrift-http"},
		{[]string{"--protocol", "zipkin-json", "--replay-raw", "x.body", "--replay", "y.json"}, "--replay and --replay-raw are exclusive"},
		{[]string{"--protocol", "zipkin-json", "--replay-raw", "x.body", "--spans-per-request", "-1"}, "--spans-per-request must be positive"},
		{[]string{"--rate", "fast"}, `invalid argument "fast" for "--rate"`},
		{[]string{"extra"}, `unknown command "extra"`},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			_, err := runLoadgen(tc.args...)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestLoadgenAgainstAReceiver(t *testing.T) {
	var spans int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body []map[string]any
		require.NoError(t, json.NewDecoder(r.Body).Decode(&body))
		spans += len(body)
		w.WriteHeader(http.StatusAccepted)
	}))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	_, _, err := net.SplitHostPort(host)
	require.NoError(t, err)

	out, err := runLoadgen("--protocol", "zipkin-json", "--endpoint", host, "--rate", "500", "--duration", "200ms",
		"--spans-per-request", "10", "--workers", "1", "--json")
	require.NoError(t, err, out)
	var rep loadgen.Report
	require.NoError(t, json.Unmarshal([]byte(out), &rep), out)
	assert.Equal(t, int64(100), rep.Sent)
	assert.Equal(t, int64(spans), rep.Accepted)
	assert.True(t, rep.Lossless())

	out, err = runLoadgen("--protocol", "zipkin-json", "--endpoint", host, "--rate", "500", "--duration", "100ms", "--spans-per-request", "10")
	require.NoError(t, err)
	assert.Contains(t, out, "accepted")
	assert.Contains(t, out, "generator CPU")
	assert.NotContains(t, out, "NOT LOSSLESS")
}

// --replay-raw sends the captured zipkin-go body: as captured (4 spans), then its spans
// repeated to --spans-per-request; the receiver gets exactly the spans reported sent.
func TestLoadgenReplayRaw(t *testing.T) {
	var spans, requests int
	var lastBody []map[string]any
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body []map[string]any
		require.NoError(t, json.NewDecoder(r.Body).Decode(&body))
		spans += len(body)
		requests++
		lastBody = body
		w.WriteHeader(http.StatusAccepted)
	}))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	capture := "../../components/loadgen/testdata/captures/zipkin-go.v2.json"

	out, err := runLoadgen("--protocol", "zipkin-json", "--endpoint", host, "--replay-raw", capture,
		"--rate", "40", "--duration", "500ms", "--workers", "1", "--json")
	require.NoError(t, err, out)
	var rep loadgen.Report
	require.NoError(t, json.Unmarshal([]byte(out), &rep), out)
	assert.Equal(t, float64(4), rep.ItemsPerRequest, "the capture holds 4 spans")
	assert.Equal(t, int64(20), rep.Sent)
	assert.Equal(t, int64(spans), rep.Accepted)
	assert.True(t, rep.Lossless())

	spans, requests = 0, 0
	out, err = runLoadgen("--protocol", "zipkin-json", "--endpoint", host, "--replay-raw", capture,
		"--spans-per-request", "10", "--rate", "100", "--duration", "300ms", "--workers", "1", "--json")
	require.NoError(t, err, out)
	require.NoError(t, json.Unmarshal([]byte(out), &rep), out)
	assert.Equal(t, int64(30), rep.Sent)
	assert.Equal(t, 3, requests)
	assert.Equal(t, 30, spans)
	require.Len(t, lastBody, 10)
	assert.Equal(t, lastBody[0], lastBody[4], "the captured spans repeat in turn")
	assert.Equal(t, "checkout-zipkin-go", lastBody[0]["localEndpoint"].(map[string]any)["serviceName"])

	_, err = runLoadgen("--protocol", "zipkin-proto", "--endpoint", host, "--replay-raw", capture, "--duration", "100ms")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "is not a zipkin-proto request body")
}
