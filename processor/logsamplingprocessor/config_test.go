package logsamplingprocessor

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"

	"github.com/otelcol-bridge/otelcol-bridge/components/sampling"
	"github.com/otelcol-bridge/otelcol-bridge/processor/logsamplingprocessor/internal/metadata"
)

func TestEmptyConfigIsTheDefault(t *testing.T) {
	cfg := NewFactory().CreateDefaultConfig()
	require.NoError(t, confmap.New().Unmarshal(cfg))
	assert.Equal(t, &Config{ProtectedSeverity: "WARN", SamplingPrecision: 4}, cfg)
	assert.NoError(t, confmap.Validate(cfg))
}

func ptr[T any](v T) *T { return &v }

func TestLoadConfig(t *testing.T) {
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "config.yaml"))
	require.NoError(t, err)

	cases := []struct {
		id           component.ID
		want         *Config
		wantValidate string
		wantLoad     string
	}{
		{id: component.NewID(metadata.Type), want: createDefaultConfig().(*Config)},
		{id: component.NewIDWithName(metadata.Type, "full"), want: &Config{
			ProtectedSeverity: "ERROR", SamplingPrecision: 6, AdjustedCount: true,
			Rules: []RuleConfig{
				{Name: "health-checks", Match: MatchConfig{Body: "^GET /healthz"}, Action: sampling.ActionDrop},
				{Name: "checkout-keep", Match: MatchConfig{
					ResourceAttributes: map[string]string{"service.name": "checkout"},
					HasTraceID:         ptr(true), TraceSampled: ptr(true),
				}, Action: sampling.ActionKeep},
				{Name: "debug", Match: MatchConfig{Severity: SeverityRangeConfig{Max: "DEBUG"}}, Action: sampling.ActionKeepRatio, Ratio: 0.1},
				{Name: "error-storms", Match: MatchConfig{
					Severity:        SeverityRangeConfig{Min: "ERROR"},
					ScopeAttributes: map[string]string{"lib": "http"},
					Attributes:      map[string]string{"http.status_code": "503"},
				}, Action: sampling.ActionRateLimit, DropProtected: true, RateLimit: RateLimitConfig{
					RecordsPerSecond: 5, Burst: 20, MaxKeys: 500,
					Key: RateLimitKeyConfig{Attributes: []string{"service.name"}, Severity: true, BodyFingerprint: true},
				}},
			},
		}},
		{id: component.NewIDWithName(metadata.Type, "bad_action"), wantLoad: "decoding failed due to the following error(s):\n\n'rules[0].action' unknown action \"sample\" (want keep, keep_ratio, rate_limit or drop)"},
		{id: component.NewIDWithName(metadata.Type, "missing_action"), wantValidate: "rules::0: action: missing (keep, keep_ratio, rate_limit or drop)"},
		{id: component.NewIDWithName(metadata.Type, "bad_ratio"), wantValidate: "rules::0: ratio: must be in (0, 1] for keep_ratio, got 1.5"},
		{id: component.NewIDWithName(metadata.Type, "ratio_on_drop"), wantValidate: "rules::0: ratio: only used by keep_ratio, not drop"},
		{id: component.NewIDWithName(metadata.Type, "bad_rate"), wantValidate: "rules::0: rate_limit::records_per_second: must be positive, got 0"},
		{id: component.NewIDWithName(metadata.Type, "rate_limit_on_keep"), wantValidate: "rules::0: rate_limit: only used by rate_limit, not keep"},
		{id: component.NewIDWithName(metadata.Type, "bad_severity"), wantValidate: `rules::0::match::severity: min: unknown severity "LOUD" (want TRACE, DEBUG, INFO, WARN, ERROR or FATAL, optionally followed by 1-4)`},
		{id: component.NewIDWithName(metadata.Type, "inverted_severity"), wantValidate: "rules::0::match::severity: min ERROR is above max INFO"},
		{id: component.NewIDWithName(metadata.Type, "bad_regex"), wantValidate: "rules::0::match: body: error parsing regexp: missing closing ): `(unclosed`"},
		{id: component.NewIDWithName(metadata.Type, "protected_without_flag"), wantValidate: "rules::0::drop_protected: every severity this rule matches is protected (protected_severity), so rate_limit would never apply; set drop_protected: true to let it drop them"},
		{id: component.NewIDWithName(metadata.Type, "drop_protected_on_keep"), wantValidate: "rules::0: drop_protected: has no effect with action keep"},
		{id: component.NewIDWithName(metadata.Type, "duplicate_names"), wantValidate: `rules::1::name: "a" is also the name of rules::0`},
		{id: component.NewIDWithName(metadata.Type, "bad_protected"), wantValidate: `protected_severity: unknown severity "LOUD" (want TRACE, DEBUG, INFO, WARN, ERROR or FATAL, optionally followed by 1-4)`},
		{id: component.NewIDWithName(metadata.Type, "bad_precision"), wantValidate: "sampling_precision: must be between 1 and 14, got 15"},
		{id: component.NewIDWithName(metadata.Type, "typo"), wantLoad: "decoding failed due to the following error(s):\n\n'rules[0]' has invalid keys: mach"},
		// Every error at once, in the same order each time: the processor's checks across
		// fields and rules first, then each rule's own, depth first.
		{id: component.NewIDWithName(metadata.Type, "many_errors"), wantValidate: strings.Join([]string{
			"sampling_precision: must be between 1 and 14, got 0",
			`rules::1::name: "a" is also the name of rules::0`,
			"rules::1::drop_protected: every severity this rule matches is protected (protected_severity), so drop would never apply; set drop_protected: true to let it drop them",
			"rules::0: ratio: must be in (0, 1] for keep_ratio, got 2",
			"rate_limit: only used by rate_limit, not keep_ratio",
			"rules::0::match: body: error parsing regexp: missing closing ): `(`",
			`rules::0::match::severity: min: unknown severity "LOUD" (want TRACE, DEBUG, INFO, WARN, ERROR or FATAL, optionally followed by 1-4)`,
			"rules::0::rate_limit: burst: must not be negative, got -1",
		}, "\n")},
	}
	for _, tc := range cases {
		t.Run(tc.id.String(), func(t *testing.T) {
			cfg := NewFactory().CreateDefaultConfig()
			sub, err := cm.Sub(tc.id.String())
			require.NoError(t, err)
			err = sub.Unmarshal(cfg)
			if tc.wantLoad != "" {
				require.EqualError(t, err, tc.wantLoad)
				return
			}
			require.NoError(t, err)
			err = confmap.Validate(cfg)
			if tc.wantValidate != "" {
				require.EqualError(t, err, tc.wantValidate)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, cfg)
		})
	}
}

// An action set in code skips the name's parsing: Validate refuses what is not supported.
func TestValidateActionMembership(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	cfg.Rules = []RuleConfig{{Action: sampling.Action(9)}}
	require.EqualError(t, confmap.Validate(cfg), `rules::0: action: "action(9)" is not supported (want keep, keep_ratio, rate_limit or drop)`)
}

// What print-config writes reads back as the same configuration.
func TestConfigRoundTrip(t *testing.T) {
	want := createDefaultConfig().(*Config)
	want.Rules = []RuleConfig{
		{Name: "drop-debug", Action: sampling.ActionDrop, Match: MatchConfig{Severity: SeverityRangeConfig{Max: "DEBUG"}}},
		{Name: "ratio", Action: sampling.ActionKeepRatio, Ratio: 0.25},
	}
	conf := confmap.New()
	require.NoError(t, conf.Marshal(want))
	rules := conf.ToStringMap()["rules"].([]any)
	assert.Equal(t, "drop", rules[0].(map[string]any)["action"])
	assert.Equal(t, "keep_ratio", rules[1].(map[string]any)["action"])
	got := &Config{}
	require.NoError(t, conf.Unmarshal(got))
	assert.Equal(t, want, got)
}
