package zipkin

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/ptracetest"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/translator/zipkin/zipkinv1"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// The v1 differential tests hold DecodeV1JSON to contrib's zipkinv1 JSON
// unmarshaler (v0.158.0, default feature gates): same error-or-not and, when
// contrib succeeds, the same traces in the same order.

// contribV1 runs contrib's unmarshaler; a panic (contrib panics on a null
// span or binary annotation) counts as an error.
func contribV1(body []byte, parse bool) (td ptrace.Traces, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("contrib panicked: %v", r)
		}
	}()
	return zipkinv1.NewJSONTracesUnmarshaler(parse).UnmarshalTraces(body)
}

// sameAsContribV1 returns why our decoding of body differs from contrib's,
// or nil.
func sameAsContribV1(body []byte, parse bool) error {
	want, wantErr := contribV1(body, parse)
	got, res, gotErr := DecodeV1JSON(body, Options{ParseStringTags: parse})
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
	clearAbsentTimes(want)
	clearAbsentTimes(got)
	return ptracetest.CompareTraces(want, got)
}

// clearAbsentTimes zeroes the times of spans that had none: contrib stamps
// them with time.Now() (we read the clock once per request), and marks them
// with otel.zipkin.absentField.startTime.
func clearAbsentTimes(td ptrace.Traces) {
	rss := td.ResourceSpans()
	for i := 0; i < rss.Len(); i++ {
		sss := rss.At(i).ScopeSpans()
		for j := 0; j < sss.Len(); j++ {
			spans := sss.At(j).Spans()
			for k := 0; k < spans.Len(); k++ {
				s := spans.At(k)
				v, ok := s.Attributes().Get(keyStartTimeAbsent)
				if ok && v.Bool() && s.StartTimestamp() == s.EndTimestamp() {
					s.SetStartTimestamp(0)
					s.SetEndTimestamp(0)
				}
			}
		}
	}
}

func TestV1CapturesMatchContrib(t *testing.T) {
	for name, body := range captures(t, ".v1.json") {
		for _, parse := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/parse=%v", name, parse), func(t *testing.T) {
				got, res, err := DecodeV1JSON(body, Options{ParseStringTags: parse})
				require.NoError(t, err)
				require.Positive(t, res.Spans)
				require.Equal(t, res.Spans, got.SpanCount())
				require.NoError(t, sameAsContribV1(body, parse))
			})
		}
	}
}

// contrib's error batch holds one span with a malformed id among valid
// ones: contrib refuses all of it, we keep the others.
func TestV1ErrorBatchKeepsValidSpans(t *testing.T) {
	body, err := os.ReadFile("testdata/contrib-zipkinv1-error-batch.v1-invalid.json")
	require.NoError(t, err)
	_, wantErr := contribV1(body, false)
	require.Error(t, wantErr)
	td, res, err := DecodeV1JSON(body, Options{})
	require.ErrorContains(t, err, "1 of")
	require.Equal(t, 1, res.Rejected)
	require.Positive(t, res.Spans)
	require.Equal(t, res.Spans, td.SpanCount())
}

const v1IDs = `"traceId":"0102030405060708","id":"0a0b0c0d0e0f1011"`

