package analyze

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-bridge/otelcol-bridge/components/semconv"
)

// The lint rules, by the names --fail-on takes.
const (
	RuleOrphanSpan         = "orphan-span"
	RuleClockSkew          = "clock-skew"
	RuleDuplicateSpanID    = "duplicate-span-id"
	RuleTraceID64          = "trace-id-64bit"
	RuleMissingService     = "missing-service-name"
	RuleDeprecatedAttr     = "deprecated-attribute"
	RuleErrorWithoutStatus = "error-without-status"
	RuleHighCardinality    = "high-cardinality-name"
)

// RuleDoc describes a rule.
type RuleDoc struct{ Name, Description string }

// Rules lists every lint rule with what it finds.
func Rules() []RuleDoc {
	return []RuleDoc{
		{RuleOrphanSpan, "a span's parent is not in the data: a lost span, a service that does not propagate context, or a trace cut by sampling"},
		{RuleClockSkew, "a child starts before its parent or ends after it (synchronous children only): skewed host clocks or wrong timestamps"},
		{RuleDuplicateSpanID, "two spans of a trace share a span id (Zipkin shared client/server spans, broken id generators)"},
		{RuleTraceID64, "a trace id whose upper 64 bits are zero: 64-bit ids from Zipkin B3, Jaeger or Datadog clients, which collide sooner and break W3C propagation"},
		{RuleMissingService, "a resource without service.name (or with unknown_service)"},
		{RuleDeprecatedAttr, "an attribute named by a legacy convention that the legacy_normalize processor rewrites (components/semconv's table)"},
		{RuleErrorWithoutStatus, "a span that records an error (exception event, error=true, HTTP 5xx on a server) but whose status is not Error"},
		{RuleHighCardinality, "a span name that contains an id (numbers, UUIDs, long hex): unbounded cardinality in span metrics and backends"},
	}
}

// IsRule reports whether name is a lint rule.
func IsRule(name string) bool {
	for _, r := range Rules() {
		if r.Name == name {
			return true
		}
	}
	return false
}

// Finding is one rule's result over all the data.
type Finding struct {
	Rule  string `json:"rule"`
	Count int    `json:"count"`
	// Examples are up to maxExamples occurrences, each naming the trace and span.
	Examples []string `json:"examples"`
}

const maxExamples = 5

type findings map[string]*Finding

func (f findings) add(rule, example string) {
	x, ok := f[rule]
	if !ok {
		x = &Finding{Rule: rule}
		f[rule] = x
	}
	x.Count++
	if len(x.Examples) < maxExamples {
		x.Examples = append(x.Examples, example)
	}
}

func (f findings) sorted() []Finding {
	out := make([]Finding, 0, len(f))
	for _, x := range f {
		out = append(out, *x)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Rule < out[j].Rule })
	return out
}

// deprecated maps legacy keys to their rules, by where they appear.
var deprecatedResource, deprecatedSpan = func() (map[string]semconv.Rule, map[string]semconv.Rule) {
	res, sp := map[string]semconv.Rule{}, map[string]semconv.Rule{}
	for _, r := range semconv.Rules() {
		if r.Where&semconv.OnResource != 0 {
			res[r.From] = r
		}
		if r.Where&(semconv.OnItem|semconv.OnSpanField) != 0 {
			sp[r.From] = r
		}
	}
	return res, sp
}()

func deprecatedExample(where, key string, r semconv.Rule, ctx string) string {
	return fmt.Sprintf("%s attribute %q (%s) → %s, %s", where, key, r.Source, strings.Join(r.To, ", "), ctx)
}

// Ids in names: a number of 3+ digits or a UUID or a 12+ hex run with a digit, standing as
// its own path segment or word. Route templates ({id}, :id) do not match.
var idInName = regexp.MustCompile(`(?i)(^|[/=:. _-])(\d{3,}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]*\d[0-9a-f]*[a-f][0-9a-f]{10,}|[0-9a-f]*[a-f][0-9a-f]*\d[0-9a-f]{10,})($|[/?&.: _-])`)

// errorRecorded says whether a span records an error some other way than its status.
func errorRecorded(s ptrace.Span) (bool, string) {
	if v, ok := s.Attributes().Get("error"); ok {
		if (v.Type() == pcommon.ValueTypeBool && v.Bool()) || (v.Type() == pcommon.ValueTypeStr && v.Str() != "" && v.Str() != "false") {
			return true, "error attribute"
		}
	}
	events := s.Events()
	for i := range events.Len() {
		if n := events.At(i).Name(); n == "exception" || n == "error" {
			return true, fmt.Sprintf("%q event", n)
		}
	}
	if s.Kind() == ptrace.SpanKindServer {
		for _, k := range []string{"http.response.status_code", "http.status_code"} {
			if v, ok := s.Attributes().Get(k); ok {
				code := v.Int()
				if v.Type() == pcommon.ValueTypeStr {
					_, _ = fmt.Sscan(v.Str(), &code)
				}
				if code >= 500 {
					return true, fmt.Sprintf("%s %d on a server span", k, code)
				}
			}
		}
	}
	return false, ""
}
