package piiredactionprocessor

import (
	"strconv"

	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/otelcol-bridge/otelcol-bridge/components/pii"
)

// keyRename is a map key that must change (or go).
type keyRename struct {
	from, to string
	act      pii.Action
}

// redactKeys scans the keys of m: a card number used as a map key, or a bare token in
// Datadog's ddtags (which becomes a key with an empty value), is stored by every backend.
// pcommon.Map cannot rename a key in place, so when any key matches the map is rebuilt
// (rare; nothing is allocated when no key matches). Redacted keys that collide get a
// numeric suffix so no entry is silently merged into another.
func (r *redactor) redactKeys(m pcommon.Map, st *pii.Stats) pii.Action {
	var renames []keyRename
	worst := pii.ActionNone
	for k := range m.All() {
		if r.keyAllowed(k) || r.subtreeAllowed(k) {
			continue
		}
		out, act := r.engine.Redact(k, st)
		if act == pii.ActionNone {
			continue
		}
		worst = max(worst, act)
		renames = append(renames, keyRename{from: k, to: out, act: act})
	}
	if renames == nil {
		return worst
	}
	rebuilt := pcommon.NewMap()
	rebuilt.EnsureCapacity(m.Len())
	for k, v := range m.All() {
		to, del := k, false
		for _, rn := range renames {
			if rn.from == k {
				to, del = rn.to, rn.act >= pii.ActionDelete
				break
			}
		}
		if del {
			continue
		}
		if _, taken := rebuilt.Get(to); taken {
			base := to
			for n := 2; taken; n++ {
				to = base + "_" + strconv.Itoa(n)
				_, taken = rebuilt.Get(to)
			}
		}
		v.CopyTo(rebuilt.PutEmpty(to))
	}
	rebuilt.MoveTo(m)
	return worst
}
