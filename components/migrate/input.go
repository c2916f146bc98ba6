package migrate

import (
	"bufio"
	"bytes"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// setting is one key of a flat configuration, as written and normalized.
type setting struct {
	key   string // as written: "--collector.zipkin.host-port", "COLLECTOR_ZIPKIN_HOST_PORT"
	norm  string // lower case, '.' and '-' as '_': "collector_zipkin_host_port"
	value string
	file  string
	line  int
}

func normalize(key string) string {
	key = strings.TrimLeft(strings.TrimSpace(key), "-")
	return strings.NewReplacer(".", "_", "-", "_").Replace(strings.ToLower(key))
}

var envLine = regexp.MustCompile(`^(export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$`)

// parseFlat reads command-line flags (one or more per line: --key=value or --key value), an
// environment file (KEY=value, as in docker run --env-file or a compose .env) or a YAML file
// of keys (Jaeger's --config-file; nested maps are joined with dots).
func parseFlat(file string, data []byte) ([]setting, error) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, nil
	}
	first := firstLine(trimmed)
	if !strings.HasPrefix(first, "-") && !envLine.MatchString(first) {
		return parseYAMLFlat(file, data)
	}
	var out []setting
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(sc.Text()), "\\"))
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if m := envLine.FindStringSubmatch(line); m != nil && !strings.HasPrefix(line, "-") {
			out = append(out, setting{key: m[2], norm: normalize(m[2]), value: unquote(m[3]), file: file, line: n})
			continue
		}
		fields := strings.Fields(line)
		for i := 0; i < len(fields); i++ {
			f := fields[i]
			if !strings.HasPrefix(f, "-") {
				return nil, fmt.Errorf("%s:%d: %q is neither --flag, --flag=value nor KEY=value", file, n, f)
			}
			k, v, ok := strings.Cut(f, "=")
			if !ok {
				if i+1 < len(fields) && !strings.HasPrefix(fields[i+1], "-") {
					v = fields[i+1]
					i++
				} else {
					v = "true"
				}
			}
			out = append(out, setting{key: k, norm: normalize(k), value: unquote(v), file: file, line: n})
		}
	}
	return out, sc.Err()
}

func firstLine(b []byte) string {
	for _, l := range strings.Split(string(b), "\n") {
		l = strings.TrimSpace(l)
		if l != "" && !strings.HasPrefix(l, "#") {
			return l
		}
	}
	return ""
}

func unquote(v string) string {
	v = strings.TrimSpace(v)
	if len(v) >= 2 && (v[0] == '"' && v[len(v)-1] == '"' || v[0] == '\'' && v[len(v)-1] == '\'') {
		return v[1 : len(v)-1]
	}
	return v
}

func parseYAMLFlat(file string, data []byte) ([]setting, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s: not flags, KEY=value lines nor a YAML map", file)
	}
	var out []setting
	var walk func(prefix string, n *yaml.Node)
	walk = func(prefix string, n *yaml.Node) {
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			key := k.Value
			if prefix != "" {
				key = prefix + "." + key
			}
			switch v.Kind {
			case yaml.MappingNode:
				walk(key, v)
			case yaml.SequenceNode:
				var items []string
				for _, it := range v.Content {
					items = append(items, it.Value)
				}
				out = append(out, setting{key: key, norm: normalize(key), value: strings.Join(items, ","), file: file, line: k.Line})
			default:
				out = append(out, setting{key: key, norm: normalize(key), value: v.Value, file: file, line: k.Line})
			}
		}
	}
	walk("", root.Content[0])
	sort.SliceStable(out, func(i, j int) bool { return out[i].line < out[j].line })
	return out, nil
}
