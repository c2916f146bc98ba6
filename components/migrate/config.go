package migrate

import (
	"strings"
)

// config is the collector configuration being built, as nested maps.
type config map[string]any

// set writes value at path ("receivers::jaeger::protocols::grpc::endpoint"), creating maps.
func (c config) set(path string, value any) {
	parts := strings.Split(path, "::")
	m := map[string]any(c)
	for _, p := range parts[:len(parts)-1] {
		next, ok := m[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[p] = next
		}
		m = next
	}
	m[parts[len(parts)-1]] = value
}

// get reads the value at path.
func (c config) get(path string) (any, bool) {
	parts := strings.Split(path, "::")
	var cur any = map[string]any(c)
	for _, p := range parts {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[p]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// ensure makes sure a component is declared (with its defaults when nothing is set).
func (c config) ensure(path string) {
	if _, ok := c.get(path); !ok {
		c.set(path, map[string]any{})
	}
}

// appendList appends to the list at path.
func (c config) appendList(path string, values ...any) {
	cur, _ := c.get(path)
	list, _ := cur.([]any)
	c.set(path, append(list, values...))
}

// pipeline adds a pipeline with the components it names (declared by the caller).
func (c config) pipeline(name string, receivers, processors, exporters []string) {
	toAny := func(s []string) []any {
		out := make([]any, len(s))
		for i, x := range s {
			out[i] = x
		}
		return out
	}
	p := map[string]any{"receivers": toAny(receivers), "exporters": toAny(exporters)}
	if len(processors) > 0 {
		p["processors"] = toAny(processors)
	}
	c.set("service::pipelines::"+name, p)
}

// names lists the ids declared in a section, sorted.
func (c config) names(section string) []string {
	m, _ := c[section].(map[string]any)
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sortStrings(out)
	return out
}

// listenAddr turns a legacy listen address (":6831", "6831", "0.0.0.0:6831") into the
// collector's host:port; an empty host means every interface, as it did for the legacy
// component.
func listenAddr(v string) string {
	v = strings.TrimSpace(v)
	if !strings.Contains(v, ":") {
		return "0.0.0.0:" + v
	}
	if strings.HasPrefix(v, ":") {
		return "0.0.0.0" + v
	}
	return v
}
