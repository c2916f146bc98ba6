package pii_test

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-bridge/otelcol-bridge/components/pii"
	"github.com/otelcol-bridge/otelcol-bridge/components/pii/piitest"
)

// TestMatrixForms: every detector's positives, in every key/value form, are redacted by
// an engine with every detector on, as text and as the value of a neutral key.
func TestMatrixForms(t *testing.T) {
	e, err := pii.New(pii.Config{Presets: []string{pii.PresetAll}, Include: []string{pii.DetectorIPv4, pii.DetectorIPv6}})
	require.NoError(t, err)
	for _, s := range piitest.Samples() {
		t.Run(s.Detector+"/"+s.Form, func(t *testing.T) {
			out, act := e.Redact(s.Text, nil)
			assert.NotEqual(t, pii.ActionNone, act)
			assert.NotContains(t, out, s.Needle, "text: %q", s.Text)
			out, _ = e.RedactValue("message", s.Text, nil)
			assert.NotContains(t, out, s.Needle)
		})
	}
}

// TestMatrixNumbers: numbers stored as int and double are redacted, by detector.
func TestMatrixNumbers(t *testing.T) {
	e, err := pii.New(pii.Config{Presets: []string{pii.PresetAll}})
	require.NoError(t, err)
	for _, n := range piitest.Numbers() {
		t.Run(n.Detector+"/"+n.Key, func(t *testing.T) {
			st := e.NewStats()
			out, act, ok := e.RedactInt(n.Key, n.Value, st)
			require.True(t, ok)
			assert.Equal(t, pii.ActionMask, act)
			assert.NotContains(t, out, strconv.FormatInt(n.Value, 10))
			out, _, ok = e.RedactDouble(n.Key, float64(n.Value), st)
			require.True(t, ok)
			assert.NotContains(t, out, strconv.FormatInt(n.Value, 10))
			assert.EqualValues(t, 2, st.Total)
		})
	}
	// SSNs and phone numbers written as numbers need a key that names them: a 9- or
	// 10-digit id, duration or byte count under any other key is left alone.
	for _, key := range []string{"http.response.body.size", "duration_ns", "order.id"} {
		for _, v := range []int64{536221234, 4155552671, 4111111111111112} {
			_, _, ok := e.RedactInt(key, v, nil)
			assert.False(t, ok, "%s=%d", key, v)
			_, _, ok = e.RedactDouble(key, float64(v), nil)
			assert.False(t, ok, "%s=%d", key, v)
		}
	}
	_, _, ok := e.RedactDouble("price", 12.5, nil)
	assert.False(t, ok)
}

// TestIssue15Reports: the exact strings that reached ./data unmasked in issue 15.
func TestIssue15Reports(t *testing.T) {
	e, err := pii.New(pii.Config{Presets: []string{pii.PresetSecrets}})
	require.NoError(t, err)
	aws := "AKIA" + "ZXCVBNMASDFG2345"
	for text, secret := range map[string]string{
		"password\t=hunter2Hunter2":                           "hunter2Hunter2",
		`{"password"=>"hunter2Hunter2"}`:                      "hunter2Hunter2",
		"token%3D" + aws:                                      aws,
		"q=1%26token%3D" + aws + "%26x%3D2":                   aws,
		"id%3D" + aws:                                         aws,
		"login password=hunter2Hunter2 card 4111111111111111": "4111111111111111",
		"GET /v1/cards/4111111111111111/charge":               "4111111111111111",
	} {
		out, _ := e.Redact(text, nil)
		assert.NotContains(t, out, secret, text)
	}
}
