package zipkin

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/ptracetest"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/translator/zipkin/zipkinv2"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// The differential tests hold our decoders to contrib's translator
// (pkg/translator/zipkin v0.158.0, default feature gates): same error-or-not,
// and, when contrib succeeds, the same traces up to the ordering differences
// the receiver's README lists.

type format int

const (
	v2JSON format = iota
	v2Proto
)

// contribDecode runs contrib's unmarshaler; a panic (contrib panics on a
// null annotation) counts as an error.
func contribDecode(f format, body []byte, parse bool) (td ptrace.Traces, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("contrib panicked: %v", r)
		}
	}()
	u := zipkinv2.NewJSONTracesUnmarshaler(parse)
	if f == v2Proto {
		u = zipkinv2.NewProtobufTracesUnmarshaler(false, parse)
	}
	return u.UnmarshalTraces(body)
}

func ourDecode(f format, body []byte, parse bool) (ptrace.Traces, Result, error) {
	if f == v2Proto {
		return DecodeV2Proto(body, Options{ParseStringTags: parse})
	}
	return DecodeV2JSON(body, Options{ParseStringTags: parse})
}

// sameAsContrib returns why our decoding of body differs from contrib's, or
// nil.
func sameAsContrib(f format, body []byte, parse bool) error {
	want, wantErr := contribDecode(f, body, parse)
	got, res, gotErr := ourDecode(f, body, parse)
	if n := got.SpanCount(); n != res.Spans {
		return fmt.Errorf("result says %d spans, traces hold %d", res.Spans, n)
	}
	switch {
	case wantErr != nil && gotErr == nil:
		return fmt.Errorf("contrib fails (%v), we do not", wantErr)
	case wantErr == nil && gotErr != nil:
		return fmt.Errorf("we fail (%v), contrib does not", gotErr)
	case wantErr != nil:
		return nil
	}
	sortSpans(want)
	sortSpans(got)
	return ptracetest.CompareTraces(want, got, ptracetest.IgnoreResourceSpansOrder(), ptracetest.IgnoreScopeSpansOrder())
}

// sortSpans orders the spans of each scope by their whole protobuf
// encoding, so that sameAsContrib compares contents (ptracetest's own span
// ordering ties on spans that differ only in, say, their events);
// TestOrderMatchesContrib checks the order itself.
func sortSpans(td ptrace.Traces) {
	var m ptrace.ProtoMarshaler
	key := func(s ptrace.Span) string {
		one := ptrace.NewTraces()
		s.CopyTo(one.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans().AppendEmpty())
		b, _ := m.MarshalTraces(one)
		return string(b)
	}
	for i := 0; i < td.ResourceSpans().Len(); i++ {
		sss := td.ResourceSpans().At(i).ScopeSpans()
		for j := 0; j < sss.Len(); j++ {
			sss.At(j).Spans().Sort(func(a, b ptrace.Span) bool { return key(a) < key(b) })
		}
	}
}

func captures(t testing.TB, suffix string) map[string][]byte {
	paths, err := filepath.Glob(filepath.Join("testdata", "*"+suffix))
	require.NoError(t, err)
	require.NotEmpty(t, paths)
	out := make(map[string][]byte, len(paths))
	for _, p := range paths {
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		out[filepath.Base(p)] = b
	}
	return out
}

func TestCapturesMatchContrib(t *testing.T) {
	for suffix, f := range map[string]format{".v2.json": v2JSON, ".v2.proto": v2Proto} {
		for name, body := range captures(t, suffix) {
			for _, parse := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/parse=%v", name, parse), func(t *testing.T) {
					got, res, err := ourDecode(f, body, parse)
					require.NoError(t, err)
					require.Positive(t, res.Spans)
					require.Equal(t, res.Spans, got.SpanCount())
					require.NoError(t, sameAsContrib(f, body, parse))
				})
			}
		}
	}
}

