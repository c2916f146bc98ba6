package migrate

import (
	"net"
	"strings"
)

// rule maps one legacy key (normalized: lower case, '.' and '-' as '_', so a flag, its
// environment variable and its YAML key are the same rule).
type rule struct {
	keys  []string
	apply func(c config, s setting, r *Report)
}

// to maps a key to one path, unchanged or converted by conv.
func to(path string, st Status, note string, conv func(string) any) func(config, setting, *Report) {
	return func(c config, s setting, r *Report) {
		var v any = lit(s.value)
		if conv != nil {
			v = conv(s.value)
		}
		c.set(path, v)
		r.add(s.key, s.value, st, path, note)
	}
}

func unmapped(note string) func(config, setting, *Report) {
	return func(_ config, s setting, r *Report) { r.add(s.key, s.value, Unmapped, "", note) }
}

// applyRules runs the rules over settings; keys no rule knows are reported unmapped.
func applyRules(c config, r *Report, settings []setting, rules []rule, unknownNote string) {
	index := map[string]func(config, setting, *Report){}
	for _, ru := range rules {
		for _, k := range ru.keys {
			index[k] = ru.apply
		}
	}
	for _, s := range settings {
		if f, ok := index[s.norm]; ok {
			f(c, s, r)
			continue
		}
		r.add(s.key, s.value, Unmapped, "", unknownNote)
	}
}

// defaultBackend is a placeholder host that says what to put there; validation does not
// resolve it, and $OTLP_BACKEND_ENDPOINT replaces it at start.
const defaultBackend = "otlp-backend:4317"

// backendEndpoint is the OTLP exporter's endpoint: an environment variable with a default,
// so one generated file serves every environment and still validates as it is.
func backendEndpoint(def string) string { return "${env:OTLP_BACKEND_ENDPOINT:-" + def + "}" }

// otlpBackend declares the OTLP exporter every migrated pipeline writes to.
func otlpBackend(c config, def string) {
	if _, ok := c.get("exporters::otlp_grpc::endpoint"); ok {
		return
	}
	c.set("exporters::otlp_grpc::endpoint", backendEndpoint(def))
	if _, ok := c.get("exporters::otlp_grpc::tls"); !ok {
		c.set("exporters::otlp_grpc::tls::insecure", true)
	}
}

// hostPort4317 keeps the host of a legacy collector address and puts OTLP's port on it.
func hostPort4317(v string) string {
	first := strings.TrimSpace(strings.Split(v, ",")[0])
	host, _, err := net.SplitHostPort(first)
	if err != nil || host == "" {
		host = "localhost"
	}
	return net.JoinHostPort(host, "4317")
}

// standardProcessors declares memory_limiter and batch, in the order the pipeline needs them.
func standardProcessors(c config) []string {
	c.set("processors::memory_limiter::check_interval", "1s")
	c.set("processors::memory_limiter::limit_percentage", 80)
	c.set("processors::memory_limiter::spike_limit_percentage", 20)
	c.ensure("processors::batch")
	return []string{"memory_limiter"}
}

// resourceTags turns "k=v,k2=v2" (Jaeger) or ["k:v"] (Datadog) into resource attributes.
func resourceTags(c config, pairs []string, sep string, action string) int {
	n := 0
	for _, p := range pairs {
		k, v, ok := strings.Cut(p, sep)
		if !ok || strings.TrimSpace(k) == "" {
			continue
		}
		c.appendList("processors::resource::attributes", map[string]any{"key": lit(strings.TrimSpace(k)), "value": lit(strings.TrimSpace(v)), "action": action})
		n++
	}
	return n
}

// finish declares the traces pipeline over every receiver declared, with the processors
// that exist, and the service's extensions.
func finish(c config, extraProcessors ...string) {
	procs := standardProcessors(c)
	for _, p := range extraProcessors {
		if _, ok := c.get("processors::" + p); ok {
			procs = append(procs, p)
		}
	}
	if _, ok := c.get("processors::resource"); ok {
		procs = append(procs, "resource")
	}
	procs = append(procs, "batch")
	var recv []string
	for _, name := range c.names("receivers") {
		recv = append(recv, name)
	}
	if len(recv) > 0 {
		c.pipeline("traces", recv, procs, c.names("exporters"))
	}
	if exts := c.names("extensions"); len(exts) > 0 {
		list := make([]any, len(exts))
		for i, e := range exts {
			list[i] = e
		}
		c.set("service::extensions", list)
	}
}

// lit escapes a legacy value for the collector's config, where "${...}" would be expanded
// (Jaeger's own ${VAR:default} syntax included): "$" is written "$$".
func lit(s string) string { return strings.ReplaceAll(s, "$", "$$") }
