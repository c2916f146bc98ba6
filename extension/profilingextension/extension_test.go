package profilingextension

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/pprof/profile"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/configauth"
	"go.opentelemetry.io/collector/config/confighttp"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/extension"
	"go.opentelemetry.io/collector/extension/extensiontest"
	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/otelcol-bridge/otelcol-bridge/extension/profilingextension/internal/metadata"
)

func extensionSettings() extension.Settings {
	set := extensiontest.NewNopSettings(metadata.Type)
	set.Resource = pcommon.NewResource()
	set.Resource.Attributes().PutStr("service.name", "otelcol-bridge")
	set.Resource.Attributes().PutStr("service.instance.id", "inst-1")
	set.Resource.Attributes().PutStr("service.version", "0.1.0-dev")
	return set
}

func startPullOnly(t *testing.T, mutate func(*Config)) (*profilingExtension, string) {
	t.Helper()
	cfg := createDefaultConfig().(*Config)
	cfg.NetAddr.Endpoint = "127.0.0.1:0"
	if mutate != nil {
		mutate(cfg)
	}
	ext, err := newConfiguredExtension(cfg, extensionSettings())
	require.NoError(t, err)
	require.NoError(t, ext.Start(context.Background(), componenttest.NewNopHost()))
	t.Cleanup(func() { shutdown(t, ext) })
	return ext, "http://" + ext.listenAddr()
}

func get(t *testing.T, url string) (int, []byte) {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, body
}

func TestPullEndpointsServeNetHTTPPprof(t *testing.T) {
	_, base := startPullOnly(t, nil)

	code, body := get(t, base+"/debug/pprof/")
	assert.Equal(t, http.StatusOK, code)
	assert.Contains(t, string(body), "goroutine")

	code, body = get(t, base+"/debug/pprof/goroutine")
	require.Equal(t, http.StatusOK, code)
	p, err := profile.ParseData(body)
	require.NoError(t, err)
	assert.NotEmpty(t, p.Sample)

	code, body = get(t, base+"/debug/pprof/cmdline")
	assert.Equal(t, http.StatusOK, code)
	assert.NotEmpty(t, body)

	code, body = get(t, base+"/debug/pprof/profile?seconds=1")
	require.Equal(t, http.StatusOK, code, "%s", body)
	_, err = profile.ParseData(body)
	require.NoError(t, err)
}

// A pull request arriving while the schedule holds the CPU profiler waits for it.
func TestPullCPUProfileWaitsForTheSchedule(t *testing.T) {
	ext, base := startPullOnly(t, nil)
	ext.cpuSlot <- struct{}{} // the schedule's CPU window
	released := make(chan struct{})
	go func() {
		time.Sleep(300 * time.Millisecond)
		<-ext.cpuSlot
		close(released)
	}()
	code, body := get(t, base+"/debug/pprof/profile?seconds=1")
	<-released
	require.Equal(t, http.StatusOK, code, "%s", body)
}

func TestPullEndpointOffWhenEmpty(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	cfg.NetAddr.Endpoint = ""
	ext, err := newConfiguredExtension(cfg, extensionSettings())
	require.NoError(t, err)
	require.NoError(t, ext.Start(context.Background(), componenttest.NewNopHost()))
	assert.Nil(t, ext.server)
	shutdown(t, ext)
}

func TestPullEndpointPortInUseFailsStart(t *testing.T) {
	_, base := startPullOnly(t, nil)
	cfg := createDefaultConfig().(*Config)
	cfg.NetAddr.Endpoint = strings.TrimPrefix(base, "http://")
	second, err := newConfiguredExtension(cfg, extensionSettings())
	require.NoError(t, err)
	err = second.Start(context.Background(), componenttest.NewNopHost())
	require.ErrorContains(t, err, "pprof endpoints")
	shutdown(t, second)
}