// edgeCases are JSON bodies where zipkin-go's model or contrib's translator
// has a quirk the decoder must reproduce (or, for errors, at least detect).
var edgeCases = []string{
	`[]`, `null`, ` [ ] `, ``, `{}`, `"x"`, "[]\x00", "null\x00", "\x00", "1\x00", `[null]`, `[1]`, `[{}]`, `[]x`, `[{"id":"1"}]`,
	`[{"id":"01","traceId":"0000000000000000000000000000000001"}]`,
	`[{"id":"01","traceId":"xyz"}]`, `[{"id":"01","traceId":null}]`, `[{"id":"01","traceId":[1]}]`,
	`[{"id":"01","traceId":12345}]`, `[{"id":"","traceId":"01"}]`, `[{"id":"01","ID":"","traceId":"01"}]`,
	`[{"id":"01","parentId":"","traceId":"01"}]`, `[{"id":"01","parentId":null}]`, `[{"id":"01","parentId":"01"}]`,
	`[{"ID":"0a","TRACEID":"0b","NAME":"n","Kind":"CLIENT"}]`, `[{"id":"01","ſhared":true}]`, `[{"id":"01","shared":1}]`,
	`[{"id":"01","timestamp":1.5}]`, `[{"id":"01","timestamp":-1}]`, `[{"id":"01","timestamp":"1"}]`,
	`[{"id":"01","timestamp":18446744073709551615,"duration":18446744073709551615}]`,
	`[{"id":"01","timestamp":18446744073709551616}]`, `[{"id":"01","duration":5}]`,
	`[{"id":"01","localEndpoint":{"serviceName":"a","ipv4":"1.2.3.4","ipv6":"::1","port":65535}}]`,
	`[{"id":"01","localEndpoint":{"port":65536}}]`, `[{"id":"01","localEndpoint":{"ipv4":"01.2.3.4"}}]`,
	`[{"id":"01","localEndpoint":{"ipv4":"::FFFF:1.2.3.4"}}]`, `[{"id":"01","localEndpoint":{"ipv4":""}}]`,
	`[{"id":"01","localEndpoint":{"serviceName":"a"},"localEndpoint":{"port":1}}]`,
	`[{"id":"01","localEndpoint":{"serviceName":"a"},"localEndpoint":null}]`,
	`[{"id":"01","remoteEndpoint":{"serviceName":"r","ipv6":"2001:DB8::1","port":9}}]`,
	`[{"id":"01","annotations":[{"timestamp":1,"value":"a"}]}]`, `[{"id":"01","annotations":[{"value":"a"}]}]`,
	`[{"id":"01","annotations":[null]}]`, `[{"id":"01","annotations":[1]}]`,
	`[{"id":"01","annotations":[{"timestamp":2,"Timestamp":"2020-01-01T00:00:00Z","VALUE":"v"}]}]`,
	`[{"id":"01","annotations":[{"timestamp":2,"Timestamp":"bad"}]}]`,
	`[{"id":"01","annotations":[{"timestamp":2,"value":"ev|{\"a\":1,\"b\":\"x\",\"c\":true,\"d\":1.5}|3"}]}]`,
	`[{"id":"01","annotations":[{"timestamp":2,"value":"ev|{bad|3"}]}]`,
	`[{"id":"01","annotations":[{"timestamp":2,"value":"ev|x"}]}]`,
	`[{"id":"01","tags":{"a":"1","a":"2","b":null}}]`, `[{"id":"01","tags":{"a":1}}]`,
	`[{"id":"01","tags":{"a":"1"},"tags":{"b":"2"}}]`, `[{"id":"01","tags":{"a":"1"},"tags":null}]`,
	`[{"id":"01","kind":"PRODUCER","tags":{"span.kind":"internal"}}]`, `[{"id":"01","tags":{"span.kind":"internal"}}]`,
	`[{"id":"01","tags":{"span.kind":"client"}}]`,
	`[{"id":"01","tags":{"otel.status_code":"STATUS_CODE_ERROR","otel.status_description":"boom"}}]`,
	`[{"id":"01","tags":{"otel.status_description":"boom"}}]`, `[{"id":"01","tags":{"error":"false"}}]`,
	`[{"id":"01","tags":{"error":"true","otel.status_code":"Ok"}}]`, `[{"id":"01","tags":{"w3c.tracestate":"a=b"}}]`,
	`[{"id":"01","tags":{"otlp.link.0":"0102030405060708090a0b0c0d0e0f10|0102030405060708|k=v|{\"a\":1}|2","otlp.link.2":"x"}}]`,
	`[{"id":"01","tags":{"otlp.link.0":"\"0102030405060708090a0b0c0d0e0f10\"||||0"}}]`,
	`[{"id":"01","tags":{"otlp.link.0":"zz|0102030405060708|k=v|{}|2"}}]`, `[{"id":"01","tags":{"otlp.link.1":"x"}}]`,
	`[{"id":"01","tags":{"otlp.link.0":"a|b"}}]`, `[{"id":"01","tags":{"otlp.link.00":"a"}}]`,
	`[{"id":"01","tags":{"otlp.link.0":"0102030405060708090a0b0c0d0e0f10|0102030405060708|k|{\"a\":\"x|y\"}|2"}}]`,
	`[{"id":"01","localEndpoint":{"serviceName":"s"},"tags":{"host.name":"h","otlp.service.name.source":"faas.name","otel.library.name":"lib","otel.library.version":"1","otel.scope.version":"2","http.status_code":"200","net.host.port":"7"}}]`,
	`[{"id":"01","localEndpoint":{"serviceName":"s","port":80},"tags":{"net.host.port":"7","network.local.address":"x"}}]`,
	`[{"id":"01","tags":{"otel.zipkin.absentField.startTime":"x"}},{"id":"02","timestamp":5,"tags":{"otel.zipkin.absentField.startTime":"x"}}]`,
	`[{"id":"01","localEndpoint":{"serviceName":"s"},"tags":{"host.name":"h1","otel.scope.name":"b"}},{"id":"02","localEndpoint":{"serviceName":"s"},"tags":{"host.name":"h2","otel.scope.name":"a"}},{"id":"03","localEndpoint":{"serviceName":"s"},"tags":{"host.name":"h3","otel.scope.name":"b","otel.scope.version":"3"}}]`,
	`[{"id":"01","localEndpoint":{"serviceName":"OTLPResourceNoServiceName"},"tags":{"host.name":"h"}},{"id":"02"}]`,
	`[{"id":"01","name":"\u00e9\ud83d\ude00\ud800x\u0000","tags":{"k\"":"v\\n"}}]`, "[{\"id\":\"01\",\"name\":\"\xff\xfe\"}]",
	"[{\"id\":\"01\",\"name\":\"a\x01\"}]", `[{"id":"01","name":"\x"}]`, `[{"id":"01","tr\u0061ceId":"05"}]`,
	`[{"id":"01","tags":{"i":"-12","f":"1.50","b":"true","s":"1.","e":"","big":"99999999999999999999","m":"{\"a\":1}"}}]`,
	`[{"id":"01","unknown":{"a":[1,2,{"b":null}],"c":-0.5e+10}}]`, `[{"id":"01","unknown":01}]`, `[{"id":"01","unknown":[1,]}]`,
	`[{"id":"01",}]`, `[{"id":"01"},]`, `[{"id":"01"} {"id":"02"}]`,
	`[{"id":"01","x":` + strings.Repeat("[", 10001) + strings.Repeat("]", 10001) + `}]`,
	`[{"id":"01","x":` + strings.Repeat("[", 9990) + strings.Repeat("]", 9990) + `}]`,
}

