package migrate

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// datadogAgent maps datadog.yaml (the Agent's config template: apm_config, logs_config,
// DogStatsD, tags, env). Keys that concern shipping to Datadog itself are unmapped: the bridge
// sends OTLP to the new backend.
func datadogAgent(c config, r *Report, file string, data []byte) error {
	var doc map[string]any
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	flat := map[string]any{}
	flatten("", doc, flat)
	take := func(key string) (any, bool) {
		v, ok := flat[key]
		delete(flat, key)
		return v, ok
	}
	str := func(v any) string {
		if v == nil {
			return ""
		}
		return fmt.Sprint(v)
	}

	apmOn := true
	if v, ok := take("apm_config.enabled"); ok {
		apmOn, _ = parseBool(str(v))
		r.add("apm_config.enabled", str(v), Mapped, "receivers::datadog", "")
	}
	host := "localhost"
	for _, k := range []string{"apm_config.apm_non_local_traffic", "apm_non_local_traffic"} {
		if v, ok := take(k); ok {
			if on, _ := parseBool(str(v)); on {
				host = "0.0.0.0"
			}
			r.add(k, str(v), Mapped, "receivers::datadog::endpoint", "the host part of the endpoint")
		}
	}
	port := "8126"
	if v, ok := take("apm_config.receiver_port"); ok {
		port = str(v)
		r.add("apm_config.receiver_port", port, Mapped, "receivers::datadog::endpoint", "")
	}
	if apmOn {
		c.set("receivers::datadog::endpoint", host+":"+port)
	}
	if v, ok := take("apm_config.receiver_timeout"); ok {
		c.set("receivers::datadog::read_timeout", str(v)+"s")
		r.add("apm_config.receiver_timeout", str(v), Mapped, "receivers::datadog::read_timeout", "seconds")
	}
	if v, ok := take("apm_config.max_payload_size"); ok {
		c.set("receivers::datadog::max_request_body_size", v)
		r.add("apm_config.max_payload_size", str(v), Mapped, "receivers::datadog::max_request_body_size", "")
	}

	var rootConds []string
	if v, ok := take("apm_config.ignore_resources"); ok {
		for _, re := range toStrings(v) {
			rootConds = append(rootConds, fmt.Sprintf("IsRootSpan() and IsMatch(name, %s)", ottlString(re)))
		}
		r.add("apm_config.ignore_resources", str(v), Approximated, "processors::filter/datadog::traces::span",
			"root spans whose name (the Datadog resource, with the datadog receiver's default span_name) matches are dropped; the Agent dropped the whole trace, here the children stay")
	}
	for _, k := range []string{"apm_config.filter_tags.reject", "apm_config.filter_tags.require"} {
		v, ok := take(k)
		if !ok {
			continue
		}
		for _, kv := range toStrings(v) {
			key, val, hasVal := strings.Cut(kv, ":")
			cond := fmt.Sprintf("attributes[%s] != nil", ottlString(key))
			if hasVal {
				cond = fmt.Sprintf("attributes[%s] == %s", ottlString(key), ottlString(val))
			}
			if strings.HasSuffix(k, "require") {
				cond = "not (" + cond + ")"
			}
			rootConds = append(rootConds, "IsRootSpan() and "+cond)
		}
		r.add(k, str(v), Approximated, "processors::filter/datadog::traces::span",
			"root spans are matched on span attributes (Datadog tags); the Agent dropped the whole trace, here the children stay")
	}
	if len(rootConds) > 0 {
		c.set("processors::filter/datadog::error_mode", "ignore")
		list := make([]any, len(rootConds))
		for i, s := range rootConds {
			list[i] = s
		}
		c.set("processors::filter/datadog::traces::span", list)
	}
	if v, ok := take("apm_config.replace_tags"); ok {
		var stmts []any
		items, _ := v.([]any)
		for _, it := range items {
			m, _ := it.(map[string]any)
			name, pattern, repl := str(m["name"]), str(m["pattern"]), str(m["repl"])
			if pattern == "" {
				continue
			}
			switch name {
			case "*":
				stmts = append(stmts, fmt.Sprintf("replace_all_patterns(attributes, \"value\", %s, %s)", ottlString(pattern), ottlString(repl)))
			case "resource.name":
				stmts = append(stmts, fmt.Sprintf("replace_pattern(name, %s, %s)", ottlString(pattern), ottlString(repl)))
			default:
				stmts = append(stmts, fmt.Sprintf("replace_pattern(attributes[%s], %s, %s)", ottlString(name), ottlString(pattern), ottlString(repl)))
			}
		}
		if len(stmts) > 0 {
			c.set("processors::transform/datadog::error_mode", "ignore")
			c.set("processors::transform/datadog::trace_statements", []any{map[string]any{"context": "span", "statements": stmts}})
		}
		r.add("apm_config.replace_tags", str(v), Mapped, "processors::transform/datadog::trace_statements",
			"one OTTL replace_pattern per rule, on the span attribute of that name (resource.name is the span name, * every attribute)")
	}

	env := ""
	for _, k := range []string{"env", "apm_config.env"} {
		if v, ok := take(k); ok {
			env = str(v)
			r.add(k, env, Mapped, "processors::resource::attributes", "deployment.environment.name, inserted where the tracer did not set it (the Agent's default env)")
		}
	}
	if env != "" {
		c.appendList("processors::resource::attributes", map[string]any{"key": "deployment.environment.name", "value": lit(env), "action": "insert"})
	}
	if v, ok := take("tags"); ok {
		n := resourceTags(c, toStrings(v), ":", "insert")
		r.add("tags", str(v), Approximated, "processors::resource::attributes",
			strconv.Itoa(n)+" host tags become resource attributes of every span (the Agent attached them to its host's data)")
	}
	if v, ok := take("hostname"); ok {
		c.appendList("processors::resource::attributes", map[string]any{"key": "host.name", "value": lit(str(v)), "action": "insert"})
		r.add("hostname", str(v), Approximated, "processors::resource::attributes", "host.name where the tracer did not send one")
	}

	for _, k := range []string{"dogstatsd_port", "dogstatsd_non_local_traffic", "use_dogstatsd", "dogstatsd_socket"} {
		if v, ok := take(k); ok {
			r.add(k, str(v), Unmapped, "", "DogStatsD over UDP has no receiver in this build; the datadog receiver takes DogStatsD lines over HTTP (POST /dogstatsd/v2/proxy) and tracer metrics on 8126; keep the Agent's DogStatsD or move the clients to OTLP metrics")
		}
	}
	var logKeys []string
	for k := range flat {
		if k == "logs_enabled" || strings.HasPrefix(k, "logs_config.") {
			logKeys = append(logKeys, k)
		}
	}
	sort.Strings(logKeys)
	for _, k := range logKeys {
		v, _ := take(k)
		if strings.HasPrefix(k, "logs_config.processing_rules") {
			r.add(k, str(v), Unmapped, "",
				"write mask_sequences rules as log_redaction custom_rules and exclude_at_match as a filter processor condition on the body, in a logs pipeline with the filelog receiver")
			continue
		}
		r.add(k, str(v), Unmapped, "", "the Agent tails files configured per integration (conf.d/*.d/conf.yaml); use the filelog receiver, and the datadog receiver for the Agent's own logs intake")
	}
	for _, k := range []string{"api_key", "site", "dd_url", "apm_config.apm_dd_url", "apm_config.additional_endpoints", "additional_endpoints", "proxy.http", "proxy.https", "proxy.no_proxy"} {
		if v, ok := take(k); ok {
			shown := str(v)
			if k == "api_key" {
				shown = "(redacted)"
			}
			r.add(k, shown, Unmapped, "", "the bridge sends OTLP to the new backend, not to Datadog; keep the Agent for Datadog while dual-writing")
		}
	}
	var rest []string
	for k := range flat {
		rest = append(rest, k)
	}
	sort.Strings(rest)
	for _, k := range rest {
		r.add(k, str(flat[k]), Unmapped, "", "no collector equivalent in this build")
	}
	otlpBackend(c, defaultBackend)
	finish(c, "filter/datadog", "transform/datadog")
	return nil
}

func flatten(prefix string, m map[string]any, out map[string]any) {
	for k, v := range m {
		key := k
		if prefix != "" {
			key = prefix + "." + k
		}
		if sub, ok := v.(map[string]any); ok && len(sub) > 0 && key != "apm_config.filter_tags" {
			flatten(key, sub, out)
			continue
		}
		if sub, ok := v.(map[string]any); ok && key == "apm_config.filter_tags" {
			for kk, vv := range sub {
				out[key+"."+kk] = vv
			}
			continue
		}
		out[key] = v
	}
}

func toStrings(v any) []string {
	switch x := v.(type) {
	case []any:
		var out []string
		for _, e := range x {
			out = append(out, fmt.Sprint(e))
		}
		return out
	case string:
		return splitList(x)
	}
	return nil
}

// ottlString quotes s as an OTTL string literal.
func ottlString(s string) string { return lit(strconv.Quote(s)) }
