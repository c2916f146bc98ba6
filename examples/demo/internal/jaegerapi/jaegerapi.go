// Package jaegerapi reads traces from Jaeger's HTTP query API (/api/traces), which Jaeger v2
// serves on its query port: the demo's trace view and its e2e test both read it.
package jaegerapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// Tag is a span or process tag.
type Tag struct {
	Key   string `json:"key"`
	Type  string `json:"type"`
	Value any    `json:"value"`
}

// Reference links a span to another span (CHILD_OF: the parent).
type Reference struct {
	RefType string `json:"refType"`
	TraceID string `json:"traceID"`
	SpanID  string `json:"spanID"`
}

// Span is one span; times are in microseconds.
type Span struct {
	TraceID       string      `json:"traceID"`
	SpanID        string      `json:"spanID"`
	OperationName string      `json:"operationName"`
	References    []Reference `json:"references"`
	StartTime     int64       `json:"startTime"`
	Duration      int64       `json:"duration"`
	Tags          []Tag       `json:"tags"`
	ProcessID     string      `json:"processID"`
}

// Process is the resource a span came from: the service and its tags.
type Process struct {
	ServiceName string `json:"serviceName"`
	Tags        []Tag  `json:"tags"`
}

// Trace is one trace as /api/traces returns it.
type Trace struct {
	TraceID   string             `json:"traceID"`
	Spans     []Span             `json:"spans"`
	Processes map[string]Process `json:"processes"`
}

// Client queries one Jaeger.
type Client struct {
	BaseURL string // http://127.0.0.1:16686
	HTTP    *http.Client
}

func (c *Client) get(ctx context.Context, path string, q url.Values) ([]Trace, error) {
	u := c.BaseURL + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 10 * time.Second}
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		return nil, nil
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	var body struct {
		Data []Trace `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		return nil, fmt.Errorf("GET %s: %w", u, err)
	}
	return body.Data, nil
}

// Search returns up to limit traces of service from the last lookback.
func (c *Client) Search(ctx context.Context, service string, limit int, lookback time.Duration) ([]Trace, error) {
	end := time.Now()
	return c.get(ctx, "/api/traces", url.Values{
		"service": {service},
		"limit":   {strconv.Itoa(limit)},
		"start":   {strconv.FormatInt(end.Add(-lookback).UnixMicro(), 10)},
		"end":     {strconv.FormatInt(end.UnixMicro(), 10)},
	})
}

// Get returns one trace, or nil when Jaeger does not have it.
func (c *Client) Get(ctx context.Context, traceID string) (*Trace, error) {
	ts, err := c.get(ctx, "/api/traces/"+url.PathEscape(traceID), nil)
	if err != nil || len(ts) == 0 {
		return nil, err
	}
	return &ts[0], nil
}

// Parent is the span's CHILD_OF reference within the same trace, "" for a root.
func (s Span) Parent() string {
	for _, r := range s.References {
		if r.RefType == "CHILD_OF" && r.TraceID == s.TraceID {
			return r.SpanID
		}
	}
	return ""
}

// TagValue returns the string form of the tag named key, "" when absent.
func TagValue(tags []Tag, key string) string {
	for _, t := range tags {
		if t.Key == key {
			return fmt.Sprint(t.Value)
		}
	}
	return ""
}

// Summary is what the demo asserts about a trace.
type Summary struct {
	Spans          int
	Services       map[string]bool
	Protocols      map[string]bool // the bridge.ingest.protocol process tag
	OrphanSpans    []string        // spans whose parent is not in the trace
	Roots          int
	ErrorSpans     int
	DurationMicros int64
}

// ProtocolTag is the process (resource) tag the demo config sets per receiver.
const ProtocolTag = "bridge.ingest.protocol"

// Summarize counts services and protocols and checks the parent links.
func (t *Trace) Summarize() Summary {
	s := Summary{Spans: len(t.Spans), Services: map[string]bool{}, Protocols: map[string]bool{}}
	ids := make(map[string]bool, len(t.Spans))
	for _, sp := range t.Spans {
		ids[sp.SpanID] = true
	}
	var start, end int64
	for i, sp := range t.Spans {
		p := t.Processes[sp.ProcessID]
		s.Services[p.ServiceName] = true
		if proto := TagValue(p.Tags, ProtocolTag); proto != "" {
			s.Protocols[proto] = true
		}
		switch parent := sp.Parent(); {
		case parent == "":
			s.Roots++
		case !ids[parent]:
			s.OrphanSpans = append(s.OrphanSpans, sp.SpanID)
		}
		if v := TagValue(sp.Tags, "error"); v == "true" {
			s.ErrorSpans++
		}
		if i == 0 || sp.StartTime < start {
			start = sp.StartTime
		}
		if e := sp.StartTime + sp.Duration; e > end {
			end = e
		}
	}
	s.DurationMicros = end - start
	return s
}
