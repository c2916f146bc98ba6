package profiles

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Pyroscope's ingest API (POST /ingest): the pprof goes in a multipart form field
// "profile"; "sample_type_config" (JSON) tells the server how to name and aggregate
// each sample type. Query parameters: name ("app{k=v,...}"), from and until (Unix
// seconds), format=pprof, spyName, sampleRate (Hz, CPU only).
const (
	PyroscopeIngestPath = "/ingest"
	pyroscopeSpyName    = "gospy"
)

// PyroscopePush is one profile ready for Pyroscope's /ingest.
type PyroscopePush struct {
	Query       url.Values
	Body        []byte
	ContentType string
}

// PyroscopeName renders the series name: the application name followed by its labels
// in braces, sorted by key. Characters Pyroscope's key parser treats as syntax are
// replaced by "_" in keys ("{", "}", ",", "=", and anything but letters, digits, "_"
// and ".") and values ("{", "}", ",", "="); empty values are left out, as Pyroscope
// drops them.
func PyroscopeName(app string, labels map[string]string) string {
	var sb strings.Builder
	sb.WriteString(sanitizeValue(app))
	sb.WriteByte('{')
	keys := make([]string, 0, len(labels))
	for k, v := range labels {
		if k != "" && v != "" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for i, k := range keys {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(PyroscopeLabelKey(k))
		sb.WriteByte('=')
		sb.WriteString(sanitizeValue(labels[k]))
	}
	sb.WriteByte('}')
	return sb.String()
}

// PyroscopeLabelKey maps an attribute key (service.instance.id) to a label key
// Pyroscope accepts (service_instance_id): dots become "_" too, as Pyroscope's own
// OTLP ingestion does for resource attributes.
func PyroscopeLabelKey(k string) string {
	b := []byte(k)
	for i, c := range b {
		ok := c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > 0 && c >= '0' && c <= '9')
		if !ok {
			b[i] = '_'
		}
	}
	return string(b)
}

func sanitizeValue(v string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '{', '}', ',', '=':
			return '_'
		}
		return r
	}, strings.TrimSpace(v))
}

type sampleTypeConfig struct {
	Units       string `json:"units,omitempty"`
	Aggregation string `json:"aggregation,omitempty"`
	DisplayName string `json:"display-name,omitempty"`
	Sampled     bool   `json:"sampled,omitempty"`
	Cumulative  bool   `json:"cumulative,omitempty"`
}

// pyroscopeSampleTypes is what Pyroscope's own Go client declares per kind. Our
// allocs/mutex/block profiles are already deltas, so nothing is declared cumulative.
func pyroscopeSampleTypes(kind Kind) map[string]sampleTypeConfig {
	switch kind {
	case KindHeap, KindAllocs:
		return map[string]sampleTypeConfig{
			"alloc_objects": {Units: "objects"},
			"alloc_space":   {Units: "bytes"},
			"inuse_objects": {Units: "objects", Aggregation: "average"},
			"inuse_space":   {Units: "bytes", Aggregation: "average"},
		}
	case KindGoroutine:
		return map[string]sampleTypeConfig{"goroutine": {DisplayName: "goroutines", Units: "goroutines", Aggregation: "average"}}
	case KindMutex:
		return map[string]sampleTypeConfig{
			"contentions": {DisplayName: "mutex_count", Units: "lock_samples"},
			"delay":       {DisplayName: "mutex_duration", Units: "lock_nanoseconds"},
		}
	case KindBlock:
		return map[string]sampleTypeConfig{
			"contentions": {DisplayName: "block_count", Units: "lock_samples"},
			"delay":       {DisplayName: "block_duration", Units: "lock_nanoseconds"},
		}
	}
	return nil
}

// NewPyroscopePush builds the form and query for one profile. pprofData is the encoded
// (gzipped) pprof; cpuHz is the CPU sampling rate, used only for the cpu kind.
func NewPyroscopePush(name string, kind Kind, from, until time.Time, pprofData []byte, cpuHz int) (PyroscopePush, error) {
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	fw, err := w.CreateFormFile("profile", "profile.pprof")
	if err != nil {
		return PyroscopePush{}, err
	}
	if _, err := fw.Write(pprofData); err != nil {
		return PyroscopePush{}, err
	}
	if cfg := pyroscopeSampleTypes(kind); cfg != nil {
		js, err := json.Marshal(cfg)
		if err != nil {
			return PyroscopePush{}, err
		}
		fw, err := w.CreateFormFile("sample_type_config", "sample_type_config.json")
		if err != nil {
			return PyroscopePush{}, err
		}
		if _, err := fw.Write(js); err != nil {
			return PyroscopePush{}, err
		}
	}
	if err := w.Close(); err != nil {
		return PyroscopePush{}, err
	}
	if !until.After(from) {
		until = from.Add(time.Second)
	}
	q := url.Values{}
	q.Set("name", name)
	q.Set("from", strconv.FormatInt(from.Unix(), 10))
	q.Set("until", strconv.FormatInt(until.Unix(), 10))
	q.Set("format", "pprof")
	q.Set("spyName", pyroscopeSpyName)
	if kind == KindCPU && cpuHz > 0 {
		q.Set("sampleRate", strconv.Itoa(cpuHz))
	}
	return PyroscopePush{Query: q, Body: body.Bytes(), ContentType: w.FormDataContentType()}, nil
}

// IngestURL joins a Pyroscope base URL (http://host:4040, possibly with a path prefix)
// with /ingest and the push's query.
func (p PyroscopePush) IngestURL(base string) (string, error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", fmt.Errorf("pyroscope endpoint: %w", err)
	}
	u.Path = strings.TrimSuffix(u.Path, "/") + PyroscopeIngestPath
	u.RawQuery = p.Query.Encode()
	return u.String(), nil
}
