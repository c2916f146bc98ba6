package profilingextension

import (
	"context"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/pprof/profile"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/configgrpc"
	"go.opentelemetry.io/collector/config/confighttp"
	"go.opentelemetry.io/collector/config/configtls"
	"go.opentelemetry.io/collector/confmap/confmaptest"
	"go.opentelemetry.io/collector/pdata/pprofile"
	"go.opentelemetry.io/collector/pdata/pprofile/pprofileotlp"
	"google.golang.org/grpc"

	"github.com/otelcol-bridge/otelcol-bridge/components/profiles"
	"github.com/otelcol-bridge/otelcol-bridge/components/profiles/profilestest"
)

var testRes = map[string]string{
	"service.name":        "otelcol-bridge",
	"service.instance.id": "inst-1",
	"service.version":     "0.1.0-dev",
	"host.name":           "gw-1",
}

// The factory's extension sends to one destination per configured block, in a fixed
// order, and to none with the defaults (pull endpoints only).
func TestFactoryBuildsTheConfiguredDestinations(t *testing.T) {
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "config.yaml"))
	require.NoError(t, err)
	for _, tt := range []struct {
		id   string
		want []string
	}{
		{id: "profiling", want: nil},
		{id: "profiling/full", want: []string{"otlp_grpc", "otlp_http", "pyroscope", "files"}},
	} {
		t.Run(tt.id, func(t *testing.T) {
			sub, err := cm.Sub(tt.id)
			require.NoError(t, err)
			cfg := createDefaultConfig().(*Config)
			require.NoError(t, sub.Unmarshal(cfg))
			ext, err := NewFactory().Create(context.Background(), extensionSettings(), cfg)
			require.NoError(t, err)
			var names []string
			for _, d := range ext.(*profilingExtension).dests {
				names = append(names, d.name())
			}
			assert.Equal(t, tt.want, names)
		})
	}
}

func testBatch() *batch {
	now := time.Unix(1_700_000_000, 0)
	cpu := fakeProfile([]string{"samples/count", "cpu/nanoseconds"}, "cpu/nanoseconds", []int64{7, 7e7})
	heap := fakeProfile([]string{"alloc_objects/count", "alloc_space/bytes", "inuse_objects/count", "inuse_space/bytes"}, "space/bytes", []int64{1, 2, 3, 4})
	return newBatch([]captured{
		{kind: profiles.KindCPU, from: now.Add(-10 * time.Second), until: now, prof: cpu},
		{kind: profiles.KindHeap, from: now, until: now, prof: heap},
	}, testRes, "0.1.0-dev")
}

// checkOTLP decodes what a receiver got and checks kinds, types, samples and labels.
func checkOTLP(t *testing.T, pd pprofile.Profiles) {
	t.Helper()
	decoded, err := profilestest.Decode(pd)
	require.NoError(t, err)
	require.Len(t, decoded, 6, "2 CPU sample types + 4 heap sample types")
	byKind := map[string][]string{}
	for _, d := range decoded {
		assert.Equal(t, testRes, d.Resource)
		kind := d.Attrs[profiles.AttrProfileKind]
		byKind[kind] = append(byKind[kind], d.Pprof.SampleType[0].Type)
		require.Len(t, d.Pprof.Sample, 1)
		assert.Equal(t, []string{"test"}, d.Pprof.Sample[0].Label["component"])
		assert.Equal(t, "main.work", d.Pprof.Sample[0].Location[0].Line[0].Function.Name)
	}
	assert.Equal(t, []string{"cpu", "samples"}, byKind["cpu"], "default (last) sample type first")
	assert.Equal(t, []string{"inuse_space", "alloc_objects", "alloc_space", "inuse_objects"}, byKind["heap"])
}

type profilesServer struct {
	pprofileotlp.UnimplementedGRPCServer
	mu  sync.Mutex
	got []pprofile.Profiles
}

func (s *profilesServer) Export(_ context.Context, req pprofileotlp.ExportRequest) (pprofileotlp.ExportResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.got = append(s.got, req.Profiles())
	return pprofileotlp.NewExportResponse(), nil
}

