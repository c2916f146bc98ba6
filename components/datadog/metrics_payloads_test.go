package datadog

import (
	"bytes"
	"encoding/json"
	"math"
	"mime/multipart"
	"net/textproto"
	"slices"

	"google.golang.org/protobuf/encoding/protowire"
)

// Encoders for the HANDBUILT metric payloads: they write what the Agent's
// encoders write, field by field after the public .proto files (agent-payload
// proto/metrics/agent_payload.proto and intake_v3.proto), with values taken
// from a realistic Agent flush. No Agent was at hand to capture them.

type pb []byte

func (p pb) str(num protowire.Number, s string) pb {
	p = protowire.AppendTag(p, num, protowire.BytesType)
	return protowire.AppendString(p, s)
}

func (p pb) msg(num protowire.Number, m pb) pb {
	p = protowire.AppendTag(p, num, protowire.BytesType)
	return protowire.AppendBytes(p, m)
}

func (p pb) varint(num protowire.Number, v uint64) pb {
	p = protowire.AppendTag(p, num, protowire.VarintType)
	return protowire.AppendVarint(p, v)
}

func (p pb) double(num protowire.Number, v float64) pb {
	p = protowire.AppendTag(p, num, protowire.Fixed64Type)
	return protowire.AppendFixed64(p, math.Float64bits(v))
}

func (p pb) packedSint(num protowire.Number, vs ...int64) pb {
	var b []byte
	for _, v := range vs {
		b = protowire.AppendVarint(b, protowire.EncodeZigZag(v))
	}
	return p.msg(num, b)
}

func (p pb) packedUint(num protowire.Number, vs ...uint64) pb {
	var b []byte
	for _, v := range vs {
		b = protowire.AppendVarint(b, v)
	}
	return p.msg(num, b)
}

func (p pb) packedDouble(num protowire.Number, vs ...float64) pb {
	var b []byte
	for _, v := range vs {
		b = protowire.AppendFixed64(b, math.Float64bits(v))
	}
	return p.msg(num, b)
}

const handbuiltTS = 1764133106 // 2025-11-26T04:58:26Z

var agentHostTags = []string{"env:staging", "team:payments", "region:eu-west-1"}

// seriesV2Payload is a MetricPayload like an Agent 7.x flush.
func seriesV2Payload() []byte {
	series := func(name string, typ uint64, interval uint64, unit string, tags []string, points ...[2]float64) pb {
		var s pb
		s = s.msg(1, pb(nil).str(1, "host").str(2, "fixture-host"))
		s = s.str(2, name)
		for _, t := range tags {
			s = s.str(3, t)
		}
		for _, pt := range points {
			s = s.msg(4, pb(nil).double(1, pt[1]).varint(2, uint64(int64(pt[0]))))
		}
		s = s.varint(5, typ)
		if unit != "" {
			s = s.str(6, unit)
		}
		s = s.str(7, "System")
		s = s.varint(8, interval)
		s = s.msg(9, pb(nil).msg(1, pb(nil).varint(4, 10).varint(5, 11)))
		return s
	}
	var p pb
	p = p.msg(1, series("system.load.1", 3, 0, "", agentHostTags, [2]float64{handbuiltTS, 0.42}))
	p = p.msg(1, series("system.mem.used", 3, 0, "byte", agentHostTags, [2]float64{handbuiltTS, 1.5e9}))
	p = p.msg(1, series("checkout.orders", 1, 10, "", append([]string{"service:checkout", "version:1.4.2", "status:paid", "status:shipped"}, agentHostTags...),
		[2]float64{handbuiltTS - 10, 3}, [2]float64{handbuiltTS, 5}))
	p = p.msg(1, series("system.net.bytes_rcvd", 2, 10, "byte", append([]string{"device:eth0"}, agentHostTags...), [2]float64{handbuiltTS, 1024.5}))
	return p
}

func seriesV1Payload() []byte {
	type s struct {
		Metric   string       `json:"metric"`
		Points   [][2]float64 `json:"points"`
		Type     string       `json:"type,omitempty"`
		Interval int64        `json:"interval,omitempty"`
		Host     string       `json:"host,omitempty"`
		Device   string       `json:"device,omitempty"`
		Tags     []string     `json:"tags,omitempty"`
	}
	body := map[string][]s{"series": {
		{Metric: "system.load.1", Points: [][2]float64{{handbuiltTS, 0.42}}, Type: "gauge", Host: "fixture-host", Tags: agentHostTags},
		{Metric: "checkout.orders", Points: [][2]float64{{handbuiltTS - 10, 3}, {handbuiltTS, 5}}, Type: "count", Interval: 10, Host: "fixture-host",
			Tags: append([]string{"service:checkout", "version:1.4.2", "status:paid", "status:shipped"}, agentHostTags...)},
		{Metric: "system.net.bytes_rcvd", Points: [][2]float64{{handbuiltTS, 1024.5}}, Type: "rate", Interval: 10, Host: "fixture-host", Device: "eth0", Tags: agentHostTags},
		{Metric: "checkout.queue.depth", Points: [][2]float64{{handbuiltTS, -2}}, Type: "count", Host: "fixture-host"},
		{Metric: "untyped.metric", Points: [][2]float64{{handbuiltTS, 7}}, Host: "fixture-host", Tags: []string{"standalone"}},
	}}
	b, _ := json.MarshalIndent(body, "", "  ")
	return b
}

