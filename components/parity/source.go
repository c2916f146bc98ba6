package parity

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// Source is one side of the comparison.
type Source interface {
	// String names the side in reports: its kind and location.
	String() string
	// Fetch returns the spans of one trace; found is false when the side does not have it.
	Fetch(ctx context.Context, id pcommon.TraceID) (td ptrace.Traces, found bool, err error)
	// Sample returns up to n trace ids that the side holds (for Jaeger and Zipkin, of
	// q.Service within q.Lookback).
	Sample(ctx context.Context, n int, q SampleQuery) ([]pcommon.TraceID, error)
}

// SampleQuery narrows Sample on the query APIs.
type SampleQuery struct {
	Service  string
	Lookback time.Duration
}

// Source kinds accepted by ParseSource.
const (
	KindJaeger   = "jaeger"
	KindZipkin   = "zipkin"
	KindOTLPFile = "otlp-file"
)

// ErrUsage marks errors in what the user asked for (as opposed to I/O failures).
var ErrUsage = errors.New("usage")

// ParseSource reads `kind=location`: jaeger=http://host:16686, zipkin=http://host:9411 or
// otlp-file=./data/traces.jsonl.
func ParseSource(spec string, client *http.Client) (Source, error) {
	kind, loc, ok := strings.Cut(spec, "=")
	if !ok || loc == "" {
		return nil, fmt.Errorf("%w: %q: want kind=location, kind one of jaeger, zipkin, otlp-file", ErrUsage, spec)
	}
	switch kind {
	case KindJaeger, KindZipkin:
		u, err := url.Parse(loc)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("%w: %q: %s needs an http(s) URL such as http://localhost:%s", ErrUsage, spec, kind,
				map[string]string{KindJaeger: "16686", KindZipkin: "9411"}[kind])
		}
		base := strings.TrimSuffix(u.String(), "/")
		if client == nil {
			client = &http.Client{Timeout: 30 * time.Second}
		}
		if kind == KindJaeger {
			return &Jaeger{BaseURL: base, Client: client}, nil
		}
		return &Zipkin{BaseURL: base, Client: client}, nil
	case KindOTLPFile:
		return &OTLPFile{Path: loc}, nil
	}
	return nil, fmt.Errorf("%w: %q: unknown source kind %q (jaeger, zipkin, otlp-file)", ErrUsage, spec, kind)
}

// ParseTraceID reads a trace id in hex: 32 digits, or 16 or fewer for a 64-bit id (Jaeger
// and Zipkin clients that use 64-bit ids), which is padded with zeros on the left as both
// translators do.
func ParseTraceID(s string) (pcommon.TraceID, error) {
	var id pcommon.TraceID
	s = strings.TrimSpace(s)
	if len(s) == 0 || len(s) > 32 {
		return id, fmt.Errorf("%w: trace id %q: want 1 to 32 hex digits", ErrUsage, s)
	}
	if len(s)%2 == 1 {
		s = "0" + s
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		return id, fmt.Errorf("%w: trace id %q: %v", ErrUsage, s, err)
	}
	copy(id[16-len(b):], b)
	if id.IsEmpty() {
		return id, fmt.Errorf("%w: trace id %q is all zeros", ErrUsage, s)
	}
	return id, nil
}