// auth names an authenticator extension; one the collector does not run fails start
// instead of serving the endpoints unauthenticated.
func TestPullEndpointMissingAuthenticatorFailsStart(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	cfg.NetAddr.Endpoint = "127.0.0.1:0"
	cfg.Auth = configoptional.Some(confighttp.AuthConfig{Config: configauth.Config{AuthenticatorID: component.MustNewIDWithName("bearertokenauth", "missing")}})
	ext, err := newConfiguredExtension(cfg, extensionSettings())
	require.NoError(t, err)
	err = ext.Start(context.Background(), componenttest.NewNopHost())
	require.ErrorContains(t, err, "bearertokenauth/missing")
	assert.Nil(t, ext.server, "nothing served")
	shutdown(t, ext)
}

// A client that never finishes its headers is disconnected after read_header_timeout
// instead of holding the connection: the timeout reaches the server.
func TestPullEndpointClosesStalledClients(t *testing.T) {
	ext, _ := startPullOnly(t, func(c *Config) { c.ReadHeaderTimeout = 100 * time.Millisecond })
	conn, err := net.Dial("tcp", ext.listenAddr())
	require.NoError(t, err)
	defer conn.Close()
	_, err = conn.Write([]byte("GET /debug/pprof/ HTTP/1.1\r\nHost: x\r\n")) // no blank line: headers never end
	require.NoError(t, err)
	// The deadline only bounds the test; the server must close well before it.
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(30*time.Second)))
	_, err = io.ReadAll(conn)
	var ne net.Error
	require.False(t, errors.As(err, &ne) && ne.Timeout(), "the server kept the stalled connection open")
}

// The configured timeouts are the server's, and a CPU profile longer than write_timeout
// still arrives whole: net/http/pprof extends the deadline through confighttp's wrappers.
func TestPullEndpointWriteTimeout(t *testing.T) {
	ext, base := startPullOnly(t, func(c *Config) { c.WriteTimeout = time.Second; c.IdleTimeout = 7 * time.Second })
	assert.Equal(t, time.Second, ext.server.WriteTimeout)
	assert.Equal(t, 7*time.Second, ext.server.IdleTimeout)
	assert.Equal(t, 30*time.Second, ext.server.ReadTimeout)
	assert.Equal(t, 10*time.Second, ext.server.ReadHeaderTimeout)

	code, body := get(t, base+"/debug/pprof/profile?seconds=2")
	require.Equal(t, http.StatusOK, code, "%s", body)
	_, err := profile.ParseData(body)
	require.NoError(t, err)
}

func TestProfileRatesSetAndRestored(t *testing.T) {
	before := runtime.SetMutexProfileFraction(-1)
	ext, _ := startPullOnly(t, func(c *Config) { c.MutexProfileFraction = 7; c.BlockProfileFraction = 1000 })
	assert.Equal(t, 7, runtime.SetMutexProfileFraction(-1))
	shutdown(t, ext)
	assert.Equal(t, before, runtime.SetMutexProfileFraction(-1))
}

func TestResourceAttributes(t *testing.T) {
	set := extensionSettings()
	got := resourceAttributes(set, map[string]string{"deployment.environment.name": "prod"})
	assert.Equal(t, "otelcol-bridge", got["service.name"])
	assert.Equal(t, "inst-1", got["service.instance.id"])
	assert.Equal(t, "0.1.0-dev", got["service.version"])
	assert.Equal(t, "prod", got["deployment.environment.name"])
	assert.NotEmpty(t, got["host.name"])

	bare := extensiontest.NewNopSettings(metadata.Type)
	bare.BuildInfo = component.BuildInfo{Command: "otelcol-bridge", Version: "1.2.3"}
	got = resourceAttributes(bare, nil)
	assert.Equal(t, "otelcol-bridge", got["service.name"])
	assert.Equal(t, "1.2.3", got["service.version"])
}

func (e *profilingExtension) listenAddr() string { return e.addr }
