package parity

import (
	"maps"
	"slices"
	"strconv"
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-bridge/otelcol-bridge/components/semconv"
)

// DefaultIgnoredAttributes are never compared: the bridge's own provenance (one side may
// have been normalized on the way in, the other only here), and a tag Jaeger's storage adds.
var DefaultIgnoredAttributes = []string{"otelcol_bridge.*", "resource:otelcol_bridge.*", "internal.span.format"}

// SpanRef names a span in a report.
type SpanRef struct {
	SpanID  string `json:"span_id"`
	Name    string `json:"name"`
	Service string `json:"service,omitempty"`
}

// Difference is one field of a span that differs between the sides. Field is `name`,
// `kind`, `parent`, `status`, an attribute key, or `resource:<key>` for a resource attribute.
// Left or Right is "(absent)" when only the other side has the attribute.
type Difference struct {
	SpanID string `json:"span_id"`
	Name   string `json:"name"`
	Field  string `json:"field"`
	Left   string `json:"left"`
	Right  string `json:"right"`
}

// TraceResult is the comparison of one trace.
type TraceResult struct {
	TraceID string `json:"trace_id"`
	// Missing is "left", "right" or "both" when a side does not have the trace at all.
	Missing           string       `json:"missing,omitempty"`
	LeftSpans         int          `json:"left_spans"`
	RightSpans        int          `json:"right_spans"`
	SpansMissingLeft  []SpanRef    `json:"spans_missing_left,omitempty"`
	SpansMissingRight []SpanRef    `json:"spans_missing_right,omitempty"`
	Differences       []Difference `json:"differences,omitempty"`
}

// Matches says the trace is the same on both sides.
func (r *TraceResult) Matches() bool {
	return r.Missing == "" && len(r.SpansMissingLeft) == 0 && len(r.SpansMissingRight) == 0 && len(r.Differences) == 0
}

// CompareOptions tune the comparison.
type CompareOptions struct {
	// IgnoreAttributes are patterns of attribute keys not compared; `*` matches any run
	// of characters; resource attributes are matched as `resource:<key>`.
	IgnoreAttributes []string
	// FoldNameCase compares span names without regard to case (Zipkin lowercases them).
	FoldNameCase bool
	// ServiceNameOnlyResource compares only service.name of resources (Zipkin keeps no
	// other resource attribute).
	ServiceNameOnlyResource bool
}

// normalizer has no provenance key, so comparing never adds attributes.
var normalizer = semconv.New(semconv.Options{Mode: semconv.ModeReplace})

type spanView struct {
	ref    SpanRef
	kind   string
	parent string
	status string
	attrs  map[string]string
}

// views normalizes td (in place) and indexes its spans by span id. Zipkin's shared spans
// (a client and a server half with one id) are told apart by kind.
func views(td ptrace.Traces, opts *CompareOptions) map[string]*spanView {
	out := map[string]*spanView{}
	if td.ResourceSpans().Len() == 0 {
		return out
	}
	normalizer.Traces(td)
	rss := td.ResourceSpans()
	for i := 0; i < rss.Len(); i++ {
		rs := rss.At(i)
		resource := map[string]string{}
		service := ""
		for k, v := range rs.Resource().Attributes().All() {
			if k == "service.name" {
				service = v.AsString()
			}
			if opts.ServiceNameOnlyResource && k != "service.name" {
				continue
			}
			resource["resource:"+k] = v.AsString()
		}
		sss := rs.ScopeSpans()
		for j := 0; j < sss.Len(); j++ {
			spans := sss.At(j).Spans()
			for k := 0; k < spans.Len(); k++ {
				s := spans.At(k)
				deriveHTTPStatus(s)
				v := &spanView{
					ref:    SpanRef{SpanID: s.SpanID().String(), Name: s.Name(), Service: service},
					kind:   s.Kind().String(),
					parent: s.ParentSpanID().String(),
					status: s.Status().Code().String(),
					attrs:  make(map[string]string, len(resource)+s.Attributes().Len()),
				}
				for rk, rv := range resource {
					if !ignored(rk, opts.IgnoreAttributes) {
						v.attrs[rk] = rv
					}
				}
				for ak, av := range s.Attributes().All() {
					if !ignored(ak, opts.IgnoreAttributes) {
						v.attrs[ak] = av.AsString()
					}
				}
				key := v.ref.SpanID
				if prev, dup := out[key]; dup {
					delete(out, key)
					out[key+"/"+prev.kind] = prev
					key += "/" + v.kind
				} else if _, shared := out[key+"/"+v.kind]; shared {
					key += "/" + v.kind + "/2"
				}
				out[key] = v
			}
		}
	}
	return out
}

