package datadogreceiver // import "github.com/otelcol-bridge/otelcol-bridge/receiver/datadogreceiver"

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"

	"github.com/klauspost/compress/zstd"
	"go.opentelemetry.io/collector/config/confighttp"
)

// errBodyTooLarge is what readBody returns, wrapped, for every way a body can
// exceed max_request_body_size: declared, read or inflated.
var errBodyTooLarge = errors.New("body larger than max_request_body_size")

// readBody reads the (already decompressed) body, at most limit bytes. The
// buffer is never reused: the translated data alias it. Content-Length is
// trusted for pre-allocation only up to the limit, and a declared length
// above it is refused before anything is read, so idle connections that
// announce large bodies cost nothing.
func readBody(req *http.Request, limit int64) ([]byte, error) {
	if limit > 0 && req.ContentLength > limit {
		return nil, fmt.Errorf("%w (%d bytes): Content-Length is %d", errBodyTooLarge, limit, req.ContentLength)
	}
	var buf bytes.Buffer
	if n := req.ContentLength; n > 0 && (limit <= 0 || n <= limit) {
		buf.Grow(int(n))
	}
	_, err := buf.ReadFrom(req.Body)
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return nil, fmt.Errorf("%w (%d bytes)", errBodyTooLarge, tooLarge.Limit)
	case errors.Is(err, zstd.ErrWindowSizeExceeded), errors.Is(err, zstd.ErrDecoderSizeExceeded):
		return nil, fmt.Errorf("%w (%d bytes): %v", errBodyTooLarge, limit, err)
	}
	return buf.Bytes(), err
}

// zstdDecoderOption replaces confighttp's zstd decoder with one whose window
// and memory are capped at max_request_body_size: the stock decoder accepts
// any window up to 512 MiB, so a 10-byte frame can make it allocate that
// much, and it is pooled with whatever buffers its largest request needed.
// Nothing is returned when the configuration disables zstd.
func zstdDecoderOption(cfg *confighttp.ServerConfig) []confighttp.ToServerOption {
	algos := cfg.CompressionAlgorithms
	if algos != nil && !slices.Contains(algos, "zstd") {
		return nil
	}
	limit := uint64(cfg.MaxRequestBodySize)
	if limit == 0 {
		limit = defaultMaxRequestBodySize
	}
	// zstd requires decoders to accept windows of at least 1 KiB.
	limit = max(limit, 1<<10)
	return []confighttp.ToServerOption{confighttp.WithDecoder("zstd", func(body io.ReadCloser) (io.ReadCloser, error) {
		zr, err := zstd.NewReader(body,
			zstd.WithDecoderConcurrency(1),
			zstd.WithDecoderLowmem(true),
			zstd.WithDecoderMaxWindow(limit),
			zstd.WithDecoderMaxMemory(limit))
		if err != nil {
			return nil, err
		}
		return &zstdBody{zr: zr, orig: body}, nil
	})}
}

// zstdBody releases the decoder (not pooled) with the request.
type zstdBody struct {
	zr   *zstd.Decoder
	orig io.ReadCloser
}

func (b *zstdBody) Read(p []byte) (int, error) { return b.zr.Read(p) }

func (b *zstdBody) Close() error {
	b.zr.Close()
	return b.orig.Close()
}
