//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/pprof/profile"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pprofile"

	"github.com/otelcol-bridge/otelcol-bridge/components/profiles"
	"github.com/otelcol-bridge/otelcol-bridge/components/profiles/profilestest"
)

// The profiling extension's schedule, shortened for tests: a cycle every 2s with a
// 500ms CPU profile (the largest duty cycle Validate allows is 25%).
const profilingSchedule = `
    interval: 2s
    cpu_duration: 500ms
    profiles: [cpu, heap, allocs, goroutine]
    labels:
      e2e.test: profiling`

// profilingCollector is collector A: the profiling extension, its pull endpoints, and
// an OTLP/HTTP traces pipeline that profilingLoad keeps busy so CPU profiles have samples.
func profilingCollector(t *testing.T, destinations string) (c *Collector, otlpHTTP, pprofPort int) {
	t.Helper()
	p := freePorts(t, 3)
	cfg := fmt.Sprintf(`
extensions:
  health_check:
    endpoint: 127.0.0.1:%d
  profiling:
    endpoint: 127.0.0.1:%d%s
%s
receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:%d
exporters:
  nop:
service:
  telemetry:
    metrics:
      level: none # no :8888 listener: several collectors run at once
  extensions: [health_check, profiling]
  pipelines:
    traces:
      receivers: [otlp]
      exporters: [nop]
`, p[0], p[1], profilingSchedule, destinations, p[2])
	return startCollector(t, collectorOptions{Config: cfg, HealthPort: p[0]}), p[2], p[1]
}

// profilingLoad posts OTLP/JSON traces to port until the test ends.
func profilingLoad(t *testing.T, port int) {
	t.Helper()
	var spans []string
	for i := 0; i < 50; i++ {
		spans = append(spans, fmt.Sprintf(`{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"%016x","name":"load-%d","kind":2,"startTimeUnixNano":"1700000000000000000","endTimeUnixNano":"1700000000100000000","attributes":[{"key":"http.route","value":{"stringValue":"/checkout/%d"}}]}`, i+1, i, i))
	}
	body := []byte(`{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"load"}}]},"scopeSpans":[{"spans":[` + strings.Join(spans, ",") + `]}]}]}`)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	t.Cleanup(func() { cancel(); wg.Wait() })
	url := fmt.Sprintf("http://127.0.0.1:%d/v1/traces", port)
	for w := 0; w < 3; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				if resp, err := http.DefaultClient.Do(req); err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
			}
		}()
	}
}

// decodedProfiles reads a file exporter's OTLP/JSON profiles output back into pprof.
func decodedProfiles(t *testing.T, path string) []profilestest.Decoded {
	t.Helper()
	var out []profilestest.Decoded
	var u pprofile.JSONUnmarshaler
	for _, line := range readJSONLines(t, path) {
		pd, err := u.UnmarshalProfiles(line)
		require.NoError(t, err, "file exporter line is not OTLP JSON profiles: %.200s", line)
		d, err := profilestest.Decode(pd)
		require.NoError(t, err)
		out = append(out, d...)
	}
	return out
}

// TestProfilingOTLPToSecondCollector: A's extension sends OTLP profiles over gRPC and
// HTTP to B's otlp receiver (profiles feature gate on), whose file exporter writes them.
func TestProfilingOTLPToSecondCollector(t *testing.T) {
	bp := freePorts(t, 3)
	b := startCollector(t, collectorOptions{Config: fmt.Sprintf(`
extensions:
  health_check:
    endpoint: 127.0.0.1:%d
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 127.0.0.1:%d
      http:
        endpoint: 127.0.0.1:%d
exporters:
  file:
    path: ./profiles.jsonl
    format: json
    flush_interval: 50ms
service:
  telemetry:
    metrics:
      level: none # no :8888 listener: several collectors run at once
  extensions: [health_check]
  pipelines:
    profiles:
      receivers: [otlp]
      exporters: [file]
`, bp[0], bp[1], bp[2]), HealthPort: bp[0], Args: []string{"--feature-gates=service.profilesSupport"}})

	a, load, pprofPort := profilingCollector(t, fmt.Sprintf(`
    otlp_grpc:
      endpoint: 127.0.0.1:%d
      tls:
        insecure: true
    otlp_http:
      endpoint: http://127.0.0.1:%d`, bp[1], bp[2]))
	profilingLoad(t, load)

	// kind -> sample type -> samples seen, per sender (the HTTP and gRPC copies are alike).
	var seen map[string]int
	waitFor(t, "CPU and heap profiles with samples in B's file exporter", func() bool {
		seen = map[string]int{}
		for _, d := range decodedProfiles(t, b.Path("profiles.jsonl")) {
			seen[d.Attrs[profiles.AttrProfileKind]+"/"+d.Pprof.SampleType[0].Type] += len(d.Pprof.Sample)
		}
		return seen["cpu/cpu"] > 0 && seen["heap/inuse_space"] > 0 && seen["goroutine/goroutine"] > 0
	})

	decoded := decodedProfiles(t, b.Path("profiles.jsonl"))
	hostname, _ := os.Hostname()
	var cpuFuncs []string
	for _, d := range decoded {
		assert.Equal(t, "otelcol-bridge", d.Resource["service.name"])
		assert.NotEmpty(t, d.Resource["service.instance.id"])
		assert.NotEmpty(t, d.Resource["service.version"])
		assert.Equal(t, hostname, d.Resource["host.name"])
		assert.Equal(t, "profiling", d.Resource["e2e.test"])
		if d.Attrs[profiles.AttrProfileKind] == "cpu" {
			for _, s := range d.Pprof.Sample {
				for _, l := range s.Location {
					for _, ln := range l.Line {
						cpuFuncs = append(cpuFuncs, ln.Function.Name)
					}
				}
			}
		}
	}
	assert.True(t, containsSubstring(cpuFuncs, "otlpreceiver") || containsSubstring(cpuFuncs, "net/http."),
		"the CPU profile shows the collector at work: %v", cpuFuncs)

	// The pull endpoints work next to the schedule.
	resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/debug/pprof/goroutine", pprofPort))
	require.NoError(t, err)
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	_, err = profile.ParseData(raw)
	require.NoError(t, err)

	// A pull CPU profile waits for the schedule's window instead of failing.
	resp, err = http.Get(fmt.Sprintf("http://127.0.0.1:%d/debug/pprof/profile?seconds=1", pprofPort))
	require.NoError(t, err)
	raw, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", raw)
	require.True(t, a.Running())
}

