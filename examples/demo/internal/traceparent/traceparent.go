// Package traceparent reads a W3C traceparent header for the services whose tracer does not
// speak W3C trace context itself (zipkin-go in the order worker).
package traceparent

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// Context is the trace id (high and low 64 bits), the parent span id and the sampled flag.
type Context struct {
	TraceIDHigh, TraceIDLow uint64
	SpanID                  uint64
	Sampled                 bool
}

// Parse reads "00-<32 hex trace id>-<16 hex span id>-<2 hex flags>". Version 00 only;
// all-zero ids are invalid (W3C Trace Context, section 3.2).
func Parse(h string) (Context, error) {
	parts := strings.Split(strings.TrimSpace(h), "-")
	if len(parts) != 4 || parts[0] != "00" || len(parts[1]) != 32 || len(parts[2]) != 16 || len(parts[3]) != 2 {
		return Context{}, fmt.Errorf("traceparent %q: want 00-<32 hex>-<16 hex>-<2 hex>", h)
	}
	trace, err := hex.DecodeString(parts[1])
	if err != nil {
		return Context{}, fmt.Errorf("traceparent trace id: %w", err)
	}
	span, err := hex.DecodeString(parts[2])
	if err != nil {
		return Context{}, fmt.Errorf("traceparent span id: %w", err)
	}
	flags, err := hex.DecodeString(parts[3])
	if err != nil {
		return Context{}, fmt.Errorf("traceparent flags: %w", err)
	}
	c := Context{
		TraceIDHigh: be64(trace[:8]),
		TraceIDLow:  be64(trace[8:]),
		SpanID:      be64(span),
		Sampled:     flags[0]&1 == 1,
	}
	if c.TraceIDHigh == 0 && c.TraceIDLow == 0 || c.SpanID == 0 {
		return Context{}, errors.New("traceparent: all-zero trace or span id")
	}
	return c, nil
}

func be64(b []byte) uint64 {
	var v uint64
	for _, x := range b {
		v = v<<8 | uint64(x)
	}
	return v
}