func TestOTLPGRPCDestination(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := grpc.NewServer()
	rcv := &profilesServer{}
	pprofileotlp.RegisterGRPCServer(srv, rcv)
	go func() { _ = srv.Serve(ln) }()
	defer srv.Stop()

	cfg := configgrpc.NewDefaultClientConfig()
	cfg.Endpoint = ln.Addr().String()
	cfg.TLS = configtls.ClientConfig{Insecure: true}
	d := &otlpGRPC{cfg: &cfg, set: extensionSettings()}
	require.NoError(t, d.start(context.Background(), componenttest.NewNopHost()))
	defer func() { require.NoError(t, d.shutdown(context.Background())) }()

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	errs := d.send(ctx, testBatch())
	require.Equal(t, []error{nil, nil}, errs)
	require.Len(t, rcv.got, 1)
	checkOTLP(t, rcv.got[0])
}

func TestOTLPHTTPDestination(t *testing.T) {
	var got pprofile.Profiles
	var path, contentType string
	status := http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		path, contentType = r.URL.Path, r.Header.Get("Content-Type")
		body, _ := io.ReadAll(r.Body)
		req := pprofileotlp.NewExportRequest()
		if err := req.UnmarshalProto(body); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		got = req.Profiles()
		w.WriteHeader(status)
	}))
	defer srv.Close()

	cfg := confighttp.NewDefaultClientConfig()
	cfg.Endpoint = srv.URL
	d := &otlpHTTP{cfg: &cfg, set: extensionSettings()}
	require.NoError(t, d.start(context.Background(), componenttest.NewNopHost()))
	errs := d.send(context.Background(), testBatch())
	require.Equal(t, []error{nil, nil}, errs)
	assert.Equal(t, "/v1development/profiles", path)
	assert.Equal(t, "application/x-protobuf", contentType)
	checkOTLP(t, got)

	status = http.StatusServiceUnavailable
	errs = d.send(context.Background(), testBatch())
	require.Len(t, errs, 2)
	require.ErrorContains(t, errs[0], "503")
}

type ingested struct {
	query  map[string]string
	pprof  *profile.Profile
	config string
}

// pyroscopeStub answers /ingest like Pyroscope and parses what it receives.
func pyroscopeStub(t *testing.T) (*httptest.Server, func() []ingested) {
	var mu sync.Mutex
	var got []ingested
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/ingest" || r.Method != http.MethodPost {
			http.NotFound(w, r)
			return
		}
		_, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		in := ingested{query: map[string]string{}}
		for k := range r.URL.Query() {
			in.query[k] = r.URL.Query().Get(k)
		}
		mr := multipart.NewReader(r.Body, params["boundary"])
		for {
			part, err := mr.NextPart()
			if err != nil {
				break
			}
			raw, _ := io.ReadAll(part)
			switch part.FormName() {
			case "profile":
				in.pprof, err = profile.ParseData(raw)
				if err != nil {
					http.Error(w, err.Error(), http.StatusUnprocessableEntity)
					return
				}
			case "sample_type_config":
				in.config = string(raw)
			}
		}
		mu.Lock()
		got = append(got, in)
		mu.Unlock()
	}))
	t.Cleanup(srv.Close)
	return srv, func() []ingested {
		mu.Lock()
		defer mu.Unlock()
		return append([]ingested(nil), got...)
	}
}

func TestPyroscopeDestination(t *testing.T) {
	srv, got := pyroscopeStub(t)
	cfg := &PyroscopeConfig{ClientConfig: confighttp.NewDefaultClientConfig()}
	cfg.Endpoint = srv.URL
	d := newPyroscope(cfg, extensionSettings(), testRes)
	require.NoError(t, d.start(context.Background(), componenttest.NewNopHost()))
	errs := d.send(context.Background(), testBatch())
	require.Equal(t, []error{nil, nil}, errs)

	pushes := got()
	require.Len(t, pushes, 2)
	wantName := "otelcol-bridge{host_name=gw-1,service_instance_id=inst-1,service_version=0.1.0-dev}"
	for _, p := range pushes {
		assert.Equal(t, wantName, p.query["name"])
		assert.Equal(t, "pprof", p.query["format"])
		assert.Equal(t, "gospy", p.query["spyName"])
		require.NotNil(t, p.pprof)
		assert.Len(t, p.pprof.Sample, 1)
		assert.Contains(t, p.pprof.Comments, "service.name=otelcol-bridge")
	}
	assert.Equal(t, "100", pushes[0].query["sampleRate"])
	assert.Equal(t, "1699999990", pushes[0].query["from"])
	assert.Equal(t, "1700000000", pushes[0].query["until"])
	assert.Contains(t, pushes[0].pprof.Comments, "profile.kind=cpu")
	assert.Contains(t, pushes[1].config, `"inuse_space"`)

	cfg.ApplicationName = "gateway"
	assert.True(t, strings.HasPrefix(newPyroscope(cfg, extensionSettings(), testRes).series, "gateway{"))
}