// agentKeyOf is the Agent sketch key of v (pkg/quantile's key()).
func agentKeyOf(v float64) int64 {
	if v < 0 {
		return -agentKeyOf(-v)
	}
	if v < agentSketch.min {
		return 0
	}
	return int64(math.RoundToEven(math.Log(v)/agentSketch.lnGamma)) + int64(agentSketch.bias)
}

// sketchOf builds the keys and counts of values, as the Agent's sketch does.
func sketchOf(values []float64) (keys []int64, counts []uint64, sum, mn, mx float64) {
	byKey := map[int64]uint64{}
	mn, mx = math.Inf(1), math.Inf(-1)
	for _, v := range values {
		byKey[agentKeyOf(v)]++
		sum += v
		mn, mx = math.Min(mn, v), math.Max(mx, v)
	}
	for k := range byKey {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		counts = append(counts, byKey[k])
	}
	return keys, counts, sum, mn, mx
}

var latencies = []float64{0.012, 0.013, 0.013, 0.2, 1.5, 0, -0.5}

func sketchesPayload() []byte {
	keys, counts, sum, mn, mx := sketchOf(latencies)
	var ds pb
	ds = ds.varint(1, handbuiltTS).varint(2, uint64(len(latencies))).double(3, mn).double(4, mx).
		double(5, sum/float64(len(latencies))).double(6, sum).packedSint(7, keys...).packedUint(8, counts...)
	var sk pb
	sk = sk.str(1, "checkout.request.duration").str(2, "fixture-host")
	for _, t := range append([]string{"service:checkout", "endpoint:/api/orders"}, agentHostTags...) {
		sk = sk.str(4, t)
	}
	sk = sk.msg(7, ds)
	var p pb
	p = p.msg(1, sk)
	p = p.msg(2, pb(nil).str(1, "7.62.2"))
	return p
}

// seriesV3Payload encodes, column by column, a gauge, a count and a sketch
// series, as dd-metrics-v3's writer lays them out.
func seriesV3Payload() []byte {
	dict := func(ss ...string) []byte {
		var b []byte
		for _, s := range ss {
			b = protowire.AppendVarint(b, uint64(len(s)))
			b = append(b, s...)
		}
		return b
	}
	keys, counts, sum, mn, mx := sketchOf(latencies)
	deltaKeys := slices.Clone(keys)
	for i := len(deltaKeys) - 1; i > 0; i-- {
		deltaKeys[i] -= deltaKeys[i-1]
	}
	var md pb
	md = md.msg(1, dict("system.load.1", "checkout.orders", "checkout.request.duration"))
	md = md.msg(2, dict("env:staging", "team:payments", "service:checkout"))
	// tag set 1 = {1,2}; tag set 2 = {1,2,3}
	md = md.packedSint(3, 2, 1, 1, 3, 1, 1, 1)
	md = md.msg(4, dict("host", "fixture-host"))
	md = md.packedUint(5, 1)
	md = md.packedSint(6, 1)
	md = md.packedSint(7, 2)
	// gauge float64, count sint64 (interval 10), sketch float64
	md = md.packedUint(10, v3Gauge|v3Float64, v3Count|v3Sint64, v3Sketch|v3Float64)
	md = md.packedSint(11, 1, 1, 1)
	md = md.packedSint(12, 1, 1, 0)
	md = md.packedSint(13, 1, 0, 0)
	md = md.packedUint(14, 0, 10, 0)
	md = md.packedUint(15, 1, 2, 1)
	md = md.packedSint(16, handbuiltTS, -10, 10, 0)
	md = md.packedSint(17, 3, 5, int64(len(latencies)))
	md = md.packedDouble(19, 0.42, sum, mn, mx)
	md = md.packedUint(20, uint64(len(keys)))
	md = md.packedSint(21, deltaKeys...)
	md = md.packedUint(22, counts...)
	var p pb
	p = p.msg(2, pb(nil).str(1, "region:eu-west-1"))
	p = p.msg(3, md)
	return p
}

