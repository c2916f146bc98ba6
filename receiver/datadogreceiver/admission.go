package datadogreceiver // import "github.com/otelcol-bridge/otelcol-bridge/receiver/datadogreceiver"

import (
	"context"
	"net/http"
	"runtime"
	"strings"
	"time"
)

// decodeSlots bounds the requests whose bodies are read and decoded at once:
// what a request costs in memory is held from the first byte read until the
// pipeline has taken the result, so the bound is what keeps a burst of
// clients from adding up to an OOM. The Datadog Agent does the same with its
// decoders and answers 429 when none frees up within its decoder timeout.
type decodeSlots struct {
	ch   chan struct{}
	wait time.Duration
}

func newDecodeSlots(n int, wait time.Duration) *decodeSlots {
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	return &decodeSlots{ch: make(chan struct{}, n), wait: wait}
}

// acquire takes a slot, waiting up to the configured time; false if none
// freed up or the client went away.
func (s *decodeSlots) acquire(ctx context.Context) bool {
	select {
	case s.ch <- struct{}{}:
		return true
	default:
	}
	if s.wait <= 0 {
		return false
	}
	timer := time.NewTimer(s.wait)
	defer timer.Stop()
	select {
	case s.ch <- struct{}{}:
		return true
	case <-timer.C:
		return false
	case <-ctx.Done():
		return false
	}
}

func (s *decodeSlots) release() { <-s.ch }

// retryAfterSeconds is the Retry-After of overload answers: tracers flush
// every second or so, and the Agent's forwarder backs off on its own.
const retryAfterSeconds = "1"

// retryStatus is the status that makes a client retry later. Tracers treat
// 429 as "back off and retry"; the Agent's forwarder drops a payload on 400,
// 403 and 413 and retries any other error status, and 503 is what Datadog's
// own intake answers when it is overloaded.
func retryStatus(path string) int {
	if strings.HasPrefix(path, "/api/") {
		return http.StatusServiceUnavailable
	}
	return http.StatusTooManyRequests
}

// writeRetryLater answers that nothing was kept and the client should retry.
func writeRetryLater(w http.ResponseWriter, path, msg string) {
	w.Header().Set("Retry-After", retryAfterSeconds)
	writeError(w, retryStatus(path), msg, path)
}
