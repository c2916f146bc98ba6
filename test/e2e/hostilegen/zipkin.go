package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
)

// zipkinCase is one entry of zipkin/cases.json: a hostileCase plus the status
// the zipkin receiver must answer.
type zipkinCase struct {
	hostileCase
	Status int `json:"status"`
}

// writeZipkinCorpus writes the hostile Zipkin corpus (test/e2e's
// TestZipkinHostileCorpus) into dir: huge arrays of tags and annotations,
// deep nesting, a giant string, a gzip bomb, protobuf and Thrift lengths
// that lie, truncated bodies, for the v2 JSON and proto3, v1 JSON and v1
// Thrift paths.
func writeZipkinCorpus(dir string) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		log.Fatal(err)
	}
	var cases []zipkinCase
	add := func(c hostileCase, status int, body []byte) {
		if err := os.WriteFile(filepath.Join(dir, c.File), body, 0o644); err != nil {
			log.Fatal(err)
		}
		cases = append(cases, zipkinCase{hostileCase: c, Status: status})
	}
	const v2, v1 = "/api/v2/spans", "/api/v1/spans"
	const js, pb, thrift = "application/json", "application/x-protobuf", "application/x-thrift"

	add(hostileCase{Name: "v2_json_many_tags", File: "v2_json_many_tags.json.gz", Path: v2, ContentType: js, ContentEncoding: "gzip",
		Shape: "one v2 JSON span with 50,000 distinct tags (~1.3 MB inflated)"}, 202,
		gz(v2JSONSpan(`"tags":{`+list(50000, func(i int) string { return fmt.Sprintf(`"tag.key.%d":"value %d"`, i, i) })+`}`)))
	add(hostileCase{Name: "v2_json_duplicate_tags", File: "v2_json_duplicate_tags.json.gz", Path: v2, ContentType: js, ContentEncoding: "gzip",
		Shape: "one v2 JSON span with one tag key repeated 50,000 times"}, 202,
		gz(v2JSONSpan(`"tags":{`+list(50000, func(i int) string { return fmt.Sprintf(`"k":"value %d"`, i) })+`}`)))
	add(hostileCase{Name: "v2_json_many_annotations", File: "v2_json_many_annotations.json.gz", Path: v2, ContentType: js, ContentEncoding: "gzip",
		Shape: "one v2 JSON span with 50,000 annotations"}, 202,
		gz(v2JSONSpan(`"annotations":[`+list(50000, func(i int) string { return fmt.Sprintf(`{"timestamp":%d,"value":"event %d"}`, i+1, i) })+`]`)))
	add(hostileCase{Name: "v2_json_span_per_service", File: "v2_json_span_per_service.json.gz", Path: v2, ContentType: js, ContentEncoding: "gzip",
		Shape: "20,000 v2 JSON spans, each of its own service and scope"}, 202,
		gz([]byte(`[`+list(20000, func(i int) string {
			return fmt.Sprintf(`{"traceId":"01","id":"%x","localEndpoint":{"serviceName":"svc%d"},"tags":{"otel.scope.name":"scope%d","host.name":"h%d"}}`, i+1, i, i, i)
		})+`]`)))
	add(hostileCase{Name: "v2_json_deep_nesting", File: "v2_json_deep_nesting.json.gz", Path: v2, ContentType: js, ContentEncoding: "gzip",
		Shape: "an unknown field nested 1,000,000 arrays deep (past encoding/json's 10,000 limit)"}, 400,
		gz(v2JSONSpan(`"x":`+strings.Repeat("[", 1_000_000)+strings.Repeat("]", 1_000_000))))
	add(hostileCase{Name: "v2_json_giant_string", File: "v2_json_giant_string.json.gz", Path: v2, ContentType: js, ContentEncoding: "gzip",
		Shape: "one v2 JSON span whose name is a 16 MiB string"}, 202,
		gz(v2JSONSpan(`"name":"`+strings.Repeat("n", 16<<20)+`"`)))
	add(hostileCase{Name: "v2_json_gzip_bomb", File: "v2_json_gzip_bomb.json.gz", Path: v2, ContentType: js, ContentEncoding: "gzip",
		Shape: "~250 KB of gzip inflating to 256 MiB of JSON whitespace (limit: max_request_body_size, 20 MiB)"}, 413,
		gz(append(append([]byte("["), bytes.Repeat([]byte{' '}, 256<<20)...), ']')))
	add(hostileCase{Name: "v2_json_truncated", File: "v2_json_truncated.json", Path: v2, ContentType: js,
		Shape: "1,000 v2 JSON spans cut in the middle of the 501st"}, 400,
		truncatedJSON())
	add(hostileCase{Name: "v2_proto_huge_lengths", File: "v2_proto_huge_lengths.pb", Path: v2, ContentType: pb,
		Shape: "a ListOfSpans whose span and name fields declare 2 GiB lengths in a 16-byte body"}, 400,
		[]byte{0x0a, 0xff, 0xff, 0xff, 0xff, 0x07, 0x2a, 0xff, 0xff, 0xff, 0xff, 0x07, 'a', 'b', 'c', 'd'})
	add(hostileCase{Name: "v2_proto_many_tags", File: "v2_proto_many_tags.pb.gz", Path: v2, ContentType: pb, ContentEncoding: "gzip",
		Shape: "one proto3 span with 50,000 distinct tags"}, 202,
		gz(protoManyTags(50000)))
	add(hostileCase{Name: "v2_proto_truncated", File: "v2_proto_truncated.pb", Path: v2, ContentType: pb,
		Shape: "a proto3 span with 1,000 tags cut in the middle"}, 400,
		func() []byte { b := protoManyTags(1000); return b[:len(b)/2] }())
	add(hostileCase{Name: "v1_json_many_binary_annotations", File: "v1_json_many_binary_annotations.json.gz", Path: v1, ContentType: js, ContentEncoding: "gzip",
		Shape: "one v1 JSON span with 50,000 binary annotations"}, 202,
		gz([]byte(`[{"traceId":"0102030405060708","id":"0a0b0c0d0e0f1011","binaryAnnotations":[`+
			list(50000, func(i int) string { return fmt.Sprintf(`{"key":"k%d","value":"v%d"}`, i, i) })+`]}]`)))
	add(hostileCase{Name: "v1_json_null_binary_annotation", File: "v1_json_null_binary_annotation.json", Path: v1, ContentType: js,
		Shape: "a v1 JSON span whose binary annotation is null (contrib's translator panics on it)"}, 400,
		[]byte(`[{"traceId":"0102030405060708","id":"0a0b0c0d0e0f1011","binaryAnnotations":[null]}]`))
	add(hostileCase{Name: "v1_json_truncated", File: "v1_json_truncated.json", Path: v1, ContentType: js,
		Shape: "a v1 JSON span list cut inside an annotation"}, 400,
		[]byte(`[{"traceId":"0102030405060708","id":"0a0b0c0d0e0f1011","annotations":[{"timestamp":1,"val`))
	add(hostileCase{Name: "v1_thrift_huge_list", File: "v1_thrift_huge_list.thrift", Path: v1, ContentType: thrift,
		Shape: "a Thrift span list declaring 2,147,483,647 spans in a 5-byte body"}, 400,
		[]byte{0x0c, 0x7f, 0xff, 0xff, 0xff})
	add(hostileCase{Name: "v1_thrift_huge_string", File: "v1_thrift_huge_string.thrift", Path: v1, ContentType: thrift,
		Shape: "a Thrift span whose name declares a 2 GiB length in a 16-byte body"}, 400,
		[]byte{0x0c, 0, 0, 0, 1, 0x0b, 0, 3, 0x7f, 0xff, 0xff, 0xff, 'a', 'b', 'c', 'd'})
	add(hostileCase{Name: "v1_thrift_declared_list_bomb", File: "v1_thrift_declared_list_bomb.thrift", Path: v1, ContentType: thrift,
		Shape: "13 bytes declaring a span with 99,999,999 binary annotations (contrib's deserializer preallocates 762 MiB of heap for them: untouched pages, so not resident, but counted by the Go heap and memory_limiter)"}, 400,
		[]byte{0x0c, 0, 0, 0, 1, 0x0f, 0, 8, 0x0c, 0x05, 0xf5, 0xe0, 0xff})
	add(hostileCase{Name: "v1_thrift_many_binary_annotations", File: "v1_thrift_many_binary_annotations.thrift.gz", Path: v1, ContentType: thrift, ContentEncoding: "gzip",
		Shape: "one Thrift span with 50,000 binary annotations (contrib's Thrift translation, quadratic in them, took over 10 s)"}, 202,
		gz(thriftManyBinaryAnnotations(50000)))
	add(hostileCase{Name: "v1_thrift_truncated", File: "v1_thrift_truncated.thrift", Path: v1, ContentType: thrift,
		Shape: "a Thrift span with 1,000 binary annotations cut in the middle"}, 400,
		func() []byte { b := thriftManyBinaryAnnotations(1000); return b[:len(b)/2] }())

	manifest, err := json.MarshalIndent(cases, "", "  ")
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "cases.json"), append(manifest, '\n'), 0o644); err != nil {
		log.Fatal(err)
	}
}

