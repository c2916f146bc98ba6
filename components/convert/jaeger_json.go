package convert

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"

	model "github.com/jaegertracing/jaeger-idl/model/v1"
	jaegertranslator "github.com/open-telemetry/opentelemetry-collector-contrib/pkg/translator/jaeger"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// The query API's JSON model (Jaeger's model/json, what the UI reads): one object per trace,
// processes keyed by an id the spans refer to.
type jsonTrace struct {
	TraceID   string                 `json:"traceID"`
	Spans     []jsonSpan             `json:"spans"`
	Processes map[string]jsonProcess `json:"processes"`
	Warnings  []string               `json:"warnings"`
}

type jsonSpan struct {
	TraceID       string    `json:"traceID"`
	SpanID        string    `json:"spanID"`
	Flags         uint32    `json:"flags"`
	OperationName string    `json:"operationName"`
	References    []jsonRef `json:"references"`
	StartTime     int64     `json:"startTime"`
	Duration      int64     `json:"duration"`
	Tags          []jsonTag `json:"tags"`
	Logs          []jsonLog `json:"logs"`
	ProcessID     string    `json:"processID"`
	Warnings      []string  `json:"warnings"`
}

type jsonRef struct {
	RefType string `json:"refType"`
	TraceID string `json:"traceID"`
	SpanID  string `json:"spanID"`
}

type jsonLog struct {
	Timestamp int64     `json:"timestamp"`
	Fields    []jsonTag `json:"fields"`
}

type jsonProcess struct {
	ServiceName string    `json:"serviceName"`
	Tags        []jsonTag `json:"tags"`
}

type jsonTag struct {
	Key   string `json:"key"`
	Type  string `json:"type"`
	Value any    `json:"value"`
}

// encodeJaegerJSON translates with contrib's ProtoFromTraces (as the Jaeger exporter does)
// and writes the model as the query API would serve it, one trace object per trace id in
// order of first appearance.
func encodeJaegerJSON(w io.Writer, td ptrace.Traces) error {
	var traces []*jsonTrace
	index := map[model.TraceID]*jsonTrace{}
	for _, b := range jaegertranslator.ProtoFromTraces(td) {
		procKey := map[*jsonTrace]string{}
		for _, s := range b.Spans {
			t, ok := index[s.TraceID]
			if !ok {
				t = &jsonTrace{TraceID: s.TraceID.String(), Processes: map[string]jsonProcess{}}
				index[s.TraceID] = t
				traces = append(traces, t)
			}
			pid, ok := procKey[t]
			if !ok {
				pid = fmt.Sprintf("p%d", len(t.Processes)+1)
				procKey[t] = pid
				t.Processes[pid] = jsonProcess{ServiceName: b.Process.ServiceName, Tags: jsonTags(b.Process.Tags)}
			}
			t.Spans = append(t.Spans, jsonSpanOf(s, pid))
		}
	}
	resp := struct {
		Data   []*jsonTrace `json:"data"`
		Total  int          `json:"total"`
		Limit  int          `json:"limit"`
		Offset int          `json:"offset"`
		Errors any          `json:"errors"`
	}{Data: traces}
	if resp.Data == nil {
		resp.Data = []*jsonTrace{}
	}
	enc := json.NewEncoder(w)
	return enc.Encode(resp)
}

func jsonSpanOf(s *model.Span, pid string) jsonSpan {
	out := jsonSpan{
		TraceID:       s.TraceID.String(),
		SpanID:        s.SpanID.String(),
		Flags:         uint32(s.Flags),
		OperationName: s.OperationName,
		StartTime:     s.StartTime.UnixMicro(),
		Duration:      s.Duration.Microseconds(),
		Tags:          jsonTags(s.Tags),
		ProcessID:     pid,
		References:    []jsonRef{},
		Logs:          []jsonLog{},
	}
	for _, r := range s.References {
		out.References = append(out.References, jsonRef{RefType: r.RefType.String(), TraceID: r.TraceID.String(), SpanID: r.SpanID.String()})
	}
	for _, l := range s.Logs {
		out.Logs = append(out.Logs, jsonLog{Timestamp: l.Timestamp.UnixMicro(), Fields: jsonTags(l.Fields)})
	}
	return out
}

func jsonTags(kvs []model.KeyValue) []jsonTag {
	out := make([]jsonTag, 0, len(kvs))
	for _, kv := range kvs {
		t := jsonTag{Key: kv.Key}
		switch kv.VType {
		case model.ValueType_BOOL:
			t.Type, t.Value = "bool", kv.VBool
		case model.ValueType_INT64:
			t.Type, t.Value = "int64", kv.VInt64
		case model.ValueType_FLOAT64:
			t.Type, t.Value = "float64", kv.VFloat64
		case model.ValueType_BINARY:
			t.Type, t.Value = "binary", base64.StdEncoding.EncodeToString(kv.VBinary)
		default:
			t.Type, t.Value = "string", kv.VStr
		}
		out = append(out, t)
	}
	return out
}