// deriveHTTPStatus gives a span without a status the one its HTTP status code implies, as
// contrib's Jaeger translator does when it reads a span (the bridge's jaeger receiver, and
// this package reading Jaeger's query API): Error for 5xx, and for 4xx on all but server
// spans. Applied to both sides, a span stored by Jaeger compares equal to the same span
// stored anywhere else.
func deriveHTTPStatus(s ptrace.Span) {
	if s.Status().Code() != ptrace.StatusCodeUnset {
		return
	}
	v, ok := s.Attributes().Get("http.response.status_code")
	if !ok {
		return
	}
	var code int64
	switch v.Type() {
	case pcommon.ValueTypeInt:
		code = v.Int()
	case pcommon.ValueTypeStr:
		c, err := strconv.ParseInt(v.Str(), 10, 64)
		if err != nil {
			return
		}
		code = c
	default:
		return
	}
	if (code >= 100 && code < 400) || (code < 500 && code >= 400 && s.Kind() == ptrace.SpanKindServer) {
		return
	}
	s.Status().SetCode(ptrace.StatusCodeError)
}

// CompareTrace compares one trace; left or right is found=false when missing on that side.
func CompareTrace(id pcommon.TraceID, left ptrace.Traces, leftFound bool, right ptrace.Traces, rightFound bool, opts CompareOptions) TraceResult {
	res := TraceResult{TraceID: id.String()}
	switch {
	case !leftFound && !rightFound:
		res.Missing = "both"
		return res
	case !leftFound:
		res.Missing = "left"
		res.RightSpans = right.SpanCount()
		return res
	case !rightFound:
		res.Missing = "right"
		res.LeftSpans = left.SpanCount()
		return res
	}
	res.LeftSpans, res.RightSpans = left.SpanCount(), right.SpanCount()
	l, r := views(left, &opts), views(right, &opts)
	for _, key := range slices.Sorted(maps.Keys(l)) {
		lv := l[key]
		rv, ok := r[key]
		if !ok {
			res.SpansMissingRight = append(res.SpansMissingRight, lv.ref)
			continue
		}
		res.Differences = append(res.Differences, compareSpans(lv, rv, &opts)...)
	}
	for _, key := range slices.Sorted(maps.Keys(r)) {
		if _, ok := l[key]; !ok {
			res.SpansMissingLeft = append(res.SpansMissingLeft, r[key].ref)
		}
	}
	return res
}

func compareSpans(l, r *spanView, opts *CompareOptions) []Difference {
	var diffs []Difference
	add := func(field, lv, rv string) {
		diffs = append(diffs, Difference{SpanID: l.ref.SpanID, Name: l.ref.Name, Field: field, Left: lv, Right: rv})
	}
	if l.ref.Name != r.ref.Name && !(opts.FoldNameCase && strings.EqualFold(l.ref.Name, r.ref.Name)) {
		add("name", l.ref.Name, r.ref.Name)
	}
	if l.kind != r.kind {
		add("kind", l.kind, r.kind)
	}
	if l.parent != r.parent {
		add("parent", l.parent, r.parent)
	}
	if l.status != r.status {
		add("status", l.status, r.status)
	}
	for _, k := range slices.Sorted(maps.Keys(l.attrs)) {
		rv, ok := r.attrs[k]
		switch {
		case !ok:
			add(k, l.attrs[k], absent)
		case rv != l.attrs[k]:
			add(k, l.attrs[k], rv)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(r.attrs)) {
		if _, ok := l.attrs[k]; !ok {
			add(k, absent, r.attrs[k])
		}
	}
	return diffs
}

const absent = "(absent)"

// ignored matches key against patterns where `*` stands for any run of characters.
func ignored(key string, patterns []string) bool {
	for _, p := range patterns {
		if globMatch(p, key) {
			return true
		}
	}
	return false
}

func globMatch(pattern, s string) bool {
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return pattern == s
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	last := parts[len(parts)-1]
	for _, part := range parts[1 : len(parts)-1] {
		i := strings.Index(s, part)
		if i < 0 {
			return false
		}
		s = s[i+len(part):]
	}
	return len(s) >= len(last) && strings.HasSuffix(s, last)
}
