package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"time"

	"github.com/otelcol-bridge/otelcol-bridge/examples/demo/internal/jaegerapi"
	"github.com/otelcol-bridge/otelcol-bridge/examples/demo/internal/otlplogs"
)

// The trace view: a small page over Jaeger's query API, Prometheus's query API and the
// bridge's logs file. The Jaeger and Prometheus builds of `make` carry no web UI (their Go
// modules ship without the UI assets), so the demo draws the three things it wants to show
// itself: the RED metrics per service, the recent traces, and one trace as a waterfall with
// the logs that share its trace id.

var traceIDPattern = regexp.MustCompile(`^[0-9a-f]{32}$`)

func (d *demo) startView() error {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", d.viewIndex)
	mux.HandleFunc("GET /trace/latest", d.viewLatest)
	mux.HandleFunc("GET /trace/{id}", d.viewTrace)
	l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", d.ports.View))
	if err != nil {
		return fmt.Errorf("trace view: %w", err)
	}
	d.view = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = d.view.Serve(l) }()
	return nil
}

func (d *demo) jaeger() *jaegerapi.Client {
	return &jaegerapi.Client{BaseURL: fmt.Sprintf("http://127.0.0.1:%d", d.ports.JaegerQuery)}
}

// redRow is one service's request rate, error rate and p95 latency over the last minute.
type redRow struct {
	Service          string
	Rate, ErrorRatio float64
	P95              float64 // ms
}