func containsSubstring(list []string, sub string) bool {
	for _, s := range list {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// TestProfilingFiles: gzipped pprof files, annotated, rotated by count.
func TestProfilingFiles(t *testing.T) {
	a, load, _ := profilingCollector(t, `
    files:
      directory: ./profiles
      max_files: 6`)
	profilingLoad(t, load)
	dir := a.Path("profiles")

	kinds := map[string]bool{}
	waitFor(t, "cpu, heap and goroutine pprof files", func() bool {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			for _, k := range []string{"cpu", "heap", "goroutine"} {
				if strings.HasPrefix(e.Name(), "otelcol-bridge-"+k+"-") && strings.HasSuffix(e.Name(), ".pb.gz") {
					kinds[k] = true
				}
			}
		}
		return kinds["cpu"] && kinds["heap"] && kinds["goroutine"]
	})
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range entries {
		raw, err := os.ReadFile(filepath.Join(dir, e.Name()))
		require.NoError(t, err)
		p, err := profile.ParseData(raw)
		require.NoError(t, err, e.Name())
		assert.NotEmpty(t, p.Sample, e.Name())
		assert.Contains(t, p.Comments, "service.name=otelcol-bridge", e.Name())
		assert.Contains(t, p.Comments, "e2e.test=profiling", e.Name())
	}

	// After a few more cycles the directory still holds at most max_files of ours.
	time.Sleep(7 * time.Second)
	entries, err = os.ReadDir(dir)
	require.NoError(t, err)
	var ours int
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".pb.gz") {
			ours++
		}
	}
	assert.LessOrEqual(t, ours, 6)
	assert.GreaterOrEqual(t, ours, 3)
}

type pyroscopePush struct {
	name, from, until, format, sampleRate string
	prof                                  *profile.Profile
}

// TestProfilingPyroscopePush: pushes to a Pyroscope-compatible /ingest served by the
// test, which parses the multipart form and the pprof in it. (The real Pyroscope server
// is not built here: the Go module proxy refuses github.com/grafana/pyroscope, 403 for v1.15.0, v1.14.0 and its version list.)
func TestProfilingPyroscopePush(t *testing.T) {
	var mu sync.Mutex
	var pushes []pyroscopePush
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/ingest" {
			http.NotFound(w, r)
			return
		}
		_, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		q := r.URL.Query()
		push := pyroscopePush{name: q.Get("name"), from: q.Get("from"), until: q.Get("until"), format: q.Get("format"), sampleRate: q.Get("sampleRate")}
		mr := multipart.NewReader(r.Body, params["boundary"])
		for {
			part, err := mr.NextPart()
			if err != nil {
				break
			}
			if part.FormName() == "profile" {
				raw, _ := io.ReadAll(part)
				if push.prof, err = profile.ParseData(raw); err != nil {
					http.Error(w, err.Error(), http.StatusUnprocessableEntity)
					return
				}
			}
		}
		if push.prof == nil {
			http.Error(w, "no profile field", http.StatusBadRequest)
			return
		}
		mu.Lock()
		pushes = append(pushes, push)
		mu.Unlock()
	}))
	defer srv.Close()

	_, load, _ := profilingCollector(t, `
    pyroscope:
      endpoint: `+srv.URL)
	profilingLoad(t, load)

	byType := map[string]pyroscopePush{}
	waitFor(t, "CPU and heap pushes", func() bool {
		mu.Lock()
		defer mu.Unlock()
		for _, p := range pushes {
			byType[p.prof.SampleType[len(p.prof.SampleType)-1].Type] = p
		}
		_, cpu := byType["cpu"]
		_, heap := byType["inuse_space"]
		return cpu && heap
	})
	hostname, _ := os.Hostname()
	for typ, p := range byType {
		assert.True(t, strings.HasPrefix(p.name, "otelcol-bridge{"), p.name)
		assert.Contains(t, p.name, "host_name="+hostname, typ)
		assert.Contains(t, p.name, "e2e_test=profiling", typ)
		assert.Contains(t, p.name, "service_instance_id=", typ)
		assert.Equal(t, "pprof", p.format)
		assert.NotEmpty(t, p.prof.Sample, typ)
		assert.NotEmpty(t, p.from)
		assert.NotEmpty(t, p.until)
	}
	assert.Equal(t, "100", byType["cpu"].sampleRate)
}
