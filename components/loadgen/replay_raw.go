package loadgen

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/uber/jaeger-client-go/thrift"
	"github.com/uber/jaeger-client-go/thrift-gen/jaeger"
	"google.golang.org/protobuf/encoding/protowire"
)

// --replay-raw sends a request body as a client captured it, not a translation of it: a
// decode to pdata and an encode back by contrib's marshalers would change the span shape
// (which tags, how ids and endpoints are spelled) that the run is meant to measure. The body's
// spans are kept byte for byte (Jaeger: re-serialized by the same Thrift library the client
// uses) and repeated, in turn, to the requested number per request, so a capture of a few
// spans can be compared with synthetic requests of the same size.

// rawReplayProtocols are the protocols whose captured bodies --replay-raw understands.
var rawReplayProtocols = map[Protocol]func(body []byte, n int) (out []byte, captured int, err error){
	ZipkinJSON:       repeatZipkinJSON,
	ZipkinProto:      repeatZipkinProto,
	JaegerThriftHTTP: repeatJaegerThrift,
}

// loadRawReplay reads a captured request body (gzip is undone) and builds the one payload of
// the run: its spans repeated to perRequest spans, or as captured when perRequest is 0.
func loadRawReplay(path string, p Protocol, perRequest int) (Payload, error) {
	repeat, ok := rawReplayProtocols[p]
	if !ok {
		return Payload{}, fmt.Errorf("%w: --replay-raw: --protocol %s is not one of zipkin-json, zipkin-proto, jaeger-thrift-http", ErrInvalidConfig, p)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return Payload{}, fmt.Errorf("%w: --replay-raw: %v", ErrInvalidConfig, err)
	}
	if len(raw) > 2 && raw[0] == 0x1f && raw[1] == 0x8b {
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err == nil {
			raw, err = io.ReadAll(io.LimitReader(zr, maxReplayFile))
		}
		if err != nil {
			return Payload{}, fmt.Errorf("%w: --replay-raw %s: %v", ErrInvalidConfig, path, err)
		}
	}
	body, captured, err := repeat(raw, perRequest)
	if err != nil {
		return Payload{}, fmt.Errorf("%w: --replay-raw %s is not a %s request body: %v", ErrInvalidConfig, path, p, err)
	}
	if captured == 0 {
		return Payload{}, fmt.Errorf("%w: --replay-raw %s holds no spans", ErrInvalidConfig, path)
	}
	n := perRequest
	if n == 0 {
		n = captured
	}
	return Payload{Body: body, Items: n}, nil
}

// repeatZipkinJSON: a v2 JSON span list; the span objects are copied as they are.
func repeatZipkinJSON(body []byte, n int) ([]byte, int, error) {
	var spans []json.RawMessage
	if err := json.Unmarshal(body, &spans); err != nil {
		return nil, 0, err
	}
	if len(spans) == 0 || n == 0 {
		return body, len(spans), nil
	}
	var out bytes.Buffer
	out.WriteByte('[')
	for i := range n {
		if i > 0 {
			out.WriteByte(',')
		}
		out.Write(spans[i%len(spans)])
	}
	out.WriteByte(']')
	return out.Bytes(), len(spans), nil
}

// repeatZipkinProto: a proto3 ListOfSpans; each span field (1) is copied with its tag and
// length as it is.
func repeatZipkinProto(body []byte, n int) ([]byte, int, error) {
	var spans [][]byte
	for b := body; len(b) > 0; {
		num, typ, tagLen := protowire.ConsumeTag(b)
		if tagLen < 0 {
			return nil, 0, protowire.ParseError(tagLen)
		}
		valLen := protowire.ConsumeFieldValue(num, typ, b[tagLen:])
		if valLen < 0 {
			return nil, 0, protowire.ParseError(valLen)
		}
		if num != 1 || typ != protowire.BytesType {
			return nil, 0, fmt.Errorf("field %d of wire type %d: a ListOfSpans holds only spans (field 1)", num, typ)
		}
		spans = append(spans, b[:tagLen+valLen])
		b = b[tagLen+valLen:]
	}
	if len(spans) == 0 || n == 0 {
		return body, len(spans), nil
	}
	var out []byte
	for i := range n {
		out = append(out, spans[i%len(spans)]...)
	}
	return out, len(spans), nil
}

// repeatJaegerThrift: a jaeger.Batch in Thrift binary, as jaeger-client-go's HTTP transport
// posts it; the spans are repeated under the captured process and written back with the
// same Thrift library.
func repeatJaegerThrift(body []byte, n int) ([]byte, int, error) {
	ctx := context.Background()
	in := thrift.NewTMemoryBufferLen(len(body))
	_, _ = in.Write(body)
	var batch jaeger.Batch
	if err := batch.Read(ctx, thrift.NewTBinaryProtocolConf(in, nil)); err != nil {
		return nil, 0, err
	}
	if in.Len() != 0 {
		return nil, 0, fmt.Errorf("%d bytes after the batch", in.Len())
	}
	captured := batch.Spans
	if len(captured) == 0 || n == 0 {
		return body, len(captured), nil
	}
	batch.Spans = make([]*jaeger.Span, n)
	for i := range batch.Spans {
		batch.Spans[i] = captured[i%len(captured)]
	}
	out := thrift.NewTMemoryBufferLen(len(body) * (n/len(captured) + 1))
	if err := batch.Write(ctx, thrift.NewTBinaryProtocolConf(out, nil)); err != nil {
		return nil, 0, err
	}
	return out.Bytes(), len(captured), nil
}
