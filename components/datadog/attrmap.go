package datadog

import (
	"go.opentelemetry.io/collector/pdata/pcommon"
)

// bulkAttrs is the attribute count above which maps are built in one pass.
// pcommon.Map's Put* and Get scan the map linearly, so inserting n distinct
// keys one by one costs O(n²): 200,000 tags on one item keep a core busy for
// minutes. Below this count the scan is cheaper than a Go map, and attributes
// keep their arrival (or sorted) order; above it they are deduplicated in a Go
// map first and written with Map.FromRaw, which appends without scanning; the
// order of such large maps is unspecified.
const bulkAttrs = 64

// fromRawMap replaces m's content with raw in one pass (see bulkAttrs).
// Values are what pcommon.Value.FromRaw accepts.
func fromRawMap(m pcommon.Map, raw map[string]any) {
	// FromRaw only fails on value types it does not know; every value built
	// in this package is one it knows.
	_ = m.FromRaw(raw)
}

// attrRaw is a decoded attribute's value as pcommon.Value.FromRaw takes it.
func attrRaw(a *Attr) any {
	switch a.Type {
	case AttrString:
		return a.Str
	case AttrBool:
		return a.Bool
	case AttrDouble:
		return a.Num
	case AttrInt:
		return a.Int
	case AttrBytes, AttrMetaStruct:
		return append([]byte(nil), a.Bytes...)
	case AttrValue:
		return a.Value.AsRaw()
	}
	return nil
}

// multiStrRaw merges tag values into raw as putMultiStr does in a pcommon.Map:
// a repeated key becomes a list of its values.
func multiStrRaw(raw map[string]any, k, v string) {
	prev, ok := raw[k]
	if !ok {
		raw[k] = v
		return
	}
	switch p := prev.(type) {
	case []any:
		raw[k] = append(p, v)
	default:
		first := pcommon.NewValueEmpty()
		_ = first.FromRaw(p)
		raw[k] = []any{first.AsString(), v}
	}
}
