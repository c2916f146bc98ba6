// Command hostilegen writes the hostile Datadog intake corpus that
// test/e2e's TestDatadogHostileCorpus sends to the built binary, and the
// hostile Zipkin and Jaeger corpora (in zipkin/ and jaeger/, see zipkin.go and jaeger.go) of
// TestZipkinHostileCorpus and TestJaegerHostileCorpus: small
// bodies whose decoded form, before the receiver bounded its cost by the body,
// was many times the body (shared strings and tags multiplied, quadratic map
// inserts, compression bombs). Run it from the repository root:
//
//	go run ./test/e2e/hostilegen
//
// Every body is deterministic, so regenerating changes no committed byte.
// Bodies that would be larger than a few hundred KB are stored gzip-compressed
// and sent with Content-Encoding: gzip, so the repository holds no large file.
package main

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"log"
	"mime/multipart"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
)

// hostileCase is one entry of cases.json.
type hostileCase struct {
	Name            string `json:"name"`
	File            string `json:"file"`
	Path            string `json:"path"`
	ContentType     string `json:"content_type,omitempty"`
	ContentEncoding string `json:"content_encoding,omitempty"`
	// Shape says what makes the body hostile.
	Shape string `json:"shape"`
}

func main() {
	out := filepath.Join("test", "e2e", "testdata", "hostile")
	if len(os.Args) > 1 {
		out = os.Args[1]
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		log.Fatal(err)
	}
	var cases []hostileCase
	add := func(c hostileCase, body []byte) {
		if err := os.WriteFile(filepath.Join(out, c.File), body, 0o644); err != nil {
			log.Fatal(err)
		}
		cases = append(cases, c)
	}

	add(hostileCase{Name: "v05_shared_events_json", File: "v05_shared_events_json.msgpack", Path: "/v0.5/traces",
		ContentType: "application/msgpack",
		Shape:       "one ~480 KB 'events' JSON array in the v0.5 string table, referenced from the meta of 1,500 spans"},
		v05SharedEvents())
	add(hostileCase{Name: "v07_chunk_tags", File: "v07_chunk_tags.msgpack", Path: "/v0.7/traces",
		ContentType: "application/msgpack",
		Shape:       "a v0.7 chunk with 3,000 tags and 3,000 empty spans"},
		v07ChunkTags(3000, 3000))
	add(hostileCase{Name: "series_v1_tags_points", File: "series_v1_tags_points.json", Path: "/api/v1/series",
		ContentType: "application/json",
		Shape:       "one /api/v1/series series with 5,000 tags and 5,000 points"},
		seriesTagsPoints(5000, 5000))
	add(hostileCase{Name: "dogstatsd_many_tags", File: "dogstatsd_many_tags.txt.gz", Path: "/dogstatsd/v2/proxy",
		ContentType: "text/plain", ContentEncoding: "gzip",
		Shape: "one DogStatsD line with 200,000 distinct tag keys (~2.3 MB inflated)"},
		gz(dogstatsdManyTags(200000)))
	add(hostileCase{Name: "logs_many_keys", File: "logs_many_keys.json.gz", Path: "/api/v2/logs",
		ContentType: "application/json", ContentEncoding: "gzip",
		Shape: "one log with 200,000 distinct attribute keys (~2.5 MB inflated)"},
		gz(logsManyKeys(200000)))
	add(hostileCase{Name: "v04_json_many_meta", File: "v04_json_many_meta.json.gz", Path: "/v0.4/traces",
		ContentType: "application/json", ContentEncoding: "gzip",
		Shape: "one JSON span with 200,000 distinct meta keys (~2.7 MB inflated)"},
		gz(v04JSONManyMeta(200000)))
	add(hostileCase{Name: "v04_gzip_bomb_empty_spans", File: "v04_gzip_bomb_empty_spans.msgpack.gz", Path: "/v0.4/traces",
		ContentType: "application/msgpack", ContentEncoding: "gzip",
		Shape: "~24 KB of gzip inflating to 24,000,000 one-byte empty spans"},
		gz(v04EmptySpans(24_000_000)))
	add(hostileCase{Name: "zstd_huge_window", File: "zstd_huge_window.zst", Path: "/v0.4/traces",
		ContentType: "application/msgpack", ContentEncoding: "zstd",
		Shape: "a 10-byte zstd frame declaring a 512 MiB window"},
		zstdHugeWindow())
	ct, body := profilingBomb(256 << 20)
	add(hostileCase{Name: "profiling_gzip_bomb", File: "profiling_gzip_bomb.multipart", Path: "/profiling/v1/input",
		ContentType: ct,
		Shape:       "a profiling upload whose ~250 KB gzip attachment inflates to 256 MiB"},
		body)
	add(hostileCase{Name: "v04_array_header_lie", File: "v04_array_header_lie.msgpack", Path: "/v0.4/traces",
		ContentType: "application/msgpack",
		Shape:       "array headers declaring 4 billion traces and spans in a 12-byte body"},
		[]byte{0xdd, 0xff, 0xff, 0xff, 0xff, 0xdd, 0xff, 0xff, 0xff, 0xff, 0x80, 0x80})

	manifest, err := json.MarshalIndent(cases, "", "  ")
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, "cases.json"), append(manifest, '\n'), 0o644); err != nil {
		log.Fatal(err)
	}
	writeZipkinCorpus(filepath.Join(out, "zipkin"))
	writeJaegerCorpus(filepath.Join(out, "jaeger"))
}

