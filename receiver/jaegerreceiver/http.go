package jaegerreceiver // import "github.com/otelcol-bridge/otelcol-bridge/receiver/jaegerreceiver"

import (
	"bytes"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"sync"

	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.uber.org/zap"

	"github.com/otelcol-bridge/otelcol-bridge/components/jaeger"
)

// defaultMaxRequestBodySize is confighttp's default body limit, which it
// applies when max_request_body_size is 0; the 413 message names it.
const defaultMaxRequestBodySize = 20 * 1024 * 1024

// preallocLimit bounds what a request's Content-Length may make us allocate
// before any byte arrives.
const preallocLimit = 1 << 20

// contentTypes are the bodies /api/traces takes: contrib's two (both the
// binary protocol, as in Jaeger's collector) and the compact protocol.
var contentTypes = map[string]jaeger.Protocol{
	"application/x-thrift":                  jaeger.Binary,
	"application/vnd.apache.thrift.binary":  jaeger.Binary,
	"application/vnd.apache.thrift.compact": jaeger.Compact,
}

type thriftHTTPHandler struct {
	r     *jaegerReceiver
	limit int64
}

func (h *thriftHTTPHandler) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r := h.r
	ctx := r.httpObs.StartTracesOp(req.Context())
	body, err := readBody(req, h.limit)
	defer releaseBody(body)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			http.Error(w, fmt.Sprintf("request body larger than max_request_body_size (%d bytes)", tooLarge.Limit),
				http.StatusRequestEntityTooLarge)
		} else {
			http.Error(w, "cannot read the request body: "+err.Error(), http.StatusBadRequest)
		}
		r.httpObs.EndTracesOp(ctx, formatThrift, 0, err)
		return
	}
	mediaType, _, err := mime.ParseMediaType(req.Header.Get("Content-Type"))
	if err != nil {
		http.Error(w, "cannot parse the Content-Type: "+err.Error(), http.StatusBadRequest)
		r.httpObs.EndTracesOp(ctx, formatThrift, 0, err)
		return
	}
	p, ok := contentTypes[mediaType]
	if !ok {
		err := fmt.Errorf("unsupported Content-Type %q: send application/x-thrift (or application/vnd.apache.thrift.binary, application/vnd.apache.thrift.compact)", mediaType)
		http.Error(w, err.Error(), http.StatusBadRequest)
		r.httpObs.EndTracesOp(ctx, formatThrift, 0, err)
		return
	}
	td, spans, err := r.decode.batch(body.Bytes(), p)
	if err != nil {
		r.settings.Logger.Debug("undecodable Jaeger Thrift batch", zap.Error(err))
		http.Error(w, "cannot decode the Thrift batch: "+err.Error(), http.StatusBadRequest)
		r.httpObs.EndTracesOp(ctx, formatThrift, 0, err)
		return
	}
	err = r.next.ConsumeTraces(ctx, td)
	r.httpObs.EndTracesOp(ctx, formatThrift, spans, err)
	switch {
	case err == nil:
		w.WriteHeader(http.StatusAccepted)
	case consumererror.IsPermanent(err):
		http.Error(w, "the pipeline refused the spans: "+err.Error(), http.StatusBadRequest)
	default:
		// Retryable (a memory_limiter refusal, a full queue): say so.
		w.Header().Set("Retry-After", "1")
		http.Error(w, "the pipeline refused the spans: "+err.Error(), http.StatusServiceUnavailable)
	}
}

// bodyBuffers holds request body buffers for reuse: components/jaeger copies
// what the traces keep, so a body is garbage once decoded. Buffers that grew
// past maxPooledBody are left to the collector, so one huge request does not
// stay resident.
var bodyBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

const maxPooledBody = 4 << 20

func releaseBody(buf *bytes.Buffer) {
	if buf.Cap() <= maxPooledBody {
		buf.Reset()
		bodyBuffers.Put(buf)
	}
}

// readBody reads the (already decompressed and capped: confighttp wraps the
// body) request body into a pooled buffer; the limit is applied here too so
// the handler keeps it without confighttp (tests).
func readBody(req *http.Request, limit int64) (*bytes.Buffer, error) {
	buf := bodyBuffers.Get().(*bytes.Buffer)
	if n := req.ContentLength; n > 0 {
		buf.Grow(int(min(n, limit, preallocLimit)) + bytes.MinRead)
	}
	_, err := buf.ReadFrom(http.MaxBytesReader(nil, req.Body, limit))
	return buf, err
}
