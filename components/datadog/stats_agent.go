package datadog

import (
	"fmt"

	"go.opentelemetry.io/collector/pdata/pmetric"
)

// /api/v0.2/stats is where a Datadog Agent sends trace stats: a StatsPayload
// (datadog-agent pkg/proto datadog/trace/stats.proto) holding one
// ClientStatsPayload per tracer (computed by the tracer, or by the Agent for
// tracers that do not). The Agent encodes it as msgpack, with the field
// names of the generated Go structs, exactly like the ClientStatsPayloads
// tracers send to /v0.6/stats; the protobuf encoding of the same message is
// read too (Content-Type application/x-protobuf).
//
//	StatsPayload:       1 agentHostname, 2 agentEnv, 3 stats, 4 agentVersion,
//	                    5 clientComputed, 6 splitPayload
//	ClientStatsPayload: 1 hostname, 2 env, 3 version, 4 stats, 5 lang,
//	                    6 tracerVersion, 7 runtimeID, 8 sequence,
//	                    9 agentAggregation, 10 service, 11 containerID, 12 tags
//	ClientStatsBucket:  1 start, 2 duration, 3 stats, 4 agentTimeShift
//	ClientGroupedStats: 1 service, 2 name, 3 resource, 4 HTTP_status_code,
//	                    5 type, 6 DB_type, 7 hits, 8 errors, 9 duration,
//	                    10 okSummary, 11 errorSummary, 12 synthetics,
//	                    13 topLevelHits, 15 span_kind, 16 peer_tags,
//	                    17 is_trace_root, 18 GRPC_status_code, 19 HTTP_method,
//	                    20 HTTP_endpoint
//
// Each ClientStatsPayload becomes exactly what /v0.6/stats makes of it; the
// Agent's hostname and env stand in where a tracer's are empty.

// agentStats is a decoded StatsPayload.
type agentStats struct {
	hostname, env string
	clients       []statsPayload
}

// TranslateAgentStats translates an /api/v0.2/stats body (enc is Msgpack,
// as the Agent sends it, or Protobuf). On a decoding error the metrics hold
// the tracer payloads decoded before it.
func TranslateAgentStats(body []byte, enc Encoding, hdr Payload) (pmetric.Metrics, MetricsStats, error) {
	var stats MetricsStats
	var as agentStats
	var err error
	switch enc {
	case Msgpack:
		err = decodeAgentStatsMsgpack(body, &as)
	case Protobuf:
		err = decodeAgentStatsProto(body, &as)
	default:
		err = fmt.Errorf("%w: %s on /api/v0.2/stats", ErrUnsupportedEncoding, enc)
	}
	md := pmetric.NewMetrics()
	for i := range as.clients {
		p := &as.clients[i]
		p.hostname = firstNonEmpty(p.hostname, as.hostname)
		p.env = firstNonEmpty(p.env, as.env)
		appendClientStats(md, p, hdr, &stats)
	}
	stats.Points = md.DataPointCount()
	if err != nil {
		err = fmt.Errorf("agent stats: %w", err)
	}
	return md, stats, err
}

func decodeAgentStatsMsgpack(b []byte, as *agentStats) error {
	n, b, err := readMapHeader(b)
	if err != nil {
		return err
	}
	for range n {
		var k string
		if k, b, err = readStr(b); err != nil {
			return err
		}
		switch k {
		case "AgentHostname":
			as.hostname, b, err = readStr(b)
		case "AgentEnv":
			as.env, b, err = readStr(b)
		case "Stats":
			var nc int
			if nc, b, err = readArrayHeader(b); err != nil {
				return err
			}
			for i := range nc {
				var p statsPayload
				p, b, err = decodeStatsPayload(b)
				as.clients = append(as.clients, p)
				if err != nil {
					return fmt.Errorf("tracer stats %d: %w", i, err)
				}
			}
		default:
			b, err = skip(b)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", k, err)
		}
	}
	return nil
}

func decodeAgentStatsProto(b []byte, as *agentStats) error {
	// The Agent's hostname and env may follow the tracer payloads; they are
	// applied after decoding, so one pass is enough.
	_, err := scanFields(b, func(f protoField) error {
		switch f.num {
		case 1:
			as.hostname = f.view()
		case 2:
			as.env = f.view()
		case 3:
			var p statsPayload
			err := decodeClientStatsProto(f.bytes, &p)
			as.clients = append(as.clients, p)
			if err != nil {
				return fmt.Errorf("tracer stats %d: %w", len(as.clients)-1, err)
			}
		}
		return nil
	})
	return err
}

func decodeClientStatsProto(b []byte, p *statsPayload) error {
	_, err := scanFields(b, func(f protoField) error {
		switch f.num {
		case 1:
			p.hostname = f.view()
		case 2:
			p.env = f.view()
		case 3:
			p.version = f.view()
		case 4:
			var bk statsBucket
			err := decodeStatsBucketProto(f.bytes, &bk)
			p.buckets = append(p.buckets, bk)
			return err
		case 5:
			p.lang = f.view()
		case 6:
			p.tracerVersion = f.view()
		case 7:
			p.runtimeID = f.view()
		case 10:
			p.service = f.view()
		case 11:
			p.containerID = f.view()
		case 12:
			p.tags = append(p.tags, f.view())
		}
		return nil
	})
	return err
}

func decodeStatsBucketProto(b []byte, bk *statsBucket) error {
	_, err := scanFields(b, func(f protoField) error {
		switch f.num {
		case 1:
			bk.start = f.u
		case 2:
			bk.duration = f.u
		case 3:
			var g statsGroup
			if err := decodeStatsGroupProto(f.bytes, &g); err != nil {
				return err
			}
			bk.groups = append(bk.groups, g)
		}
		return nil
	})
	return err
}

func decodeStatsGroupProto(b []byte, g *statsGroup) error {
	_, err := scanFields(b, func(f protoField) error {
		switch f.num {
		case 1:
			g.service = f.view()
		case 2:
			g.name = f.view()
		case 3:
			g.resource = f.view()
		case 4:
			g.httpStatus = uint64(uint32(f.u))
		case 5:
			g.typ = f.view()
		case 6:
			g.dbType = f.view()
		case 7:
			g.hits = f.u
		case 8:
			g.errors = f.u
		case 9:
			g.duration = f.u
		case 10:
			g.okSummary = f.bytes
		case 11:
			g.errorSummary = f.bytes
		case 12:
			g.synthetics = f.u != 0
		case 13:
			g.topLevelHits = f.u
		case 15:
			g.spanKind = f.view()
		case 16:
			g.peerTags = append(g.peerTags, f.view())
		case 17:
			g.isTraceRoot = int64(int32(f.u))
		case 18:
			g.grpcStatus = f.view()
		case 19:
			g.httpMethod = f.view()
		case 20:
			g.httpEndpoint = f.view()
		}
		return nil
	})
	return err
}
