// Package enumtext reads and writes small integer enums by name, so the enums that
// configurations hold (sampling actions, normalization modes and sources) implement
// encoding.TextUnmarshaler and encoding.TextMarshaler the same way, with the same
// messages.
package enumtext // import "github.com/otelcol-bridge/otelcol-bridge/components/internal/enumtext"

import (
	"fmt"
	"slices"
	"strings"
)

// Enum is an enum whose values index a table of names.
type Enum interface{ ~int | ~uint8 }

// Parse returns the value whose name is text. An unknown name is an error naming what
// kind of value was expected and the choices.
func Parse[T Enum](kind string, names []string, text []byte) (T, error) {
	if i := slices.Index(names, string(text)); i >= 0 {
		return T(i), nil
	}
	return 0, fmt.Errorf("unknown %s %q (want %s)", kind, text, Choices(names))
}

// Marshal returns v's name; a value outside the table is an error.
func Marshal[T Enum](kind string, names []string, v T) ([]byte, error) {
	if int(v) < 0 || int(v) >= len(names) {
		return nil, fmt.Errorf("unknown %s %d", kind, int(v))
	}
	return []byte(names[v]), nil
}

// Choices lists the non-empty names for a message: "a, b or c".
func Choices(names []string) string {
	var shown []string
	for _, n := range names {
		if n != "" {
			shown = append(shown, n)
		}
	}
	if len(shown) < 2 {
		return strings.Join(shown, "")
	}
	return strings.Join(shown[:len(shown)-1], ", ") + " or " + shown[len(shown)-1]
}
