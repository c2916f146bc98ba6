package datadog

import (
	"encoding/json"
	"flag"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

var genHandbuilt = flag.Bool("gen-handbuilt", false, "regenerate the HANDBUILT payloads from the dd-trace-go v0.4 capture")

// TestGenerateHandbuilt writes the payloads no Go client produces (v0.3 and
// v0.4 JSON, v0.5, v0.7) from the real dd-trace-go v0.4 capture, so every
// protocol is checked against the same spans. Run with -gen-handbuilt.
func TestGenerateHandbuilt(t *testing.T) {
	if !*genHandbuilt {
		t.Skip("run with -gen-handbuilt to regenerate")
	}
	body, err := os.ReadFile("testdata/v04_dd_trace_go/payload.msgpack")
	require.NoError(t, err)
	v, rest := readAny(t, body)
	require.Empty(t, rest)
	traces := v.([]any)
	req := readRequest(t, "v04_dd_trace_go")

	write := func(dir, file, path string, payload []byte, contentType string) {
		require.NoError(t, os.MkdirAll(filepath.Join("testdata", dir), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join("testdata", dir, file), payload, 0o644))
		h := http.Header{}
		for _, k := range []string{HeaderLang, HeaderLangVersion, HeaderLangInterpreter, HeaderTracerVersion} {
			h.Set(k, req.Headers.Get(k))
		}
		h.Set("Content-Type", contentType)
		meta, err := json.MarshalIndent(requestMeta{Method: "POST", Path: path, Headers: h}, "", "  ")
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join("testdata", dir, "request.json"), append(meta, '\n'), 0o644))
	}

	// JSON: meta_struct is msgpack-only; links stay native.
	var jsonTraces [][]map[string]any
	for _, tr := range traces {
		var spans []map[string]any
		for _, s := range tr.([]any) {
			m := map[string]any{}
			for k, v := range s.(map[string]any) {
				if k != "meta_struct" {
					m[k] = v
				}
			}
			spans = append(spans, m)
		}
		jsonTraces = append(jsonTraces, spans)
	}
	js, err := json.Marshal(jsonTraces)
	require.NoError(t, err)
	write("v03_json_HANDBUILT", "payload.json", "/v0.3/traces", js, "application/json")
	write("v04_json_HANDBUILT", "payload.json", "/v0.4/traces", js, "application/json")

	// v0.5: string table + 12-element arrays; no native links in this version,
	// so the links come from meta "_dd.span_links".
	table := []string{""}
	index := map[string]uint64{"": 0}
	ref := func(s string) uint64 {
		if i, ok := index[s]; ok {
			return i
		}
		index[s] = uint64(len(table))
		table = append(table, s)
		return index[s]
	}
	var tracesW mpw
	tracesW = tracesW.arr(len(traces))
	for _, tr := range traces {
		spans := tr.([]any)
		tracesW = tracesW.arr(len(spans))
		for _, sp := range spans {
			s := sp.(map[string]any)
			tracesW = tracesW.arr(12).
				uint_(ref(s["service"].(string))).uint_(ref(s["name"].(string))).uint_(ref(s["resource"].(string))).
				any_(s["trace_id"]).any_(s["span_id"]).any_(s["parent_id"]).any_(s["start"]).any_(s["duration"]).any_(s["error"])
			meta := s["meta"].(map[string]any)
			tracesW = tracesW.map_(len(meta))
			for _, k := range slices.Sorted(maps.Keys(meta)) {
				tracesW = tracesW.uint_(ref(k)).uint_(ref(meta[k].(string)))
			}
			metrics := s["metrics"].(map[string]any)
			tracesW = tracesW.map_(len(metrics))
			for _, k := range slices.Sorted(maps.Keys(metrics)) {
				tracesW = tracesW.uint_(ref(k)).any_(metrics[k])
			}
			tracesW = tracesW.uint_(ref(s["type"].(string)))
		}
	}
	var v05 mpw
	v05 = v05.arr(2).arr(len(table))
	for _, s := range table {
		v05 = v05.str(s)
	}
	v05 = append(v05, tracesW...)
	write("v05_HANDBUILT", "payload.msgpack", "/v0.5/traces", v05, "application/msgpack")

	// v0.7: a TracerPayload with the tracer fields in the payload.
	chunks := make([]any, 0, len(traces))
	for _, tr := range traces {
		chunks = append(chunks, map[string]any{
			"priority": int64(1), "origin": "", "spans": tr, "tags": map[string]any{}, "droppedTrace": false,
		})
	}
	tp := map[string]any{
		"containerID": "", "languageName": "go", "languageVersion": "1.26.8", "tracerVersion": "v2.12.0",
		"runtimeID": "2ee24f66-1140-47a4-a90c-57218a4232d3", "chunks": chunks,
		"tags": map[string]any{"_dd.tags.container": "kube_namespace:shop"}, "env": "staging",
		"hostname": "fixture-host", "appVersion": "1.4.2",
	}
	write("v07_HANDBUILT", "payload.msgpack", "/v0.7/traces", mpw(nil).any_(tp), "application/msgpack")
	write("v07_v04shape_HANDBUILT", "payload.msgpack", "/v0.7/traces", body, "application/msgpack")
}
