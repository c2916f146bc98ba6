package migrate

import (
	"sort"
	"strconv"
	"strings"
)

func sortStrings(s []string) { sort.Strings(s) }

func parseBool(v string) (bool, bool) {
	b, err := strconv.ParseBool(strings.TrimSpace(strings.ToLower(v)))
	if err != nil {
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "yes", "on":
			return true, true
		case "no", "off":
			return false, true
		}
		return false, false
	}
	return b, true
}

// splitList splits "a,b c" on commas and spaces.
func splitList(v string) []string {
	return strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\t' })
}