// --- msgpack writing, just what the corpus needs ---

func mpArray(b []byte, n int) []byte {
	switch {
	case n < 16:
		return append(b, 0x90|byte(n))
	case n < 1<<16:
		return binary.BigEndian.AppendUint16(append(b, 0xdc), uint16(n))
	}
	return binary.BigEndian.AppendUint32(append(b, 0xdd), uint32(n))
}

func mpMap(b []byte, n int) []byte {
	switch {
	case n < 16:
		return append(b, 0x80|byte(n))
	case n < 1<<16:
		return binary.BigEndian.AppendUint16(append(b, 0xde), uint16(n))
	}
	return binary.BigEndian.AppendUint32(append(b, 0xdf), uint32(n))
}

func mpStr(b []byte, s string) []byte {
	switch n := len(s); {
	case n < 32:
		b = append(b, 0xa0|byte(n))
	case n < 1<<8:
		b = append(b, 0xd9, byte(n))
	case n < 1<<16:
		b = binary.BigEndian.AppendUint16(append(b, 0xda), uint16(n))
	default:
		b = binary.BigEndian.AppendUint32(append(b, 0xdb), uint32(n))
	}
	return append(b, s...)
}

func mpUint(b []byte, v uint64) []byte {
	if v < 128 {
		return append(b, byte(v))
	}
	return binary.BigEndian.AppendUint64(append(b, 0xcf), v)
}

// --- the bodies ---

func v05SharedEvents() []byte {
	var ev strings.Builder
	ev.WriteByte('[')
	for i := 0; ev.Len() < 480_000; i++ {
		if i > 0 {
			ev.WriteByte(',')
		}
		fmt.Fprintf(&ev, `{"name":"e%d","time_unix_nano":1,"attributes":{"a":1}}`, i)
	}
	ev.WriteByte(']')
	// string table: 0 service, 1 name, 2 resource, 3 "events", 4 the JSON, 5 type
	b := mpArray(nil, 2)
	b = mpArray(b, 6)
	for _, s := range []string{"svc", "op", "res", "events", ev.String(), "web"} {
		b = mpStr(b, s)
	}
	const spans = 1500
	b = mpArray(b, 1)
	b = mpArray(b, spans)
	for i := range spans {
		b = mpArray(b, 12)
		b = append(b, 0, 1, 2)        // service, name, resource
		b = mpUint(b, 1)              // trace_id
		b = mpUint(b, uint64(i)+1)    // span_id
		b = mpUint(b, 0)              // parent_id
		b = mpUint(b, 1)              // start
		b = mpUint(b, 1)              // duration
		b = append(b, 0)              // error
		b = append(mpMap(b, 1), 3, 4) // meta: events -> the JSON
		b = append(mpMap(b, 0), 5)    // metrics, type
	}
	return b
}

