package profiles

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"net/url"
	"testing"
	"time"

	"github.com/google/pprof/profile"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPyroscopeName(t *testing.T) {
	tests := []struct {
		app    string
		labels map[string]string
		want   string
	}{
		{"otelcol-bridge", nil, "otelcol-bridge{}"},
		{"otelcol-bridge", map[string]string{"service.instance.id": "abc", "host.name": "gw-1"}, "otelcol-bridge{host_name=gw-1,service_instance_id=abc}"},
		{"gw", map[string]string{"env": "a,b=c{d}", "empty": ""}, "gw{env=a_b_c_d_}"},
		{"my{app}", map[string]string{"1st-key": "v"}, "my_app_{_st_key=v}"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, PyroscopeName(tt.app, tt.labels))
	}
}

func TestNewPyroscopePushIsWhatIngestExpects(t *testing.T) {
	p := syntheticHeap()
	data, err := Encode(p)
	require.NoError(t, err)
	from := time.Unix(1_700_000_000, 0)
	push, err := NewPyroscopePush("gw{host_name=a}", KindHeap, from, from.Add(time.Minute), data, 100)
	require.NoError(t, err)

	assert.Equal(t, "gw{host_name=a}", push.Query.Get("name"))
	assert.Equal(t, "1700000000", push.Query.Get("from"))
	assert.Equal(t, "1700000060", push.Query.Get("until"))
	assert.Equal(t, "pprof", push.Query.Get("format"))
	assert.Empty(t, push.Query.Get("sampleRate"), "sampleRate is for CPU profiles only")

	target, err := push.IngestURL("http://pyroscope:4040/base/")
	require.NoError(t, err)
	u, err := url.Parse(target)
	require.NoError(t, err)
	assert.Equal(t, "/base/ingest", u.Path)
	assert.Equal(t, "gw{host_name=a}", u.Query().Get("name"))

	mediaType, params, err := mime.ParseMediaType(push.ContentType)
	require.NoError(t, err)
	assert.Equal(t, "multipart/form-data", mediaType)
	r := multipart.NewReader(bytes.NewReader(push.Body), params["boundary"])
	parts := map[string][]byte{}
	for {
		part, err := r.NextPart()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		raw, err := io.ReadAll(part)
		require.NoError(t, err)
		parts[part.FormName()] = raw
	}
	got, err := profile.ParseData(parts["profile"])
	require.NoError(t, err)
	assert.Len(t, got.Sample, 2)
	var cfg map[string]map[string]any
	require.NoError(t, json.Unmarshal(parts["sample_type_config"], &cfg))
	assert.Equal(t, "average", cfg["inuse_space"]["aggregation"])

	cpu, err := NewPyroscopePush("gw{}", KindCPU, from, from, data, 100)
	require.NoError(t, err)
	assert.Equal(t, "100", cpu.Query.Get("sampleRate"))
	assert.Equal(t, "1700000001", cpu.Query.Get("until"), "until is after from")
}

func TestAnnotateAndEncode(t *testing.T) {
	p := syntheticHeap()
	Annotate(p, map[string]string{"service.name": "gw", "host.name": "h"})
	data, err := Encode(p)
	require.NoError(t, err)
	back, err := profile.ParseData(data)
	require.NoError(t, err)
	assert.Equal(t, []string{"captured by a test", "host.name=h", "service.name=gw"}, back.Comments)
	assert.Equal(t, 2, SampleCount(back))
	assert.Zero(t, SampleCount(nil))
}
