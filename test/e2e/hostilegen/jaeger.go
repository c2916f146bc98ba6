package main

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/uber/jaeger-client-go/thrift"
	"github.com/uber/jaeger-client-go/thrift-gen/jaeger"
)

// writeJaegerCorpus writes the hostile Jaeger Thrift corpus (test/e2e's
// TestJaegerHostileCorpus) into dir: huge but valid batches in the binary and compact
// protocols, lists and strings whose declared sizes lie, deep nesting, a truncated batch and a
// gzip bomb, all for POST /api/traces. The statuses are the jaeger receiver's: 202, 400 with a
// message, 413 over max_request_body_size.
func writeJaegerCorpus(dir string) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		log.Fatal(err)
	}
	var cases []zipkinCase // the same shape: a hostileCase and its status
	add := func(c hostileCase, status int, body []byte) {
		if err := os.WriteFile(filepath.Join(dir, c.File), body, 0o644); err != nil {
			log.Fatal(err)
		}
		cases = append(cases, zipkinCase{hostileCase: c, Status: status})
	}
	const path = "/api/traces"
	const binaryType, compactType = "application/x-thrift", "application/vnd.apache.thrift.compact"

	add(hostileCase{Name: "binary_many_tags", File: "binary_many_tags.thrift.gz", Path: path, ContentType: binaryType, ContentEncoding: "gzip",
		Shape: "one span with 50,000 distinct string tags, Thrift binary"}, 202,
		gz(thriftBatch(manyTagsBatch(50000), false)))
	add(hostileCase{Name: "compact_many_tags", File: "compact_many_tags.thrift.gz", Path: path, ContentType: compactType, ContentEncoding: "gzip",
		Shape: "one span with 50,000 distinct string tags, Thrift compact"}, 202,
		gz(thriftBatch(manyTagsBatch(50000), true)))
	add(hostileCase{Name: "binary_many_spans", File: "binary_many_spans.thrift.gz", Path: path, ContentType: binaryType, ContentEncoding: "gzip",
		Shape: "20,000 spans with a log and a reference each, Thrift binary"}, 202,
		gz(thriftBatch(manySpansBatch(20000), false)))
	add(hostileCase{Name: "binary_huge_span_list", File: "binary_huge_span_list.thrift", Path: path, ContentType: binaryType,
		Shape: "a batch declaring 2^30 spans in a 20-byte body"}, 400,
		binarySpanList(1<<30))
	add(hostileCase{Name: "binary_huge_string", File: "binary_huge_string.thrift", Path: path, ContentType: binaryType,
		Shape: "a process service name declaring a 1 GiB string in a 10-byte body"}, 400,
		binary.BigEndian.AppendUint32([]byte{0x0c, 0, 1, 0x0b, 0, 1}, 1<<30))
	add(hostileCase{Name: "compact_huge_list", File: "compact_huge_list.thrift", Path: path, ContentType: compactType,
		Shape: "a compact batch declaring 2^31-1 spans in a 12-byte body"}, 400,
		[]byte{0x1c, 0x18, 0x01, 's', 0x00, 0x19, 0xfc, 0xff, 0xff, 0xff, 0xff, 0x07})
	add(hostileCase{Name: "binary_deep_nesting", File: "binary_deep_nesting.thrift.gz", Path: path, ContentType: binaryType, ContentEncoding: "gzip",
		Shape: "an unknown struct field nested 100,000 deep"}, 400,
		gz(deepStructs(100_000)))
	add(hostileCase{Name: "binary_truncated", File: "binary_truncated.thrift", Path: path, ContentType: binaryType,
		Shape: "1,000 spans cut in the middle"}, 400,
		func() []byte { b := thriftBatch(manySpansBatch(1000), false); return b[:len(b)/2] }())
	add(hostileCase{Name: "binary_gzip_bomb", File: "binary_gzip_bomb.thrift.gz", Path: path, ContentType: binaryType, ContentEncoding: "gzip",
		Shape: "~250 KB of gzip inflating to 256 MiB (limit: max_request_body_size, 20 MiB)"}, 413,
		gz(make([]byte, 256<<20)))

	raw, err := json.MarshalIndent(cases, "", "  ")
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "cases.json"), append(raw, '\n'), 0o644); err != nil {
		log.Fatal(err)
	}
}

func jaegerSpan(i int) *jaeger.Span {
	return &jaeger.Span{TraceIdLow: 0x0102030405060708, TraceIdHigh: 0x1112131415161718, SpanId: int64(i + 1),
		OperationName: fmt.Sprintf("op %d", i), StartTime: 1_700_000_000_000_000, Duration: 1000}
}

func manyTagsBatch(n int) *jaeger.Batch {
	s := jaegerSpan(0)
	for i := range n {
		v := fmt.Sprintf("value %d", i)
		s.Tags = append(s.Tags, &jaeger.Tag{Key: fmt.Sprintf("tag.key.%d", i), VType: jaeger.TagType_STRING, VStr: &v})
	}
	return &jaeger.Batch{Process: &jaeger.Process{ServiceName: "hostile"}, Spans: []*jaeger.Span{s}}
}

func manySpansBatch(n int) *jaeger.Batch {
	b := &jaeger.Batch{Process: &jaeger.Process{ServiceName: "hostile"}}
	for i := range n {
		s := jaegerSpan(i)
		msg := strings.Repeat("x", 16)
		s.Logs = []*jaeger.Log{{Timestamp: 1_700_000_000_000_001, Fields: []*jaeger.Tag{{Key: "event", VType: jaeger.TagType_STRING, VStr: &msg}}}}
		s.References = []*jaeger.SpanRef{{RefType: jaeger.SpanRefType_CHILD_OF, TraceIdLow: s.TraceIdLow, TraceIdHigh: s.TraceIdHigh, SpanId: int64(i)}}
		b.Spans = append(b.Spans, s)
	}
	return b
}

// thriftBatch serializes b as jaeger-client-go's HTTP sender does (binary), or compact.
func thriftBatch(b *jaeger.Batch, compact bool) []byte {
	buf := thrift.NewTMemoryBufferLen(1 << 20)
	var p thrift.TProtocol = thrift.NewTBinaryProtocolConf(buf, nil)
	if compact {
		p = thrift.NewTCompactProtocolConf(buf, nil)
	}
	if err := b.Write(context.Background(), p); err != nil {
		log.Fatal(err)
	}
	return buf.Bytes()
}

// binarySpanList is Batch{1: Process{1: "s"}, 2: list<struct>(n)} with no span after it.
func binarySpanList(n uint32) []byte {
	b := binary.BigEndian.AppendUint32([]byte{0x0c, 0, 1, 0x0b, 0, 1}, 1)
	b = append(b, 's', 0x00, 0x0f, 0, 2, 0x0c)
	return binary.BigEndian.AppendUint32(b, n)
}

// deepStructs is field 9 of Batch (unknown) as a struct holding field 9 as a struct, depth deep.
func deepStructs(depth int) []byte {
	var b []byte
	for range depth {
		b = append(b, 0x0c, 0, 9)
	}
	for range depth + 1 {
		b = append(b, 0x00)
	}
	return b
}
