package zipkinreceiver // import "github.com/otelcol-bridge/otelcol-bridge/receiver/zipkinreceiver"

import (
	"bytes"
	"net/http"
)

// preallocLimit bounds what a request's Content-Length may make us allocate
// before any byte arrives: a client announcing 20 MiB and sending 10 bytes
// costs at most this much.
const preallocLimit = 1 << 20

// readBody reads the (already decompressed: confighttp decodes gzip, zlib,
// deflate, zstd, ... and caps the decoded size at max_request_body_size)
// body. The buffer is never reused: the translated traces alias it.
func readBody(req *http.Request, limit int64) ([]byte, error) {
	var buf bytes.Buffer
	if n := req.ContentLength; n > 0 {
		n = min(n, limit, preallocLimit)
		if n > 0 {
			buf.Grow(int(n) + bytes.MinRead)
		}
	}
	if limit > 0 {
		// confighttp already wraps the body; this keeps the limit when the
		// handler is used without it (tests, the CLI).
		req.Body = http.MaxBytesReader(nil, req.Body, limit)
	}
	_, err := buf.ReadFrom(req.Body)
	return buf.Bytes(), err
}
