package piiredactionprocessor

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"

	"github.com/otelcol-bridge/otelcol-bridge/components/pii"
	"github.com/otelcol-bridge/otelcol-bridge/processor/piiredactionprocessor/internal/metadata"
)

func TestEmptyConfigGivesDefaults(t *testing.T) {
	cfg := createDefaultConfig()
	require.NoError(t, confmap.New().Unmarshal(cfg))
	assert.Equal(t, &Config{
		Presets: []string{"secrets"}, Action: pii.ActionMask, Mask: "****", KeepLast: 4,
		ResourceAttributes: true, ScopeAttributes: true,
	}, cfg)
	assert.NoError(t, confmap.Validate(cfg))
}

// decodeErr starts every error of confmap's decoding (an unknown key or enum name).
const decodeErr = "decoding failed due to the following error(s):\n\n"

var detectorList = fmt.Sprint(pii.Detectors())

func TestLoadConfig(t *testing.T) {
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "config.yaml"))
	require.NoError(t, err)

	tests := []struct {
		id           component.ID
		expected     *Config
		validateErr  string
		unmarshalErr string
	}{
		{id: component.NewID(metadata.Type), expected: createDefaultConfig().(*Config)},
		{
			id: component.NewIDWithName(metadata.Type, "full"),
			expected: &Config{
				Presets: []string{"pii", "secrets"}, Detectors: []string{"ipv4"}, ExcludeDetectors: []string{"phone"},
				Action:  pii.ActionMask,
				Actions: map[string]pii.Action{"credit_card": pii.ActionPartial, "email": pii.ActionHash, "us_ssn": pii.ActionDrop},
				Mask:    "[REDACTED]", KeepLast: 4, HMACKeyFile: "testdata/hmac.key",
				CustomRules: []CustomRuleConfig{
					{Name: "employee_id", Pattern: "EMP-[0-9]{6}", Keywords: []string{"EMP-"}, Action: pii.ActionDelete},
					{Name: "loose_card", Pattern: "[0-9]{16}", Validator: "luhn"},
				},
				AllowedKeys:        []string{"trace.note", "http.route"},
				AllowedSubtrees:    []string{"audit.raw"},
				ResourceAttributes: true, ScopeAttributes: true,
				Skip: []SkipCondition{
					{ResourceAttribute: "service.name", Equals: "audit-exporter"},
					{Attribute: "redaction.skip", Equals: "true"},
				},
				Summary: true,
			},
		},
		{id: component.NewIDWithName(metadata.Type, "bad_preset"), validateErr: `presets::1: unknown preset "gdpr" (want one of [pci secrets pii all])`},
		{id: component.NewIDWithName(metadata.Type, "bad_detector"), validateErr: `detectors::0: unknown detector "passport" (want one of ` + detectorList + `)`},
		{id: component.NewIDWithName(metadata.Type, "bad_action"), unmarshalErr: decodeErr + `'action' unknown action "shred" (want mask, partial, hash, delete or drop)`},
		{id: component.NewIDWithName(metadata.Type, "bad_rule_action"), unmarshalErr: decodeErr + `'custom_rules[0].action' unknown action "shred" (want mask, partial, hash, delete or drop)`},
		{id: component.NewIDWithName(metadata.Type, "bad_actions_key"), validateErr: `actions: unknown detector "creditcard" (want one of ` + detectorList + `)`},
		{id: component.NewIDWithName(metadata.Type, "hash_without_key"), validateErr: "hmac_key: the hash action needs exactly one of hmac_key and hmac_key_file"},
		{id: component.NewIDWithName(metadata.Type, "short_key"), validateErr: "hmac_key: must be at least 32 bytes, got 9"},
		{id: component.NewIDWithName(metadata.Type, "bad_pattern"), validateErr: "custom_rules::0: pattern: error parsing regexp: missing closing ]: `[a-z`"},
		{id: component.NewIDWithName(metadata.Type, "rule_name_taken"), validateErr: `custom_rules::0: name: "email" is the name of a detector`},
		{id: component.NewIDWithName(metadata.Type, "duplicate_rule_names"), validateErr: `custom_rules::1::name: "acct" is also the name of custom_rules::0`},
		{id: component.NewIDWithName(metadata.Type, "bad_validator"), validateErr: `custom_rules::0: validator: unknown validator "mod11" (want one of [card iban luhn us_ssn])`},
		{id: component.NewIDWithName(metadata.Type, "bad_skip"), validateErr: "skip::0: set exactly one of attribute and resource_attribute"},
		{id: component.NewIDWithName(metadata.Type, "empty_mask"), validateErr: "mask: must not be empty"},
		{id: component.NewIDWithName(metadata.Type, "typo"), unmarshalErr: decodeErr + "'piiredactionprocessor.Config' has invalid keys: presest"},
		{id: component.NewIDWithName(metadata.Type, "empty_allowed_subtree"), validateErr: "allowed_subtrees::1: must not be empty"},
		// Every error at once, in the same order each time: the parent's checks in field
		// order (map keys sorted), then each list item's own.
		{id: component.NewIDWithName(metadata.Type, "many_errors"), validateErr: strings.Join([]string{
			`presets::0: unknown preset "gdpr" (want one of [pci secrets pii all])`,
			`detectors::0: unknown detector "passport" (want one of ` + detectorList + `)`,
			`exclude_detectors::0: unknown detector "visa" (want one of ` + detectorList + `)`,
			`actions: unknown detector "aaa" (want one of ` + detectorList + `)`,
			`actions: unknown detector "zzz" (want one of ` + detectorList + `)`,
			"keep_last: must not be negative, got -1",
			"custom_rules::0: name: must not be empty",
			"pattern: must not be empty",
			`custom_rules::1: name: "email" is the name of a detector`,
			`validator: unknown validator "mod11" (want one of [card iban luhn us_ssn])`,
			"skip::0: set exactly one of attribute and resource_attribute",
		}, "\n")},
	}
	for _, tt := range tests {
		t.Run(tt.id.String(), func(t *testing.T) {
			cfg := createDefaultConfig()
			sub, err := cm.Sub(tt.id.String())
			require.NoError(t, err)
			err = sub.Unmarshal(cfg)
			if tt.unmarshalErr != "" {
				require.EqualError(t, err, tt.unmarshalErr)
				return
			}
			require.NoError(t, err)
			if tt.validateErr != "" {
				require.EqualError(t, confmap.Validate(cfg), tt.validateErr)
				return
			}
			require.NoError(t, confmap.Validate(cfg))
			assert.Equal(t, tt.expected, cfg)
		})
	}
}

