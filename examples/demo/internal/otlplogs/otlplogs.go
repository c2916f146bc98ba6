// Package otlplogs reads the log records that the bridge's file exporter writes (OTLP JSON,
// one export request a line) and finds those of one trace: the demo's trace view and its e2e
// test both use it.
package otlplogs

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Record is one log record with the service it came from.
type Record struct {
	Time     time.Time
	Service  string
	Severity string
	Body     string
	TraceID  string
	SpanID   string
}

type anyValue struct {
	StringValue *string `json:"stringValue"`
}

type keyValue struct {
	Key   string   `json:"key"`
	Value anyValue `json:"value"`
}

type exportRequest struct {
	ResourceLogs []struct {
		Resource struct {
			Attributes []keyValue `json:"attributes"`
		} `json:"resource"`
		ScopeLogs []struct {
			LogRecords []struct {
				TimeUnixNano string   `json:"timeUnixNano"`
				SeverityText string   `json:"severityText"`
				Body         anyValue `json:"body"`
				TraceID      string   `json:"traceId"`
				SpanID       string   `json:"spanId"`
			} `json:"logRecords"`
		} `json:"scopeLogs"`
	} `json:"resourceLogs"`
}

// ByTrace returns the records of traceID (32 hex digits) in the file at path, oldest first.
// A missing file has no records; a line that is not OTLP JSON is an error naming its line.
func ByTrace(path, traceID string) ([]Record, error) {
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	traceID = strings.ToLower(traceID)
	var out []Record
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	for line := 1; sc.Scan(); line++ {
		if !strings.Contains(sc.Text(), traceID) {
			continue // most lines are other traces: skip decoding them
		}
		var req exportRequest
		if err := json.Unmarshal(sc.Bytes(), &req); err != nil {
			return out, fmt.Errorf("%s:%d: %w", path, line, err)
		}
		for _, rl := range req.ResourceLogs {
			service := ""
			for _, kv := range rl.Resource.Attributes {
				if kv.Key == "service.name" && kv.Value.StringValue != nil {
					service = *kv.Value.StringValue
				}
			}
			for _, sl := range rl.ScopeLogs {
				for _, lr := range sl.LogRecords {
					if strings.ToLower(lr.TraceID) != traceID {
						continue
					}
					r := Record{Service: service, Severity: lr.SeverityText, TraceID: lr.TraceID, SpanID: lr.SpanID}
					if lr.Body.StringValue != nil {
						r.Body = *lr.Body.StringValue
					}
					if ns, err := strconv.ParseInt(lr.TimeUnixNano, 10, 64); err == nil {
						r.Time = time.Unix(0, ns).UTC()
					}
					out = append(out, r)
				}
			}
		}
	}
	if err := sc.Err(); err != nil {
		return out, fmt.Errorf("%s: %w", path, err)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Time.Before(out[j].Time) })
	return out, nil
}

// Services is the set of services that wrote the records.
func Services(rs []Record) map[string]bool {
	m := map[string]bool{}
	for _, r := range rs {
		m[r.Service] = true
	}
	return m
}
