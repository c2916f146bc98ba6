package parity

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	model "github.com/jaegertracing/jaeger-idl/model/v1"
	jaegertranslator "github.com/open-telemetry/opentelemetry-collector-contrib/pkg/translator/jaeger"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// Jaeger reads traces through Jaeger's HTTP query API (`/api/traces/{id}`, the API its UI
// uses; Jaeger v1 and v2 serve it on 16686).
type Jaeger struct {
	BaseURL string
	Client  *http.Client
}

func (j *Jaeger) String() string { return "jaeger " + j.BaseURL }

// The query API's JSON: https://github.com/jaegertracing/jaeger (model/json, the UI model).
type jaegerResponse struct {
	Data   []jaegerTrace `json:"data"`
	Errors []struct {
		Code int    `json:"code"`
		Msg  string `json:"msg"`
	} `json:"errors"`
}

type jaegerTrace struct {
	TraceID   string                   `json:"traceID"`
	Spans     []jaegerSpan             `json:"spans"`
	Processes map[string]jaegerProcess `json:"processes"`
}

type jaegerSpan struct {
	TraceID       string `json:"traceID"`
	SpanID        string `json:"spanID"`
	Flags         uint32 `json:"flags"`
	OperationName string `json:"operationName"`
	References    []struct {
		RefType string `json:"refType"`
		TraceID string `json:"traceID"`
		SpanID  string `json:"spanID"`
	} `json:"references"`
	StartTime uint64      `json:"startTime"`
	Duration  uint64      `json:"duration"`
	Tags      []jaegerTag `json:"tags"`
	Logs      []struct {
		Timestamp uint64      `json:"timestamp"`
		Fields    []jaegerTag `json:"fields"`
	} `json:"logs"`
	ProcessID string `json:"processID"`
}

type jaegerProcess struct {
	ServiceName string      `json:"serviceName"`
	Tags        []jaegerTag `json:"tags"`
}

type jaegerTag struct {
	Key   string          `json:"key"`
	Type  string          `json:"type"`
	Value json.RawMessage `json:"value"`
}

// Fetch implements Source.
func (j *Jaeger) Fetch(ctx context.Context, id pcommon.TraceID) (ptrace.Traces, bool, error) {
	path := "/api/traces/" + id.String()
	body, status, _, err := getJSON(ctx, j.Client, j.BaseURL, path, nil)
	if err != nil {
		return ptrace.Traces{}, false, err
	}
	switch {
	case status == http.StatusNotFound:
		return ptrace.Traces{}, false, nil
	case status != http.StatusOK:
		return ptrace.Traces{}, false, fmt.Errorf("GET %s%s: HTTP %d: %s", j.BaseURL, path, status, snippet(body))
	}
	var resp jaegerResponse
	if err := json.Unmarshal(body, &resp); err != nil {
		return ptrace.Traces{}, false, fmt.Errorf("GET %s%s: not Jaeger query API JSON: %w", j.BaseURL, path, err)
	}
	if len(resp.Data) == 0 {
		return ptrace.Traces{}, false, nil
	}
	td := ptrace.NewTraces()
	for i := range resp.Data {
		part, err := jaegerTraceToTraces(&resp.Data[i])
		if err != nil {
			return ptrace.Traces{}, false, fmt.Errorf("GET %s%s: %w", j.BaseURL, path, err)
		}
		part.ResourceSpans().MoveAndAppendTo(td.ResourceSpans())
	}
	return td, td.SpanCount() > 0, nil
}

// Sample implements Source with the search the UI uses (`/api/traces?service=...`).
func (j *Jaeger) Sample(ctx context.Context, n int, q SampleQuery) ([]pcommon.TraceID, error) {
	if q.Service == "" {
		return nil, fmt.Errorf("%w: sampling trace ids from %s needs --service (Jaeger searches one service at a time)", ErrUsage, j)
	}
	end := time.Now()
	query := url.Values{
		"service": {q.Service},
		"start":   {strconv.FormatInt(end.Add(-q.Lookback).UnixMicro(), 10)},
		"end":     {strconv.FormatInt(end.UnixMicro(), 10)},
		"limit":   {strconv.Itoa(n)},
	}
	body, status, _, err := getJSON(ctx, j.Client, j.BaseURL, "/api/traces", query)
	if err != nil {
		return nil, err
	}
	if status != http.StatusOK {
		return nil, fmt.Errorf("GET %s/api/traces?%s: HTTP %d: %s", j.BaseURL, query.Encode(), status, snippet(body))
	}
	var resp jaegerResponse
	if err := json.Unmarshal(body, &resp); err != nil {
		return nil, fmt.Errorf("GET %s/api/traces: not Jaeger query API JSON: %w", j.BaseURL, err)
	}
	var ids []pcommon.TraceID
	for _, t := range resp.Data {
		id, err := ParseTraceID(t.TraceID)
		if err != nil {
			return nil, fmt.Errorf("GET %s/api/traces: %w", j.BaseURL, err)
		}
		ids = appendUnique(ids, id)
	}
	return limitIDs(ids, n), nil
}