func TestPyroscopeDestinationErrors(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "tenant missing", http.StatusUnauthorized)
	}))
	defer srv.Close()
	cfg := &PyroscopeConfig{ClientConfig: confighttp.NewDefaultClientConfig()}
	cfg.Endpoint = srv.URL
	d := newPyroscope(cfg, extensionSettings(), testRes)
	require.NoError(t, d.start(context.Background(), componenttest.NewNopHost()))
	errs := d.send(context.Background(), testBatch())
	require.Len(t, errs, 2)
	require.ErrorContains(t, errs[1], "401")
	require.ErrorContains(t, errs[1], "tenant missing")
}

func listFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	sort.Strings(out)
	return out
}

func TestFilesDestinationWritesAndRotates(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "profiles")
	d := newFiles(&FilesConfig{Directory: dir, MaxFiles: 3}, extensionSettings().Logger, testRes)
	require.NoError(t, d.start(context.Background(), componenttest.NewNopHost()))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "unrelated.pb.gz"), []byte("x"), 0o600))

	errs := d.send(context.Background(), testBatch())
	require.Equal(t, []error{nil, nil}, errs)
	names := listFiles(t, dir)
	assert.Equal(t, []string{
		"otelcol-bridge-cpu-20231114T221320.000Z.pb.gz",
		"otelcol-bridge-heap-20231114T221320.000Z.pb.gz",
		"unrelated.pb.gz",
	}, names)
	raw, err := os.ReadFile(filepath.Join(dir, names[0]))
	require.NoError(t, err)
	p, err := profile.ParseData(raw)
	require.NoError(t, err)
	assert.Contains(t, p.Comments, "host.name=gw-1")
	assert.Contains(t, p.Comments, "profile.kind=cpu")
	assert.Equal(t, int64(7), p.Sample[0].Value[0])

	// Two more cycles: only the 3 newest of our files stay; others' files are untouched.
	for i := 1; i <= 2; i++ {
		b := testBatch()
		for j := range b.items {
			b.items[j].until = b.items[j].until.Add(time.Duration(i) * time.Minute)
		}
		time.Sleep(20 * time.Millisecond) // distinct modification times
		require.Equal(t, []error{nil, nil}, d.send(context.Background(), b))
	}
	names = listFiles(t, dir)
	assert.Len(t, names, 4)
	assert.Contains(t, names, "unrelated.pb.gz")
	assert.Contains(t, names, "otelcol-bridge-heap-20231114T221520.000Z.pb.gz")
	assert.NotContains(t, names, "otelcol-bridge-cpu-20231114T221320.000Z.pb.gz")
}

func TestFilesDestinationRotatesBySize(t *testing.T) {
	dir := t.TempDir()
	d := newFiles(&FilesConfig{Directory: dir, MaxTotalSizeMiB: 1}, extensionSettings().Logger, testRes)
	require.NoError(t, d.start(context.Background(), componenttest.NewNopHost()))
	big := make([]byte, 700<<10)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "otelcol-bridge-heap-20000101T000000.000Z.pb.gz"), big, 0o600))
	require.NoError(t, os.Chtimes(filepath.Join(dir, "otelcol-bridge-heap-20000101T000000.000Z.pb.gz"), time.Unix(1, 0), time.Unix(1, 0)))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "otelcol-bridge-heap-20000101T000001.000Z.pb.gz"), big, 0o600))
	require.Equal(t, []error{nil, nil}, d.send(context.Background(), testBatch()))
	names := listFiles(t, dir)
	assert.NotContains(t, names, "otelcol-bridge-heap-20000101T000000.000Z.pb.gz", "oldest removed to get under 1 MiB")
	assert.Len(t, names, 3)
}