func v07ChunkTags(tags, spans int) []byte {
	b := mpMap(nil, 1)
	b = mpStr(b, "chunks")
	b = mpArray(b, 1)
	b = mpMap(b, 2)
	b = mpStr(b, "tags")
	b = mpMap(b, tags)
	for i := range tags {
		b = mpStr(mpStr(b, fmt.Sprintf("t%d", i)), "")
	}
	b = mpStr(b, "spans")
	b = mpArray(b, spans)
	for range spans {
		b = mpMap(b, 0)
	}
	return b
}

func seriesTagsPoints(tags, points int) []byte {
	var s strings.Builder
	s.WriteString(`{"series":[{"metric":"hostile.series","type":"gauge","points":[`)
	for i := range points {
		if i > 0 {
			s.WriteByte(',')
		}
		fmt.Fprintf(&s, "[%d,1]", 1700000000+i)
	}
	s.WriteString(`],"tags":[`)
	for i := range tags {
		if i > 0 {
			s.WriteByte(',')
		}
		fmt.Fprintf(&s, `"t%d:v"`, i)
	}
	s.WriteString("]}]}")
	return []byte(s.String())
}

func dogstatsdManyTags(n int) []byte {
	var s strings.Builder
	s.WriteString("hostile.count:1|c|#")
	for i := range n {
		if i > 0 {
			s.WriteByte(',')
		}
		fmt.Fprintf(&s, "k%d:v", i)
	}
	s.WriteByte('\n')
	return []byte(s.String())
}

func logsManyKeys(n int) []byte {
	var s strings.Builder
	s.WriteString(`[{"message":"hostile"`)
	for i := range n {
		fmt.Fprintf(&s, `,"k%d":""`, i)
	}
	s.WriteString("}]")
	return []byte(s.String())
}

func v04JSONManyMeta(n int) []byte {
	var s strings.Builder
	s.WriteString(`[[{"service":"svc","name":"op","resource":"res","trace_id":1,"span_id":1,"start":1,"duration":1,"meta":{`)
	for i := range n {
		if i > 0 {
			s.WriteByte(',')
		}
		fmt.Fprintf(&s, `"k%d":""`, i)
	}
	s.WriteString("}}]]")
	return []byte(s.String())
}

func v04EmptySpans(n int) []byte {
	b := mpArray(nil, 1)
	b = mpArray(b, n)
	return append(b, bytes.Repeat([]byte{0x80}, n)...)
}

// zstdHugeWindow is a frame header whose window descriptor asks for 2^29
// bytes (exponent 19: windowLog 29), followed by one empty last raw block.
func zstdHugeWindow() []byte {
	b := []byte{0x28, 0xb5, 0x2f, 0xfd} // magic, little endian
	b = append(b, 0x00)                 // frame header descriptor: no content size, not single segment
	b = append(b, 19<<3)                // window descriptor
	b = append(b, 0x01, 0x00, 0x00)     // block header: last, raw, size 0
	return append(b, 0x00)
}

func profilingBomb(inflated int) (string, []byte) {
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.SetBoundary("hostilecorpusboundary")
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="event"; filename="event.json"`)
	h.Set("Content-Type", "application/json")
	part, _ := w.CreatePart(h)
	_, _ = part.Write([]byte(`{"attachments":["cpu.pprof"],"tags_profiler":"service:hostile","family":"go","version":"4"}`))
	h = textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="cpu.pprof"; filename="cpu.pprof"`)
	h.Set("Content-Type", "application/octet-stream")
	part, _ = w.CreatePart(h)
	_, _ = part.Write(gz(make([]byte, inflated)))
	_ = w.Close()
	return w.FormDataContentType(), body.Bytes()
}

func gz(b []byte) []byte {
	var buf bytes.Buffer
	w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	_, _ = w.Write(b)
	_ = w.Close()
	return buf.Bytes()
}
