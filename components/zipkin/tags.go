package zipkin

import (
	"strconv"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

// typeOf says how parse_string_tags types a tag value. It answers what
// contrib's regular expressions (^-?\d+$, ^-?\d+\.\d+$, ^(true|false)$) answer,
// without running them.
func typeOf(v string) pcommon.ValueType {
	switch v {
	case "":
		return pcommon.ValueTypeEmpty
	case "true", "false":
		return pcommon.ValueTypeBool
	}
	i := 0
	if v[0] == '-' {
		i = 1
	}
	digits := 0
	for i < len(v) && v[i] >= '0' && v[i] <= '9' {
		i++
		digits++
	}
	if digits == 0 {
		return pcommon.ValueTypeStr
	}
	if i == len(v) {
		return pcommon.ValueTypeInt
	}
	if v[i] != '.' {
		return pcommon.ValueTypeStr
	}
	i++
	frac := 0
	for i < len(v) && v[i] >= '0' && v[i] <= '9' {
		i++
		frac++
	}
	if frac > 0 && i == len(v) {
		return pcommon.ValueTypeDouble
	}
	return pcommon.ValueTypeStr
}

// parseInt keeps strconv's clamped value on overflow, as contrib does (it
// ignores the error).
func parseInt(v string) int64 {
	n, _ := strconv.ParseInt(v, 10, 64)
	return n
}

func parseFloat(v string) float64 {
	f, _ := strconv.ParseFloat(v, 64)
	return f
}
