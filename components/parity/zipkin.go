package parity

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/translator/zipkin/zipkinv2"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// Zipkin reads traces through Zipkin's API v2 (`/api/v2/trace/{id}`, on 9411).
type Zipkin struct {
	BaseURL string
	Client  *http.Client
}

func (z *Zipkin) String() string { return "zipkin " + z.BaseURL }

// Fetch implements Source. The spans go through contrib's Zipkin v2 JSON translator, the
// one the zipkin receiver uses (string tags stay strings, as the receiver's default).
func (z *Zipkin) Fetch(ctx context.Context, id pcommon.TraceID) (ptrace.Traces, bool, error) {
	body, status, u, err := getJSON(ctx, z.Client, z.BaseURL, "/api/v2/trace/"+id.String(), nil)
	if err != nil {
		return ptrace.Traces{}, false, err
	}
	switch {
	case status == http.StatusNotFound:
		return ptrace.Traces{}, false, nil
	case status != http.StatusOK:
		return ptrace.Traces{}, false, fmt.Errorf("GET %s: HTTP %d: %s", u, status, snippet(body))
	}
	td, err := zipkinv2.NewJSONTracesUnmarshaler(false).UnmarshalTraces(body)
	if err != nil {
		return ptrace.Traces{}, false, fmt.Errorf("GET %s: not Zipkin v2 JSON: %w", u, err)
	}
	return td, td.SpanCount() > 0, nil
}

// Sample implements Source with `/api/v2/traces` (every service when q.Service is empty).
func (z *Zipkin) Sample(ctx context.Context, n int, q SampleQuery) ([]pcommon.TraceID, error) {
	query := url.Values{
		"endTs":    {strconv.FormatInt(time.Now().UnixMilli(), 10)},
		"lookback": {strconv.FormatInt(q.Lookback.Milliseconds(), 10)},
		"limit":    {strconv.Itoa(n)},
	}
	if q.Service != "" {
		query.Set("serviceName", q.Service)
	}
	body, status, u, err := getJSON(ctx, z.Client, z.BaseURL, "/api/v2/traces", query)
	if err != nil {
		return nil, err
	}
	if status != http.StatusOK {
		return nil, fmt.Errorf("GET %s: HTTP %d: %s", u, status, snippet(body))
	}
	var traces [][]struct {
		TraceID string `json:"traceId"`
	}
	if err := json.Unmarshal(body, &traces); err != nil {
		return nil, fmt.Errorf("GET %s: not Zipkin v2 JSON: %w", u, err)
	}
	var ids []pcommon.TraceID
	for _, spans := range traces {
		if len(spans) == 0 {
			continue
		}
		id, err := ParseTraceID(spans[0].TraceID)
		if err != nil {
			return nil, fmt.Errorf("GET %s: %w", u, err)
		}
		ids = appendUnique(ids, id)
	}
	return limitIDs(ids, n), nil
}
