package sampling

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"
)

func TestParseSeverity(t *testing.T) {
	cases := []struct {
		in        string
		low, top  plog.SeverityNumber
		wantError bool
	}{
		{in: "TRACE", low: 1, top: 4},
		{in: "debug", low: 5, top: 8},
		{in: "Info", low: 9, top: 12},
		{in: "WARN", low: 13, top: 16},
		{in: "ERROR", low: 17, top: 20},
		{in: "FATAL", low: 21, top: 24},
		{in: "WARN3", low: 15, top: 15},
		{in: "fatal4", low: 24, top: 24},
		{in: " error ", low: 17, top: 20},
		{in: "WARNING", wantError: true},
		{in: "INFO5", wantError: true},
		{in: "", wantError: true},
		{in: "9", wantError: true},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			low, top, err := ParseSeverity(tc.in)
			if tc.wantError {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.low, low)
			assert.Equal(t, tc.top, top)
		})
	}
}

func TestEffectiveSeverity(t *testing.T) {
	cases := []struct {
		name string
		num  plog.SeverityNumber
		text string
		want plog.SeverityNumber
	}{
		{"number wins over text", plog.SeverityNumberDebug2, "ERROR", plog.SeverityNumberDebug2},
		{"text when number unspecified", 0, "warning", plog.SeverityNumberWarn},
		{"syslog crit", 0, "CRIT", plog.SeverityNumberFatal},
		{"err", 0, "err", plog.SeverityNumberError},
		{"unknown text", 0, "verbose", 0},
		{"long text", 0, "a very long severity text", 0},
		{"nothing", 0, "", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			lr := plog.NewLogRecord()
			lr.SetSeverityNumber(tc.num)
			lr.SetSeverityText(tc.text)
			assert.Equal(t, tc.want, EffectiveSeverity(lr))
		})
	}
}
