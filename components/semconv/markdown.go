package semconv

import (
	"strings"
)

// MarkdownTable renders the mapping table for the documentation (the legacy_normalize
// processor's README is generated from it, so the two never drift).
func MarkdownTable() string {
	var b strings.Builder
	b.WriteString("| legacy attribute | current | where | source | notes |\n")
	b.WriteString("|---|---|---|---|---|\n")
	for _, r := range rules {
		to := make([]string, len(r.To))
		for i, k := range r.To {
			if strings.HasPrefix(k, "(") {
				to[i] = k
			} else {
				to[i] = "`" + k + "`"
			}
		}
		b.WriteString("| `" + r.From + "` | " + strings.Join(to, ", ") + " | " + r.Where.String() + " | " +
			r.Source.String() + " | " + strings.ReplaceAll(r.Note, "|", `\|`) + " |\n")
	}
	b.WriteString("| event name `error` | `exception` | span event | opentracing | replace mode, when one of its fields was converted |\n")
	return b.String()
}