// v1EdgeCases are bodies where contrib's unmarshaler has a quirk the decoder
// must reproduce (or, for errors, at least detect).
var v1EdgeCases = []string{
	`[]`, `null`, ` [ ] `, ``, `{}`, `"x"`, "[]\x00", "null\x00", "\x00", "1\x00", `[null]`, `[1]`, `[{}]`, `[]x`, `[` + "{" + v1IDs + "}" + `]`,
	`[{"traceId":"0102030405060708090a0b0c0d0e0f10","id":"0a0b0c0d0e0f1011","parentId":"0000000000000001"}]`,
	`[{"traceId":"0000000000000000","id":"0a0b0c0d0e0f1011"}]`, `[{"traceId":"01","id":"0a0b0c0d0e0f1011"}]`,
	`[{"traceId":"010203040506070g","id":"0a0b0c0d0e0f1011"}]`, `[{"traceId":null,"id":"0a0b0c0d0e0f1011"}]`,
	`[{"traceId":1,"id":"0a0b0c0d0e0f1011"}]`, `[{"traceId":"0102030405060708","id":"0000000000000000"}]`,
	`[{` + v1IDs + `,"parentId":"0000000000000000"}]`, `[{` + v1IDs + `,"parentId":"00"}]`, `[{` + v1IDs + `,"parentId":null}]`,
	`[{"TRACEID":"0102030405060708","ID":"0A0B0C0D0E0F1011","NAME":"n"}]`, `[{` + v1IDs + `,"ſame":"x"}]`,
	`[{` + v1IDs + `,"debug":true}]`, `[{` + v1IDs + `,"debug":1}]`,
	`[{` + v1IDs + `,"timestamp":1.5}]`, `[{` + v1IDs + `,"timestamp":1e3}]`, `[{` + v1IDs + `,"timestamp":-1,"duration":5}]`,
	`[{` + v1IDs + `,"timestamp":"1"}]`, `[{` + v1IDs + `,"timestamp":9223372036854775807,"duration":9223372036854775807}]`,
	`[{` + v1IDs + `,"timestamp":9223372036854775808}]`, `[{` + v1IDs + `,"timestamp":2305843009213693952}]`,
	`[{` + v1IDs + `,"timestamp":5,"duration":-10}]`, `[{` + v1IDs + `,"duration":5}]`, `[{` + v1IDs + `,"timestamp":null}]`,
	`[{` + v1IDs + `,"annotations":null}]`, `[{` + v1IDs + `,"annotations":[]}]`, `[{` + v1IDs + `,"annotations":{}}]`,
	`[{` + v1IDs + `,"annotations":[null,{"timestamp":3,"value":"x"}]}]`, `[{` + v1IDs + `,"annotations":[1]}]`,
	`[{` + v1IDs + `,"annotations":[{"timestamp":3,"value":""},{"timestamp":9223372036854775807,"value":"a"}]}]`,
	`[{` + v1IDs + `,"annotations":[{"timestamp":-3,"value":"a"},{"timestamp":7,"value":"b"}]}]`,
	`[{` + v1IDs + `,"annotations":[{"timestamp":3,"value":"cs","endpoint":{"serviceName":"c","ipv4":"x","ipv6":"::1","port":-80}},{"timestamp":9,"value":"sr","endpoint":{"serviceName":"s"}}]}]`,
	`[{` + v1IDs + `,"annotations":[{"timestamp":3,"value":"ms","endpoint":{"serviceName":"unknown-service","port":1}},{"timestamp":4,"value":"mr","endpoint":{"serviceName":"m"}}]}]`,
	`[{` + v1IDs + `,"annotations":[{"timestamp":3,"value":"ss","endpoint":{}},{"timestamp":4,"value":"cr","endpoint":null}]}]`,
	`[{` + v1IDs + `,"annotations":[{"timestamp":3,"value":"sr","endpoint":{"serviceName":"a"},"endpoint":{"port":2}}]}]`,
	`[{` + v1IDs + `,"annotations":[{"timestamp":3,"value":"sr","endpoint":{"serviceName":"a"},"endpoint":null}]}]`,
	`[{` + v1IDs + `,"annotations":[{"timestamp":3,"value":"sr","endpoint":{"port":2147483648}}]}]`,
	`[{` + v1IDs + `,"annotations":[{"timestamp":3,"value":"sr","endpoint":{"serviceName":1}}]}]`,
	`[{` + v1IDs + `,"annotations":[{"timestamp":3,"value":"sr","endpoint":[]}]}]`,
	`[{` + v1IDs + `,"binaryAnnotations":[null]}]`, `[{` + v1IDs + `,"binaryAnnotations":[{"key":"ca","value":true}]}]`,
	`[{` + v1IDs + `,"binaryAnnotations":[{"key":"lc","value":"comp"},{"key":"component","value":"x"}]}]`,
	`[{` + v1IDs + `,"binaryAnnotations":[{"key":"lc","value":"comp","endpoint":{"serviceName":"svc","ipv4":"1.2.3.4"}},{"key":"k","value":"v","endpoint":{"serviceName":""}}]}]`,
	`[{` + v1IDs + `,"binaryAnnotations":[{"key":"a","value":"1"},{"key":"b","value":"x"},{"key":"a","value":"2.5"},{"key":"","value":"true"},{"value":null}]}]`,
	`[{` + v1IDs + `,"binaryAnnotations":[{"key":"census.status_code","value":"0"},{"key":"census.status_description","value":"ok"},{"key":"otel.status_code","value":"2"}]}]`,
	`[{` + v1IDs + `,"binaryAnnotations":[{"key":"census.status_code","value":"x"},{"key":"otel.status_code","value":"7"},{"key":"otel.status_description","value":"d"}]}]`,
	`[{` + v1IDs + `,"binaryAnnotations":[{"key":"error","value":"boom"},{"key":"opencensus.status_description","value":"12"},{"key":"otel.status_description","value":"d"}]}]`,
	`[{` + v1IDs + `,"binaryAnnotations":[{"key":"error","value":""},{"key":"otel.status_description","value":"true"}]}]`,
	`[{` + v1IDs + `,"binaryAnnotations":[{"key":"http.status_code","value":"404"},{"key":"http.status_message","value":"nf"}]}]`,
	`[{` + v1IDs + `,"binaryAnnotations":[{"key":"http.response.status_code","value":"399"},{"key":"http.status_message","value":"1.5"}]}]`,
	`[{` + v1IDs + `,"binaryAnnotations":[{"key":"http.status_code","value":"+99"},{"key":"http.status_code","value":"99999999999"}]}]`,
	`[{` + v1IDs + `,"binaryAnnotations":[{"key":"census.status_code","value":"-2147483648"}]}]`,
	`[{` + v1IDs + `,"binaryAnnotations":[{"key":"otel.zipkin.absentField.startTime","value":"x"}]}]`,
	`[{` + v1IDs + `,"timestamp":5,"binaryAnnotations":[{"key":"otel.zipkin.absentField.startTime","value":"x"}]}]`,
	`[{` + v1IDs + `,"binaryAnnotations":[{"key":"k","value":1}]}]`, `[{` + v1IDs + `,"binaryAnnotations":{}}]`,
	`[{` + v1IDs + `,"name":"\u00e9\ud83d\ude00\ud800x\u0000","binaryAnnotations":[{"key":"k\"","value":"v\\n"}]}]`,
	"[{" + v1IDs + ",\"name\":\"\xff\xfe\"}]", "[{" + v1IDs + ",\"name\":\"a\x01\"}]", `[{` + v1IDs + `,"n\u0061me":"x"}]`,
	`[{` + v1IDs + `,"unknown":{"a":[1,2,{"b":null}],"c":-0.5e+10}}]`, `[{` + v1IDs + `,"unknown":01}]`,
	`[{` + v1IDs + `,}]`, `[{` + v1IDs + `},]`, `[{` + v1IDs + `} {` + v1IDs + `}]`,
	`[{` + v1IDs + `,"x":` + strings.Repeat("[", 10001) + strings.Repeat("]", 10001) + `}]`,
	`[{` + v1IDs + `,"x":` + strings.Repeat("[", 9990) + strings.Repeat("]", 9990) + `}]`,
}