func list(n int, item func(i int) string) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(item(i))
	}
	return b.String()
}

// v2JSONSpan is a one-span v2 JSON list with the given extra fields.
func v2JSONSpan(fields string) []byte {
	return []byte(`[{"traceId":"0102030405060708","id":"0a0b0c0d0e0f1011","localEndpoint":{"serviceName":"hostile"},` + fields + `}]`)
}

func truncatedJSON() []byte {
	b := []byte(`[` + list(1000, func(i int) string {
		return fmt.Sprintf(`{"traceId":"0102030405060708","id":"%016x","name":"span %d","timestamp":1,"duration":1,"tags":{"k":"v"}}`, i+1, i)
	}) + `]`)
	return b[:len(b)/2]
}

// --- protobuf and Thrift writing, just what the corpus needs ---

func pbBytes(b []byte, field int, v []byte) []byte {
	b = binary.AppendUvarint(b, uint64(field)<<3|2)
	b = binary.AppendUvarint(b, uint64(len(v)))
	return append(b, v...)
}

// protoManyTags is a ListOfSpans with one span carrying n tags.
func protoManyTags(n int) []byte {
	var span []byte
	span = pbBytes(span, 1, []byte{0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8}) // trace_id
	span = pbBytes(span, 3, []byte{10, 11, 12, 13, 14, 15, 16, 17})                 // id
	span = pbBytes(span, 5, []byte("op"))                                           // name
	for i := range n {
		var entry []byte
		entry = pbBytes(entry, 1, fmt.Appendf(nil, "tag.key.%d", i))
		entry = pbBytes(entry, 2, fmt.Appendf(nil, "value %d", i))
		span = pbBytes(span, 11, entry) // tags
	}
	return pbBytes(nil, 1, span)
}