// manyGroups is a request of 12 spans (contrib's sort is still an insertion
// sort) spread over 11 scopes of one service, then over 6 services, so the
// scope lookup passes its scan limit.
func manyGroups() []string {
	var scopes, services []string
	for i := range 12 {
		scopes = append(scopes, fmt.Sprintf(`{"id":"%x","localEndpoint":{"serviceName":"s"},"tags":{"otel.scope.name":"sc%d","otel.scope.version":"%d","host.name":"h%d"}}`, i+1, i%11, i, i))
		services = append(services, fmt.Sprintf(`{"id":"%x","localEndpoint":{"serviceName":"s%d"},"tags":{"otel.library.name":"l%d","host.name":"h%d"}}`, i+1, i%6, i%2, i))
	}
	return []string{"[" + strings.Join(scopes, ",") + "]", "[" + strings.Join(services, ",") + "]"}
}

func TestEdgeCasesMatchContrib(t *testing.T) {
	for i, body := range append(edgeCases, manyGroups()...) {
		for _, parse := range []bool{false, true} {
			if err := sameAsContrib(v2JSON, []byte(body), parse); err != nil {
				t.Errorf("case %d %.80q parse=%v: %v", i, body, parse, err)
			}
		}
	}
}

// By default the translated spans own their strings: overwriting the body
// afterwards changes nothing.
func TestSpansDoNotAliasBody(t *testing.T) {
	for suffix, f := range map[string]format{".v2.json": v2JSON, ".v2.proto": v2Proto} {
		for name, body := range captures(t, suffix) {
			want, err := contribDecode(f, body, false)
			require.NoError(t, err)
			mine := append([]byte(nil), body...)
			got, _, err := ourDecode(f, mine, false)
			require.NoError(t, err)
			for i := range mine {
				mine[i] = 'X'
			}
			sortSpans(want)
			sortSpans(got)
			require.NoError(t, ptracetest.CompareTraces(want, got,
				ptracetest.IgnoreResourceSpansOrder(), ptracetest.IgnoreScopeSpansOrder()), name)
		}
	}
}