// v1Resources spreads spans over endpoints that contrib's text key
// ("service-ipv4-ipv6-port") merges or separates.
var v1Resources = func() string {
	eps := []string{
		`{"serviceName":"a-","ipv4":"b"}`, `{"serviceName":"a","ipv4":"-b"}`, `{"serviceName":"a","ipv4":"b"}`,
		`{"serviceName":"a","ipv4":"b","port":0}`, `{"serviceName":"a","ipv6":"b"}`, `{"serviceName":"a-b"}`,
		`{"serviceName":"a","ipv4":"b","port":1}`,
	}
	var spans []string
	for i := range 20 {
		spans = append(spans, fmt.Sprintf(`{"traceId":"0102030405060708","id":"%016x","annotations":[{"timestamp":%d,"value":"sr","endpoint":%s}]}`,
			i+1, i+1, eps[(i*3)%len(eps)]))
	}
	return "[" + strings.Join(spans, ",") + "]"
}()

func TestV1EdgeCasesMatchContrib(t *testing.T) {
	for i, body := range append(v1EdgeCases, v1Resources) {
		for _, parse := range []bool{false, true} {
			if err := sameAsContribV1([]byte(body), parse); err != nil {
				t.Errorf("case %d %.100q parse=%v: %v", i, body, parse, err)
			}
		}
	}
}

func TestV1SpansDoNotAliasBody(t *testing.T) {
	for name, body := range captures(t, ".v1.json") {
		want, err := contribV1(body, false)
		require.NoError(t, err)
		mine := append([]byte(nil), body...)
		got, _, err := DecodeV1JSON(mine, Options{})
		require.NoError(t, err)
		for i := range mine {
			mine[i] = 'X'
		}
		clearAbsentTimes(want)
		clearAbsentTimes(got)
		require.NoError(t, ptracetest.CompareTraces(want, got), name)
	}
}

// repeatsArrayKey reports whether an object of body repeats the annotations
// or binaryAnnotations key (in any letter case): encoding/json then decodes
// the second array into the first one's elements, a documented difference.
func repeatsArrayKey(body []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(body))
	type frame struct {
		object bool
		seen   map[string]bool
		key    bool // the next string token of an object is a key
	}
	var stack []*frame
	for {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if s, ok := tok.(string); ok && top != nil && top.object && top.key {
			k := strings.ToLower(s)
			if k == "annotations" || k == "binaryannotations" {
				if top.seen[k] {
					return true
				}
				top.seen[k] = true
			}
			top.key = false
			continue
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, &frame{object: true, seen: map[string]bool{}, key: true})
			continue
		case json.Delim('['):
			stack = append(stack, &frame{})
			continue
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
		}
		if len(stack) > 0 && stack[len(stack)-1].object {
			stack[len(stack)-1].key = true
		}
	}
}

func FuzzV1JSONMatchesContrib(f *testing.F) {
	for _, b := range captures(f, ".v1.json") {
		f.Add(b, false)
		f.Add(b[:len(b)/2], true)
	}
	for _, c := range v1EdgeCases {
		f.Add([]byte(c), false)
	}
	f.Add([]byte(v1Resources), true)
	f.Fuzz(func(t *testing.T, body []byte, parse bool) {
		if repeatsArrayKey(body) {
			// Still must not panic, and must count what it returns.
			td, res, _ := DecodeV1JSON(body, Options{ParseStringTags: parse})
			if td.SpanCount() != res.Spans {
				t.Fatalf("result says %d spans, traces hold %d", res.Spans, td.SpanCount())
			}
			return
		}
		if err := sameAsContribV1(body, parse); err != nil {
			t.Fatal(err)
		}
	})
}