func distributionPointsPayload() []byte {
	body := map[string]any{"series": []map[string]any{{
		"metric": "checkout.request.duration",
		"points": []any{[]any{handbuiltTS, latencies}},
		"host":   "fixture-host",
		"tags":   []string{"service:checkout", "env:staging"},
		"type":   "distribution",
	}}}
	b, _ := json.MarshalIndent(body, "", "  ")
	return b
}

func checkRunPayload() []byte {
	body := []map[string]any{
		{"check": "datadog.agent.up", "host_name": "fixture-host", "timestamp": handbuiltTS, "status": 0, "message": "", "tags": []string{}},
		{"check": "http.can_connect", "host_name": "fixture-host", "timestamp": handbuiltTS, "status": 2,
			"message": "connection refused", "tags": []string{"instance:payments", "url:http://payments:8080/health", "env:staging"}},
	}
	b, _ := json.MarshalIndent(body, "", "  ")
	return b
}

// dogstatsdPayload has one line of every kind a DogStatsD client writes.
func dogstatsdPayload() []byte {
	return []byte(`runtime.node.heap.used_size:52428800|g|#service:checkout-js,env:staging,host:fixture-host,runtime-id:5f1e
runtime.node.event_loop.delay.max:12.5|g|#service:checkout-js,env:staging,host:fixture-host
checkout.orders:1|c|#service:checkout-js,env:staging,status:paid
checkout.orders:2|c|@0.5|#service:checkout-js,env:staging,status:paid
checkout.refunds:-1|c|#service:checkout-js
checkout.request.duration:12:13:13|h|#service:checkout-js,env:staging
checkout.request.duration:200|ms|#service:checkout-js,env:staging
checkout.payload.size:1024|d|@0.25|#service:checkout-js
checkout.users:alice|s|#service:checkout-js
checkout.users:bob|s|#service:checkout-js
checkout.users:alice|s|#service:checkout-js
checkout.backfill:3|c|T1764133000|#service:checkout-js
checkout.container:1|g|c:3f1e9a|#service:checkout-js
_sc|checkout.can_connect|2|d:1764133106|h:fixture-host|#service:checkout-js|m:connection refused
_e{5,4}:title|text|#service:checkout-js
this is not dogstatsd
`)
}

func logsPayload() []byte {
	body := []map[string]any{
		{"message": "order 1042 paid", "status": "info", "timestamp": int64(handbuiltTS) * 1000, "hostname": "fixture-host",
			"service": "checkout", "ddsource": "go", "ddtags": "env:staging,version:1.4.2,team:payments",
			"dd.trace_id": "12297829382473034410", "dd.span_id": "6148914691236517205", "order_id": 1042},
		{"message": `{"level":"error","msg":"charge failed","dd":{"trace_id":"3e2d1f0a9b8c7d6e5f4a3b2c1d0e9f8a","span_id":"1234567890"},"error":{"kind":"PaymentDeclined"}}`,
			"status": "error", "timestamp": int64(handbuiltTS)*1000 + 250, "hostname": "fixture-host", "service": "checkout",
			"ddsource": "nodejs", "ddtags": "env:staging"},
		{"message": "disk almost full", "status": "warn", "hostname": "fixture-host", "service": "node-agent", "ddsource": "syslog",
			"timestamp": "2025-11-26T04:58:27Z"},
	}
	b, _ := json.MarshalIndent(body, "", "  ")
	return b
}

// profilePayload is a multipart upload shaped like dd-trace-js 5.x's.
func profilePayload(pprofData []byte) ([]byte, string) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.SetBoundary("ddprofileboundary")
	event := map[string]any{
		"attachments":   []string{"cpu.pprof"},
		"tags_profiler": "service:checkout-js,env:staging,version:1.4.2,host:fixture-host,runtime-id:5f1e,language:javascript,profiler_version:5.30.0,team:payments",
		"start":         "2025-11-26T04:58:16Z",
		"end":           "2025-11-26T04:58:26Z",
		"family":        "node",
		"version":       "4",
	}
	eb, _ := json.Marshal(event)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="event"; filename="event.json"`)
	h.Set("Content-Type", "application/json")
	pw, _ := w.CreatePart(h)
	_, _ = pw.Write(eb)
	h = textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="cpu.pprof"; filename="cpu.pprof"`)
	h.Set("Content-Type", "application/octet-stream")
	pw, _ = w.CreatePart(h)
	_, _ = pw.Write(pprofData)
	_ = w.Close()
	return buf.Bytes(), w.FormDataContentType()
}