// orderCases are requests above 12 spans, where contrib's sort.Sort is no
// longer an insertion sort; spans of one service carry the same resource
// tags (where they differ, see the README).
func orderCases() []string {
	var out []string
	for _, n := range []int{13, 40, 200} {
		var spans []string
		for i := range n {
			svc := (i * 7) % 5
			if i%9 == 0 {
				spans = append(spans, "null")
			}
			spans = append(spans, fmt.Sprintf(`{"traceId":"%x","id":"%x","name":"n%d","localEndpoint":{"serviceName":"s%d"},"tags":{"host.name":"h%d","otel.scope.name":"sc%d"}}`,
				i/3+1, i+1, i, svc, svc, (i*3)%4))
		}
		out = append(out, "["+strings.Join(spans, ",")+"]")
	}
	return out
}

// TestOrderMatchesContrib compares without ignoring any order: resources,
// scopes and spans come in contrib's order.
func TestOrderMatchesContrib(t *testing.T) {
	bodies := map[string][]byte{}
	for name, b := range captures(t, ".v2.json") {
		bodies[name] = b
	}
	for i, c := range append(orderCases(), manyGroups()...) {
		bodies[fmt.Sprint("case ", i)] = []byte(c)
	}
	for name, body := range bodies {
		want, err := contribDecode(v2JSON, body, false)
		require.NoError(t, err, name)
		got, _, err := ourDecode(v2JSON, body, false)
		require.NoError(t, err, name)
		require.NoError(t, ptracetest.CompareTraces(want, got), name)
	}
	for name, body := range captures(t, ".v2.proto") {
		want, err := contribDecode(v2Proto, body, false)
		require.NoError(t, err, name)
		got, _, err := ourDecode(v2Proto, body, false)
		require.NoError(t, err, name)
		require.NoError(t, ptracetest.CompareTraces(want, got), name)
	}
}