// jaegerTraceToTraces turns the query API's JSON into Jaeger's model and lets contrib's
// translator (the one the jaeger receiver uses) make OTLP of it, so span.kind, otel.status_code,
// otel.scope.name and friends are read back exactly as the bridge would.
func jaegerTraceToTraces(t *jaegerTrace) (ptrace.Traces, error) {
	batches := map[string]*model.Batch{}
	var order []string
	for i := range t.Spans {
		s := &t.Spans[i]
		b, ok := batches[s.ProcessID]
		if !ok {
			p := t.Processes[s.ProcessID]
			tags, err := jaegerTags(p.Tags)
			if err != nil {
				return ptrace.Traces{}, fmt.Errorf("process %s: %w", s.ProcessID, err)
			}
			b = &model.Batch{Process: model.NewProcess(p.ServiceName, tags)}
			batches[s.ProcessID] = b
			order = append(order, s.ProcessID)
		}
		span, err := jaegerSpanToModel(s)
		if err != nil {
			return ptrace.Traces{}, fmt.Errorf("span %s: %w", s.SpanID, err)
		}
		b.Spans = append(b.Spans, span)
	}
	list := make([]*model.Batch, 0, len(order))
	for _, pid := range order {
		list = append(list, batches[pid])
	}
	return jaegertranslator.ProtoToTraces(list)
}

func jaegerSpanToModel(s *jaegerSpan) (*model.Span, error) {
	traceID, err := model.TraceIDFromString(s.TraceID)
	if err != nil {
		return nil, fmt.Errorf("traceID %q: %w", s.TraceID, err)
	}
	spanID, err := model.SpanIDFromString(s.SpanID)
	if err != nil {
		return nil, fmt.Errorf("spanID %q: %w", s.SpanID, err)
	}
	span := &model.Span{
		TraceID:       traceID,
		SpanID:        spanID,
		OperationName: s.OperationName,
		Flags:         model.Flags(s.Flags),
		StartTime:     model.EpochMicrosecondsAsTime(s.StartTime),
		Duration:      model.MicrosecondsAsDuration(s.Duration),
	}
	for _, r := range s.References {
		rt, err := model.TraceIDFromString(r.TraceID)
		if err != nil {
			return nil, fmt.Errorf("reference traceID %q: %w", r.TraceID, err)
		}
		rs, err := model.SpanIDFromString(r.SpanID)
		if err != nil {
			return nil, fmt.Errorf("reference spanID %q: %w", r.SpanID, err)
		}
		ref := model.NewChildOfRef(rt, rs)
		if r.RefType == "FOLLOWS_FROM" {
			ref = model.NewFollowsFromRef(rt, rs)
		}
		span.References = append(span.References, ref)
	}
	if span.Tags, err = jaegerTags(s.Tags); err != nil {
		return nil, err
	}
	for _, l := range s.Logs {
		fields, err := jaegerTags(l.Fields)
		if err != nil {
			return nil, err
		}
		span.Logs = append(span.Logs, model.Log{Timestamp: model.EpochMicrosecondsAsTime(l.Timestamp), Fields: fields})
	}
	return span, nil
}

func jaegerTags(tags []jaegerTag) ([]model.KeyValue, error) {
	out := make([]model.KeyValue, 0, len(tags))
	for _, t := range tags {
		kv, err := jaegerTagToModel(t)
		if err != nil {
			return nil, fmt.Errorf("tag %q: %w", t.Key, err)
		}
		out = append(out, kv)
	}
	return out, nil
}

func jaegerTagToModel(t jaegerTag) (model.KeyValue, error) {
	dec := json.NewDecoder(bytes.NewReader(t.Value))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return model.KeyValue{}, err
	}
	switch t.Type {
	case "string", "":
		s, ok := v.(string)
		if !ok {
			return model.String(t.Key, string(t.Value)), nil
		}
		return model.String(t.Key, s), nil
	case "bool":
		b, ok := v.(bool)
		if !ok {
			return model.KeyValue{}, fmt.Errorf("type bool with value %s", t.Value)
		}
		return model.Bool(t.Key, b), nil
	case "int64":
		i, err := jsonInt(v)
		if err != nil {
			return model.KeyValue{}, err
		}
		return model.Int64(t.Key, i), nil
	case "float64":
		n, ok := v.(json.Number)
		if !ok {
			return model.KeyValue{}, fmt.Errorf("type float64 with value %s", t.Value)
		}
		f, err := n.Float64()
		if err != nil {
			return model.KeyValue{}, err
		}
		return model.Float64(t.Key, f), nil
	case "binary":
		s, ok := v.(string)
		if !ok {
			return model.KeyValue{}, fmt.Errorf("type binary with value %s", t.Value)
		}
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return model.KeyValue{}, err
		}
		return model.Binary(t.Key, b), nil
	}
	return model.KeyValue{}, fmt.Errorf("unknown type %q", t.Type)
}

// jsonInt accepts a number or, as some Jaeger versions write int64 tags, a string.
func jsonInt(v any) (int64, error) {
	switch x := v.(type) {
	case json.Number:
		return x.Int64()
	case string:
		return strconv.ParseInt(x, 10, 64)
	}
	return 0, fmt.Errorf("type int64 with value %v", v)
}

// JaegerQueryJSONToTraces decodes a Jaeger query API response ({"data": [trace, ...]}, as
// `/api/traces` and the UI's JSON download give it) with the same code parity uses on a live
// backend; the convert command reads Jaeger JSON files through it.
func JaegerQueryJSONToTraces(body []byte) (ptrace.Traces, error) {
	var resp jaegerResponse
	if err := json.Unmarshal(body, &resp); err != nil {
		return ptrace.Traces{}, fmt.Errorf("not Jaeger query API JSON: %w", err)
	}
	td := ptrace.NewTraces()
	for i := range resp.Data {
		part, err := jaegerTraceToTraces(&resp.Data[i])
		if err != nil {
			return ptrace.Traces{}, fmt.Errorf("trace %d (%s): %w", i, resp.Data[i].TraceID, err)
		}
		part.ResourceSpans().MoveAndAppendTo(td.ResourceSpans())
	}
	return td, nil
}
