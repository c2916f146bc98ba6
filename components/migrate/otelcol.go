package migrate

import (
	"fmt"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// renamed lists component types that contrib renamed or removed, with what replaces them.
var renamed = map[string]struct {
	kind, to, note string
	status         Status
}{
	"exporters/logging":         {"exporters", "debug", "the logging exporter was replaced by debug; loglevel becomes verbosity", Approximated},
	"exporters/jaeger":          {"exporters", "otlp_grpc", "the jaeger exporter was removed from contrib; Jaeger (≥1.35 and v2) receives OTLP on 4317", Approximated},
	"exporters/jaeger_thrift":   {"exporters", "otlp_http", "the jaeger_thrift exporter was removed; Jaeger receives OTLP/HTTP on 4318", Approximated},
	"processors/spanmetrics":    {"connectors", "span_metrics", "the spanmetrics processor became a connector: wire it as a traces exporter and a metrics receiver", Unmapped},
	"extensions/memory_ballast": {"", "", "removed from the collector; the memory_limiter processor and GOMEMLIMIT replace it", Mapped},
}

// aliases are types contrib renamed to snake_case; the old names are deprecated aliases
// (or gone), the build's factories know only the new ones.
var aliases = map[string]string{
	"exporters/otlp": "otlp_grpc", "exporters/otlphttp": "otlp_http", "exporters/loadbalancing": "load_balancing",
	"exporters/prometheusremotewrite": "prometheus_remote_write", "receivers/filelog": "file_log",
	"receivers/hostmetrics": "host_metrics", "connectors/spanmetrics": "span_metrics", "connectors/servicegraph": "service_graph",
	"processors/memorylimiter": "memory_limiter", "processors/probabilisticsampler": "probabilistic_sampler",
	"processors/tailsampling": "tail_sampling", "extensions/healthcheck": "health_check", "extensions/filestorage": "file_storage",
}

var sections = []string{"receivers", "processors", "exporters", "extensions", "connectors"}

// otelcolConfig carries a contrib collector config over: renamed components are renamed
// (and their references in pipelines), components absent from this build are removed and
// reported, everything else is kept as written.
func otelcolConfig(c config, r *Report, file string, data []byte, has func(kind, typ string) bool) error {
	var doc map[string]any
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	rename := map[string]string{} // "section/old id" → new id ("" removes it)
	for _, sec := range sections {
		m, _ := doc[sec].(map[string]any)
		ids := make([]string, 0, len(m))
		for id := range m {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		for _, id := range ids {
			body := m[id]
			typ, name, _ := strings.Cut(id, "/")
			key := sec + "::" + id
			if rn, ok := renamed[sec+"/"+typ]; ok {
				if rn.to == "" || rn.status == Unmapped {
					rename[sec+"/"+id] = ""
					r.add(key, "", rn.status, "", rn.note)
					continue
				}
				// The old type becomes the name, so that "jaeger" and an "otlp" already
				// there (now otlp_grpc) do not collide.
				newID := rn.to + "/" + strings.ReplaceAll(id, "/", "_")
				if rn.to == "debug" && name == "" {
					newID = "debug"
				}
				rename[sec+"/"+id] = newID
				c.set(rn.kind+"::"+newID, convertRenamed(sec+"/"+typ, body))
				r.add(key, "", rn.status, rn.kind+"::"+newID, rn.note)
				continue
			}
			if newTyp, ok := aliases[sec+"/"+typ]; ok {
				newID := newTyp
				if name != "" {
					newID += "/" + name
				}
				rename[sec+"/"+id] = newID
				id, typ = newID, newTyp
				key += " → " + newID
			}
			if has != nil && !has(sec, typ) {
				rename[sec+"/"+id] = ""
				r.add(key, "", Unmapped, "", "not in this build (otelcol-bridge components lists what is)")
				continue
			}
			c.set(sec+"::"+id, body)
			note := ""
			if sec == "receivers" && typ == "datadog" {
				note = "contrib's datadog receiver keys (endpoint, read_timeout, trace_id_cache_size) mean the same in the bridge's"
			}
			r.add(key, "", Mapped, sec+"::"+id, note)
		}
	}
	svc, _ := doc["service"].(map[string]any)
	for k, v := range svc {
		switch k {
		case "pipelines":
			pipes, _ := v.(map[string]any)
			for pname, pv := range pipes {
				p, _ := pv.(map[string]any)
				out := map[string]any{}
				for role, lv := range p {
					list, _ := lv.([]any)
					var kept []any
					for _, id := range list {
						s := fmt.Sprint(id)
						// A connector (spanmetrics moved there) can stand where a receiver or an exporter does.
						if to, ok := rename[role+"/"+s]; ok {
							if to == "" {
								continue
							}
							s = to
						}
						kept = append(kept, s)
					}
					if kept != nil {
						out[role] = kept
					}
				}
				if out["receivers"] == nil || out["exporters"] == nil {
					r.add("service::pipelines::"+pname, "", Unmapped, "", "nothing left to receive from or export to once unavailable components were removed")
					continue
				}
				c.set("service::pipelines::"+pname, out)
			}
		case "extensions":
			list, _ := v.([]any)
			var kept []any
			for _, id := range list {
				s := fmt.Sprint(id)
				if to, ok := rename["extensions/"+s]; ok {
					if to == "" {
						continue
					}
					s = to
				}
				kept = append(kept, s)
			}
			c.set("service::extensions", kept)
		default:
			c.set("service::"+k, v)
		}
	}
	for k := range doc {
		if k != "service" && !contains(sections, k) {
			r.add(k, "", Unmapped, "", "not a collector configuration section")
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// convertRenamed adapts the body of a renamed component.
func convertRenamed(from string, body any) any {
	m, _ := body.(map[string]any)
	out := map[string]any{}
	switch from {
	case "exporters/logging":
		if lvl, ok := m["loglevel"]; ok {
			out["verbosity"] = map[string]string{"debug": "detailed", "info": "normal"}[fmt.Sprint(lvl)]
			if out["verbosity"] == "" {
				out["verbosity"] = "basic"
			}
		}
		if v, ok := m["verbosity"]; ok {
			out["verbosity"] = v
		}
	case "exporters/jaeger":
		for k, v := range m {
			out[k] = v
		}
		if ep, ok := m["endpoint"].(string); ok {
			out["endpoint"] = hostPort4317(ep)
		}
	case "exporters/jaeger_thrift":
		if ep, ok := m["endpoint"].(string); ok {
			out["endpoint"] = strings.Replace(strings.TrimSuffix(ep, "/api/traces"), ":14268", ":4318", 1)
		}
	}
	return out
}