func TestHMACKeyFile(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	cfg.Action = pii.ActionHash
	cfg.HMACKeyFile = filepath.Join("testdata", "hmac.key")
	require.NoError(t, confmap.Validate(cfg))
	key, err := cfg.hmacKey()
	require.NoError(t, err)
	assert.Equal(t, "this-file-key-is-at-least-32-bytes-long!!", string(key), "trailing newline dropped")

	cfg.HMACKeyFile = filepath.Join("testdata", "missing.key")
	_, err = cfg.engineConfig()
	assert.ErrorContains(t, err, "hmac_key_file:")

	cfg.HMACKey = "0123456789abcdef0123456789abcdef"
	assert.ErrorContains(t, confmap.Validate(cfg), "hmac_key_file: the hash action needs exactly one")
}

// Actions set in code skip the names' parsing: Validate refuses what is not supported. No
// action of its own is allowed for a custom rule only.
func TestValidateActionMembership(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	cfg.Action = pii.ActionNone
	cfg.Actions = map[string]pii.Action{"email": pii.Action(9)}
	cfg.CustomRules = []CustomRuleConfig{{Name: "a", Pattern: "a"}, {Name: "b", Pattern: "b", Action: pii.Action(7)}}
	require.EqualError(t, confmap.Validate(cfg), strings.Join([]string{
		`action: "none" is not supported (want mask, partial, hash, delete or drop)`,
		`actions::email: "action(9)" is not supported (want mask, partial, hash, delete or drop)`,
		`custom_rules::1: action: "action(7)" is not supported (want mask, partial, hash, delete or drop)`,
	}, "\n"))
}

// What print-config writes reads back as the same configuration, a custom rule without
// an action of its own included.
func TestConfigRoundTrip(t *testing.T) {
	want := createDefaultConfig().(*Config)
	want.Action = pii.ActionPartial
	want.Actions = map[string]pii.Action{"email": pii.ActionHash}
	want.CustomRules = []CustomRuleConfig{{Name: "a", Pattern: "a"}, {Name: "b", Pattern: "b", Action: pii.ActionDrop}}
	conf := confmap.New()
	require.NoError(t, conf.Marshal(want))
	m := conf.ToStringMap()
	assert.Equal(t, "partial", m["action"])
	assert.Equal(t, map[string]any{"email": "hash"}, m["actions"])
	got := &Config{}
	require.NoError(t, conf.Unmarshal(got))
	assert.Equal(t, configopaque.String("[REDACTED]"), got.HMACKey, "print-config never shows the key")
	got.HMACKey = want.HMACKey
	assert.Equal(t, want, got)
}