// thriftManyBinaryAnnotations is a Thrift binary-protocol list of one
// zipkincore Span with n string binary annotations.
func thriftManyBinaryAnnotations(n int) []byte {
	field := func(b []byte, typ byte, id int16) []byte {
		return binary.BigEndian.AppendUint16(append(b, typ), uint16(id))
	}
	str := func(b []byte, s string) []byte {
		return append(binary.BigEndian.AppendUint32(b, uint32(len(s))), s...)
	}
	b := binary.BigEndian.AppendUint32([]byte{0x0c}, 1) // list<Span> of 1
	b = binary.BigEndian.AppendUint64(field(b, 0x0a, 1), 0x0102030405060708)
	b = str(field(b, 0x0b, 3), "op")
	b = binary.BigEndian.AppendUint64(field(b, 0x0a, 4), 0x0a0b0c0d0e0f1011)
	b = binary.BigEndian.AppendUint32(append(field(b, 0x0f, 8), 0x0c), uint32(n)) // binary_annotations
	for i := range n {
		b = str(field(b, 0x0b, 1), fmt.Sprintf("k%d", i))       // key
		b = str(field(b, 0x0b, 2), fmt.Sprintf("v%d", i))       // value
		b = binary.BigEndian.AppendUint32(field(b, 0x08, 3), 6) // annotation_type STRING
		b = append(b, 0)                                        // end of BinaryAnnotation
	}
	return append(b, 0) // end of Span
}
