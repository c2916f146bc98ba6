package enumtext

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type color uint8

var colorNames = []string{"", "red", "green", "blue"}

func TestParseAndMarshalRoundTrip(t *testing.T) {
	for i, name := range colorNames {
		c, err := Parse[color]("color", colorNames, []byte(name))
		require.NoError(t, err)
		assert.Equal(t, color(i), c)
		text, err := Marshal("color", colorNames, c)
		require.NoError(t, err)
		assert.Equal(t, name, string(text))
	}
}

func TestErrorsNameTheKindAndTheChoices(t *testing.T) {
	_, err := Parse[color]("color", colorNames, []byte("Red"))
	assert.EqualError(t, err, `unknown color "Red" (want red, green or blue)`)
	_, err = Marshal("color", colorNames, color(4))
	assert.EqualError(t, err, "unknown color 4")
	_, err = Marshal("mode", []string{"a"}, -1)
	assert.EqualError(t, err, "unknown mode -1")
}

func TestChoices(t *testing.T) {
	assert.Equal(t, "", Choices(nil))
	assert.Equal(t, "one", Choices([]string{"", "one"}))
	assert.Equal(t, "one or two", Choices([]string{"one", "two"}))
}
