package piiredactionprocessor

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"

	"github.com/otelcol-bridge/otelcol-bridge/processor/piiredactionprocessor/internal/metadata"
)

func TestEmptyConfigGivesDefaults(t *testing.T) {
	cfg := createDefaultConfig()
	require.NoError(t, confmap.New().Unmarshal(cfg))
	assert.Equal(t, &Config{
		Presets: []string{"secrets"}, Action: "mask", Mask: "****", KeepLast: 4,
		ResourceAttributes: true, ScopeAttributes: true,
	}, cfg)
	assert.NoError(t, confmap.Validate(cfg))
}

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
				Action:  "mask",
				Actions: map[string]string{"credit_card": "partial", "email": "hash", "us_ssn": "drop"},
				Mask:    "[REDACTED]", KeepLast: 4, HMACKeyFile: "testdata/hmac.key",
				CustomRules: []CustomRuleConfig{
					{Name: "employee_id", Pattern: "EMP-[0-9]{6}", Keywords: []string{"EMP-"}, Action: "delete"},
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
		{id: component.NewIDWithName(metadata.Type, "bad_preset"), validateErr: `presets[1]: unknown preset "gdpr"`},
		{id: component.NewIDWithName(metadata.Type, "bad_detector"), validateErr: `detectors[0]: unknown detector "passport"`},
		{id: component.NewIDWithName(metadata.Type, "bad_action"), validateErr: `action: unknown action "shred"`},
		{id: component.NewIDWithName(metadata.Type, "bad_actions_key"), validateErr: `actions: unknown detector "creditcard"`},
		{id: component.NewIDWithName(metadata.Type, "hash_without_key"), validateErr: "hmac_key: the hash action needs exactly one of hmac_key and hmac_key_file"},
		{id: component.NewIDWithName(metadata.Type, "short_key"), validateErr: "hmac_key: must be at least 32 bytes, got 9"},
		{id: component.NewIDWithName(metadata.Type, "bad_pattern"), validateErr: "custom_rules[0].pattern: error parsing regexp"},
		{id: component.NewIDWithName(metadata.Type, "rule_name_taken"), validateErr: `custom_rules[0].name: "email" is already used`},
		{id: component.NewIDWithName(metadata.Type, "bad_validator"), validateErr: `custom_rules[0].validator: unknown validator "mod11"`},
		{id: component.NewIDWithName(metadata.Type, "bad_skip"), validateErr: "skip[0]: set exactly one of attribute and resource_attribute"},
		{id: component.NewIDWithName(metadata.Type, "empty_mask"), validateErr: "mask: must not be empty"},
		{id: component.NewIDWithName(metadata.Type, "typo"), unmarshalErr: "has invalid keys: presest"},
		{id: component.NewIDWithName(metadata.Type, "empty_allowed_subtree"), validateErr: "allowed_subtrees[1]: must not be empty"},
	}
	for _, tt := range tests {
		t.Run(tt.id.String(), func(t *testing.T) {
			cfg := createDefaultConfig()
			sub, err := cm.Sub(tt.id.String())
			require.NoError(t, err)
			err = sub.Unmarshal(cfg)
			if tt.unmarshalErr != "" {
				require.ErrorContains(t, err, tt.unmarshalErr)
				return
			}
			require.NoError(t, err)
			if tt.validateErr != "" {
				require.ErrorContains(t, confmap.Validate(cfg), tt.validateErr)
				return
			}
			require.NoError(t, confmap.Validate(cfg))
			assert.Equal(t, tt.expected, cfg)
		})
	}
}

func TestHMACKeyFile(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	cfg.Action = "hash"
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