// promQuery runs an instant query and returns the value per service_name.
func (d *demo) promQuery(ctx context.Context, q string) (map[string]float64, error) {
	u := fmt.Sprintf("http://127.0.0.1:%d/api/v1/query?query=%s", d.ports.Prometheus, url.QueryEscape(q))
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var body struct {
		Data struct {
			Result []struct {
				Metric map[string]string `json:"metric"`
				Value  [2]any            `json:"value"`
			} `json:"result"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		return nil, fmt.Errorf("prometheus: %w", err)
	}
	out := map[string]float64{}
	for _, r := range body.Data.Result {
		s, _ := r.Value[1].(string)
		if v, err := strconv.ParseFloat(s, 64); err == nil {
			out[r.Metric["service_name"]] = v
		}
	}
	return out, nil
}

// The spans that receive work: server spans, and the worker's consumer span.
const entrySpans = `span_kind=~"SPAN_KIND_SERVER|SPAN_KIND_CONSUMER"`

// RED queries, also in docs/en/demo.md.
var (
	rateQuery   = `sum by (service_name) (rate(traces_span_metrics_calls_total{` + entrySpans + `}[1m]))`
	errorsQuery = `sum by (service_name) (rate(traces_span_metrics_calls_total{` + entrySpans + `,status_code="STATUS_CODE_ERROR"}[1m]))`
	p95Query    = `histogram_quantile(0.95, sum by (service_name, le) (rate(traces_span_metrics_duration_milliseconds_bucket{` + entrySpans + `}[1m])))`
)

func (d *demo) red(ctx context.Context) ([]redRow, error) {
	rate, err := d.promQuery(ctx, rateQuery)
	if err != nil {
		return nil, err
	}
	errs, err := d.promQuery(ctx, errorsQuery)
	if err != nil {
		return nil, err
	}
	p95, err := d.promQuery(ctx, p95Query)
	if err != nil {
		return nil, err
	}
	var rows []redRow
	for svc, r := range rate {
		row := redRow{Service: svc, Rate: r, P95: p95[svc]}
		if r > 0 {
			row.ErrorRatio = errs[svc] / r
		}
		rows = append(rows, row)
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].Service < rows[j].Service })
	return rows, nil
}

type traceRow struct {
	ID, Root  string
	Spans     int
	Services  int
	Protocols int
	Errors    int
	Duration  string
	Start     string
}

func (d *demo) viewIndex(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 10*time.Second)
	defer cancel()
	page := struct {
		RED      []redRow
		REDError string
		Traces   []traceRow
		Error    string
		Queries  []string
	}{Queries: []string{rateQuery, errorsQuery, p95Query}}
	var err error
	if page.RED, err = d.red(ctx); err != nil {
		page.REDError = err.Error()
	}
	traces, err := d.jaeger().Search(ctx, "shop-api", 20, 15*time.Minute)
	if err != nil {
		page.Error = err.Error()
	}
	sort.Slice(traces, func(i, j int) bool { return startOf(traces[i]) > startOf(traces[j]) })
	for _, t := range traces {
		s := t.Summarize()
		row := traceRow{ID: t.TraceID, Spans: s.Spans, Services: len(s.Services), Protocols: len(s.Protocols),
			Errors: s.ErrorSpans, Duration: fmtMicros(s.DurationMicros), Start: time.UnixMicro(startOf(t)).Format("15:04:05")}
		for _, sp := range t.Spans {
			if sp.Parent() == "" {
				row.Root = t.Processes[sp.ProcessID].ServiceName + ": " + sp.OperationName
			}
		}
		page.Traces = append(page.Traces, row)
	}
	render(w, indexPage, page)
}

// settled is how old a trace must be for all its spans to have arrived: the tracers flush
// every 0.5 s (dd-trace-go every 2 s) and the bridge batches for 0.5 s.
const settled = 4 * time.Second

// viewLatest redirects to the newest settled trace that crosses the most services.
func (d *demo) viewLatest(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 10*time.Second)
	defer cancel()
	traces, err := d.jaeger().Search(ctx, "shop-api", 50, 15*time.Minute)
	if err != nil {
		http.Error(w, "jaeger: "+err.Error(), http.StatusBadGateway)
		return
	}
	best, bestServices, bestStart := "", 0, int64(0)
	for _, t := range traces {
		start := startOf(t)
		if time.Since(time.UnixMicro(start)) < settled {
			continue
		}
		n := len(t.Summarize().Services)
		if n > bestServices || n == bestServices && start > bestStart {
			best, bestServices, bestStart = t.TraceID, n, start
		}
	}
	if best == "" {
		http.Error(w, "no settled trace yet: try again in a few seconds", http.StatusNotFound)
		return
	}
	http.Redirect(w, r, "/trace/"+best, http.StatusFound)
}

func startOf(t jaegerapi.Trace) int64 {
	var start int64
	for i, sp := range t.Spans {
		if i == 0 || sp.StartTime < start {
			start = sp.StartTime
		}
	}
	return start
}

func fmtMicros(us int64) string {
	return fmt.Sprintf("%.1f ms", float64(us)/1000)
}

type spanRow struct {
	Service, Protocol, Operation, Kind string
	Depth                              int
	Left, Width                        float64 // percent of the trace's duration
	Duration                           string
	Error                              bool
	SpanID                             string
	Color                              string
}

type logRow struct {
	Time, Service, Severity, Body, SpanID, Color string
}

var palette = map[string]string{
	"shop-api": "#4e79a7", "pricing": "#59a14f", "inventory": "#9c6ade", "order-worker": "#f28e2b", "shipping": "#e15759",
}

func colorOf(service string) string {
	if c, ok := palette[service]; ok {
		return c
	}
	return "#888"
}

func (d *demo) viewTrace(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !traceIDPattern.MatchString(id) {
		http.Error(w, "want /trace/<32 lowercase hex digits>", http.StatusBadRequest)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 10*time.Second)
	defer cancel()
	t, err := d.jaeger().Get(ctx, id)
	if err != nil {
		http.Error(w, "jaeger: "+err.Error(), http.StatusBadGateway)
		return
	}
	if t == nil {
		http.Error(w, "trace "+id+" is not in Jaeger (yet: spans arrive within a few seconds)", http.StatusNotFound)
		return
	}
	s := t.Summarize()
	page := struct {
		ID                    string
		Spans                 []spanRow
		Logs                  []logRow
		LogsError             string
		Services, Protocols   []string
		SpanCount, LogCount   int
		Duration, JaegerTrace string
		Orphans               int
	}{ID: id, SpanCount: s.Spans, Duration: fmtMicros(s.DurationMicros), Orphans: len(s.OrphanSpans),
		JaegerTrace: d.jaeger().BaseURL + "/api/traces/" + id}
	for svc := range s.Services {
		page.Services = append(page.Services, svc)
	}
	for p := range s.Protocols {
		page.Protocols = append(page.Protocols, p)
	}
	sort.Strings(page.Services)
	sort.Strings(page.Protocols)
	page.Spans = waterfall(t)

	logs, err := otlplogs.ByTrace(d.path("bridge", "logs.jsonl"), id)
	if err != nil && !errors.Is(err, context.Canceled) {
		page.LogsError = err.Error()
	}
	for _, l := range logs {
		page.Logs = append(page.Logs, logRow{Time: l.Time.Format("15:04:05.000"), Service: l.Service,
			Severity: l.Severity, Body: l.Body, SpanID: l.SpanID, Color: colorOf(l.Service)})
	}
	page.LogCount = len(page.Logs)
	render(w, tracePage, page)
}

// waterfall orders the spans depth-first from the roots, children by start time.
func waterfall(t *jaegerapi.Trace) []spanRow {
	children := map[string][]jaegerapi.Span{}
	ids := map[string]bool{}
	for _, sp := range t.Spans {
		ids[sp.SpanID] = true
	}
	var roots []jaegerapi.Span
	var start, end int64
	for i, sp := range t.Spans {
		if p := sp.Parent(); p != "" && ids[p] {
			children[p] = append(children[p], sp)
		} else {
			roots = append(roots, sp)
		}
		if i == 0 || sp.StartTime < start {
			start = sp.StartTime
		}
		if e := sp.StartTime + sp.Duration; e > end {
			end = e
		}
	}
	total := float64(max(end-start, 1))
	byStart := func(s []jaegerapi.Span) {
		sort.Slice(s, func(i, j int) bool { return s[i].StartTime < s[j].StartTime })
	}
	var rows []spanRow
	var walk func(sp jaegerapi.Span, depth int)
	walk = func(sp jaegerapi.Span, depth int) {
		p := t.Processes[sp.ProcessID]
		rows = append(rows, spanRow{
			Service: p.ServiceName, Protocol: jaegerapi.TagValue(p.Tags, jaegerapi.ProtocolTag),
			Operation: sp.OperationName, Kind: jaegerapi.TagValue(sp.Tags, "span.kind"), Depth: depth,
			Left:     float64(sp.StartTime-start) / total * 100,
			Width:    max(float64(sp.Duration)/total*100, 0.4),
			Duration: fmtMicros(sp.Duration), Error: jaegerapi.TagValue(sp.Tags, "error") == "true",
			SpanID: sp.SpanID, Color: colorOf(p.ServiceName),
		})
		kids := children[sp.SpanID]
		byStart(kids)
		for _, k := range kids {
			walk(k, depth+1)
		}
	}
	byStart(roots)
	for _, r := range roots {
		walk(r, 0)
	}
	return rows
}

func render(w http.ResponseWriter, t *template.Template, data any) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := t.Execute(w, data); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}

const style = `<style>
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:20px 0 6px}
table{border-collapse:collapse;width:100%}td,th{padding:3px 8px;border-bottom:1px solid #eee;text-align:left;white-space:nowrap}
th{background:#f6f6f6}.mono{font-family:ui-monospace,monospace;font-size:12px}
.svc{display:inline-block;padding:0 6px;border-radius:3px;color:#fff;font-size:12px}
.proto{display:inline-block;padding:0 5px;border:1px solid #999;border-radius:3px;font-size:11px;color:#555}
.bar{position:relative;height:14px;background:#fafafa;min-width:420px}.bar div{position:absolute;top:2px;height:10px;border-radius:2px}
.err{color:#c00;font-weight:bold}.muted{color:#777}
</style>`

var funcs = template.FuncMap{
	"pct":    func(f float64) string { return fmt.Sprintf("%.2f%%", f) },
	"f2":     func(f float64) string { return fmt.Sprintf("%.2f", f) },
	"pctval": func(f float64) string { return fmt.Sprintf("%.1f%%", f*100) },
	"indent": func(n int) string { return fmt.Sprintf("%dpx", n*16) },
	"color":  colorOf,
}

var indexPage = template.Must(template.New("index").Funcs(funcs).Parse(`<!doctype html><html><head><meta charset="utf-8">
<title>otelcol-bridge demo</title>` + style + `</head><body>
<h1>otelcol-bridge demo</h1>
<div class="muted">One order crosses OTLP (Go, Node.js), Zipkin, Jaeger and Datadog; the bridge turns them into one trace in Jaeger v2.</div>
<h2>RED metrics, last minute (span_metrics → Prometheus)</h2>
{{if .REDError}}<div class="err">{{.REDError}}</div>{{end}}
<table><tr><th>service</th><th>requests/s</th><th>errors</th><th>p95</th></tr>
{{range .RED}}<tr><td><span class="svc" style="background:{{color .Service}}">{{.Service}}</span></td><td>{{f2 .Rate}}</td><td>{{pctval .ErrorRatio}}</td><td>{{f2 .P95}} ms</td></tr>
{{else}}<tr><td colspan="4" class="muted">no data yet: Prometheus scrapes every 5 s, rates need two scrapes</td></tr>{{end}}</table>
<h2>Recent orders (traces of shop-api in Jaeger)</h2>
{{if .Error}}<div class="err">{{.Error}}</div>{{end}}
<table><tr><th>start</th><th>trace id</th><th>root</th><th>spans</th><th>services</th><th>protocols</th><th>errors</th><th>duration</th></tr>
{{range .Traces}}<tr><td>{{.Start}}</td><td class="mono"><a href="/trace/{{.ID}}">{{.ID}}</a></td><td>{{.Root}}</td><td>{{.Spans}}</td><td>{{.Services}}</td><td>{{.Protocols}}</td><td>{{if .Errors}}<span class="err">{{.Errors}}</span>{{else}}0{{end}}</td><td>{{.Duration}}</td></tr>
{{else}}<tr><td colspan="8" class="muted">no traces yet</td></tr>{{end}}</table>
<h2>PromQL</h2>{{range .Queries}}<div class="mono">{{.}}</div>{{end}}
</body></html>`))

var tracePage = template.Must(template.New("trace").Funcs(funcs).Parse(`<!doctype html><html><head><meta charset="utf-8">
<title>trace {{.ID}}</title>` + style + `</head><body>
<h1>Trace <span class="mono">{{.ID}}</span></h1>
<div>{{.SpanCount}} spans, {{len .Services}} services ({{range .Services}}<span class="svc" style="background:{{color .}}">{{.}}</span> {{end}}),
{{len .Protocols}} protocols in ({{range .Protocols}}<span class="proto">{{.}}</span> {{end}}), {{.Duration}}{{if .Orphans}}, <span class="err">{{.Orphans}} spans without their parent</span>{{end}}.
<a href="/">all traces</a> · <a href="{{.JaegerTrace}}">Jaeger API</a></div>
<h2>Spans</h2>
<table><tr><th>service</th><th>received as</th><th>operation</th><th>duration</th><th style="width:45%">timeline</th></tr>
{{range .Spans}}<tr><td><span class="svc" style="background:{{.Color}}">{{.Service}}</span></td><td><span class="proto">{{.Protocol}}</span></td>
<td style="padding-left:{{indent .Depth}}">{{if .Error}}<span class="err">{{.Operation}}</span>{{else}}{{.Operation}}{{end}} <span class="muted">{{.Kind}}</span></td><td>{{.Duration}}</td>
<td><div class="bar"><div style="left:{{pct .Left}};width:{{pct .Width}};background:{{.Color}}"></div></div></td></tr>{{end}}</table>
<h2>Logs with this trace id ({{.LogCount}}, from the bridge's logs pipeline)</h2>
{{if .LogsError}}<div class="err">{{.LogsError}}</div>{{end}}
<table><tr><th>time</th><th>service</th><th>level</th><th>message</th><th>span id</th></tr>
{{range .Logs}}<tr><td class="mono">{{.Time}}</td><td><span class="svc" style="background:{{.Color}}">{{.Service}}</span></td><td>{{.Severity}}</td><td>{{.Body}}</td><td class="mono">{{.SpanID}}</td></tr>
{{else}}<tr><td colspan="5" class="muted">none yet: the bridge reads the log files every 200 ms and writes every second</td></tr>{{end}}</table>
</body></html>`))
