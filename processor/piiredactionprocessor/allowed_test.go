package piiredactionprocessor

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/processor/processortest"

	"github.com/otelcol-bridge/otelcol-bridge/components/pii"
	"github.com/otelcol-bridge/otelcol-bridge/processor/piiredactionprocessor/internal/metadata"
)

const testCard = "4111111111111111"

func newTestRedactor(t *testing.T, mod func(*Config)) *redactor {
	t.Helper()
	r, err := newRedactor(processortest.NewNopSettings(metadata.Type), newConfig(mod))
	require.NoError(t, err)
	return r
}

// allowed_keys exempts the key's own value only: what is nested under it is still
// scanned. allowed_subtrees exempts everything under the key.
func TestAllowedKeysExemptOwnValueNotSubtree(t *testing.T) {
	r := newTestRedactor(t, func(c *Config) {
		c.AllowedKeys = []string{"note", "ctx"}
		c.AllowedSubtrees = []string{"audit.raw"}
	})
	m := pcommon.NewMap()
	m.PutStr("note", "card "+testCard)
	ctx := m.PutEmptyMap("ctx")
	ctx.PutStr("detail", "card "+testCard)
	ctx.PutStr("note", "kept "+testCard)
	m.PutEmptySlice("ctx2").AppendEmpty().SetStr(testCard)
	audit := m.PutEmptyMap("audit.raw")
	audit.PutStr("body", "card "+testCard)
	audit.PutStr(testCard, "key kept too")
	st := r.engine.NewStats()
	r.redactAttrs(m, st)

	assert.Equal(t, "card "+testCard, m.AsRaw()["note"])
	assert.Equal(t, map[string]any{"detail": "card ****", "note": "kept " + testCard}, m.AsRaw()["ctx"])
	assert.Equal(t, []any{"****"}, m.AsRaw()["ctx2"])
	assert.Equal(t, map[string]any{"body": "card " + testCard, testCard: "key kept too"}, m.AsRaw()["audit.raw"])
	assert.EqualValues(t, 2, st.Total)
}

// Keys are redacted; keys that collide after redaction are kept apart; a key hit by a
// delete rule removes its entry; a Datadog-style bare tag (key with an empty value) is
// redacted like any key.
func TestMapKeysRedacted(t *testing.T) {
	r := newTestRedactor(t, func(c *Config) { c.Actions = map[string]pii.Action{"github_token": pii.ActionDelete} })
	m := pcommon.NewMap()
	m.PutStr(testCard, "a")
	m.PutStr("5500000000000004", "b")
	m.PutStr("ghp_"+"Zx9qZx9qZx9qZx9qZx9qZx9qZx9qZx9qZx9q", "")
	m.PutStr("env", "prod")
	st := r.engine.NewStats()
	r.redactAttrs(m, st)
	assert.Equal(t, map[string]any{"****": "a", "****_2": "b", "env": "prod"}, m.AsRaw())
	assert.EqualValues(t, 3, st.Total)
}

// Bytes that are UTF-8 are scanned as text and stay bytes; other bytes are left and counted.
func TestBytesValues(t *testing.T) {
	r := newTestRedactor(t, func(*Config) {})
	m := pcommon.NewMap()
	m.PutEmptyBytes("body").FromRaw([]byte("password=hunter2Hunter2 card " + testCard))
	blob := []byte{0xff, 0xd8, 0xff, 0xe0, '4', '1', '1', '1'}
	m.PutEmptyBytes("jpeg").FromRaw(blob)
	st := r.engine.NewStats()
	r.redactAttrs(m, st)
	body, _ := m.Get("body")
	assert.Equal(t, pcommon.ValueTypeBytes, body.Type())
	assert.Equal(t, "password=**** card ****", string(body.Bytes().AsRaw()))
	jpeg, _ := m.Get("jpeg")
	assert.Equal(t, blob, jpeg.Bytes().AsRaw())
	assert.EqualValues(t, 1, st.Skipped)
}
