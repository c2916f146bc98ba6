package parity

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"sync"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// maxLineBytes bounds one line of an OTLP JSON file (one export request).
const maxLineBytes = 64 << 20

// OTLPFile reads OTLP JSON lines, one ExportTraceServiceRequest per line: what the file
// exporter writes with its default json format (rotate it without compression).
type OTLPFile struct {
	Path string

	once   sync.Once
	err    error
	traces map[pcommon.TraceID]ptrace.Traces
	order  []pcommon.TraceID // first appearance in the file
}

func (f *OTLPFile) String() string { return "otlp-file " + f.Path }

// load indexes the whole file by trace id, once.
func (f *OTLPFile) load() error {
	f.once.Do(func() { f.err = f.read() })
	return f.err
}

func (f *OTLPFile) read() error {
	file, err := os.Open(f.Path)
	if err != nil {
		return err
	}
	defer file.Close()
	f.traces = map[pcommon.TraceID]ptrace.Traces{}
	sc := bufio.NewScanner(file)
	sc.Buffer(make([]byte, 0, 1<<20), maxLineBytes)
	var u ptrace.JSONUnmarshaler
	line := 0
	for sc.Scan() {
		line++
		if len(sc.Bytes()) == 0 {
			continue
		}
		td, err := u.UnmarshalTraces(sc.Bytes())
		if err != nil {
			return fmt.Errorf("%s:%d: not an OTLP JSON traces line: %w", f.Path, line, err)
		}
		f.index(td)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return fmt.Errorf("%s:%d: line longer than %d bytes", f.Path, line+1, maxLineBytes)
		}
		return fmt.Errorf("%s:%d: %w", f.Path, line+1, err)
	}
	return nil
}

// index splits one request by trace id, keeping each span's resource and scope.
func (f *OTLPFile) index(td ptrace.Traces) {
	rss := td.ResourceSpans()
	for i := 0; i < rss.Len(); i++ {
		rs := rss.At(i)
		sss := rs.ScopeSpans()
		for j := 0; j < sss.Len(); j++ {
			ss := sss.At(j)
			spans := ss.Spans()
			for k := 0; k < spans.Len(); k++ {
				span := spans.At(k)
				id := span.TraceID()
				dst, ok := f.traces[id]
				if !ok {
					dst = ptrace.NewTraces()
					f.traces[id] = dst
					f.order = append(f.order, id)
				}
				// Consecutive spans of one scope share one ResourceSpans/ScopeSpans.
				drs := dst.ResourceSpans()
				var dss ptrace.ScopeSpans
				if n := drs.Len(); n > 0 && drs.At(n-1).Resource().Attributes().Equal(rs.Resource().Attributes()) {
					last := drs.At(n - 1).ScopeSpans()
					if m := last.Len(); m > 0 && sameScope(last.At(m-1).Scope(), ss.Scope()) {
						dss = last.At(m - 1)
					} else {
						dss = last.AppendEmpty()
						ss.Scope().CopyTo(dss.Scope())
					}
				} else {
					nrs := drs.AppendEmpty()
					rs.Resource().CopyTo(nrs.Resource())
					nrs.SetSchemaUrl(rs.SchemaUrl())
					dss = nrs.ScopeSpans().AppendEmpty()
					ss.Scope().CopyTo(dss.Scope())
				}
				span.CopyTo(dss.Spans().AppendEmpty())
			}
		}
	}
}

func sameScope(a, b pcommon.InstrumentationScope) bool {
	return a.Name() == b.Name() && a.Version() == b.Version() && a.Attributes().Equal(b.Attributes())
}

// Fetch implements Source.
func (f *OTLPFile) Fetch(_ context.Context, id pcommon.TraceID) (ptrace.Traces, bool, error) {
	if err := f.load(); err != nil {
		return ptrace.Traces{}, false, err
	}
	td, ok := f.traces[id]
	if !ok {
		return ptrace.Traces{}, false, nil
	}
	out := ptrace.NewTraces()
	td.CopyTo(out)
	return out, true, nil
}

// Sample implements Source: n ids spread evenly over the file's traces, in file order, so
// the check covers old and recent data alike and repeats exactly on the same file.
// q.Service keeps only traces with a span of that service.
func (f *OTLPFile) Sample(_ context.Context, n int, q SampleQuery) ([]pcommon.TraceID, error) {
	if err := f.load(); err != nil {
		return nil, err
	}
	ids := f.order
	if q.Service != "" {
		ids = nil
		for _, id := range f.order {
			if hasService(f.traces[id], q.Service) {
				ids = append(ids, id)
			}
		}
	}
	if n <= 0 || len(ids) <= n {
		return append([]pcommon.TraceID(nil), ids...), nil
	}
	out := make([]pcommon.TraceID, n)
	for i := range out {
		out[i] = ids[i*len(ids)/n]
	}
	return out, nil
}

func hasService(td ptrace.Traces, service string) bool {
	rss := td.ResourceSpans()
	for i := 0; i < rss.Len(); i++ {
		if v, ok := rss.At(i).Resource().Attributes().Get("service.name"); ok && v.AsString() == service {
			return true
		}
	}
	return false
}
