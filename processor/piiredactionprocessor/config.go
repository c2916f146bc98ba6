package piiredactionprocessor

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/configopaque"

	"github.com/otelcol-bridge/otelcol-bridge/components/pii"
)

// minHMACKeyLen is the shortest HMAC key accepted: SHA-256's block-size guidance says a key
// should be at least as long as the hash output (32 bytes).
const minHMACKeyLen = 32

// Config configures the pii_redaction processor (and its deprecated alias log_redaction).
type Config struct {
	// Presets are named detector sets: pci, secrets, pii, all. Default: [secrets].
	Presets []string `mapstructure:"presets"`
	// Detectors adds detectors by name on top of the presets (ipv4 and ipv6 are only
	// available this way).
	Detectors []string `mapstructure:"detectors"`
	// ExcludeDetectors removes detectors that the presets or Detectors turned on.
	ExcludeDetectors []string `mapstructure:"exclude_detectors"`
	// Action is the default action for detectors: mask, partial, hash, delete or drop.
	Action string `mapstructure:"action"`
	// Actions overrides Action per detector name, e.g. {credit_card: partial, email: hash}.
	Actions map[string]string `mapstructure:"actions"`
	// Mask replaces redacted text (and prefixes what partial keeps).
	Mask string `mapstructure:"mask"`
	// KeepLast is how many trailing characters partial keeps (at most a quarter of the match).
	KeepLast int `mapstructure:"keep_last"`
	// HMACKey is the key for the hash action, e.g. ${env:REDACTION_HMAC_KEY}; at least 32 bytes.
	HMACKey configopaque.String `mapstructure:"hmac_key"`
	// HMACKeyFile is a file holding the key for the hash action (trailing newline ignored),
	// e.g. a mounted Kubernetes secret. Set HMACKey or HMACKeyFile, not both.
	HMACKeyFile string `mapstructure:"hmac_key_file"`
	// CustomRules are user-written regex rules, run after the detectors.
	CustomRules []CustomRuleConfig `mapstructure:"custom_rules"`
	// AllowedKeys are attribute (and body map) keys, at any depth and on every placement
	// (resource and scope included), whose own value is never touched. A map or slice
	// under an allowed key is still scanned: the exemption is for the key's value, not for
	// a subtree that may carry anything.
	AllowedKeys []string `mapstructure:"allowed_keys"`
	// AllowedSubtrees are keys whose value and everything nested under it is never
	// touched. Set it explicitly for the rare map that must pass whole.
	AllowedSubtrees []string `mapstructure:"allowed_subtrees"`
	// ResourceAttributes redacts resource attributes (on by default: backends store and
	// index them). Turn off only with a reason; to exempt single keys use allowed_keys.
	ResourceAttributes bool `mapstructure:"resource_attributes"`
	// ScopeAttributes redacts the instrumentation scope's name and attributes (on by
	// default).
	ScopeAttributes bool `mapstructure:"scope_attributes"`
	// Skip leaves a log record or span untouched when any condition holds.
	Skip []SkipCondition `mapstructure:"skip"`
	// Summary adds the attribute log_redaction.count (number of matches) to each log record
	// or span that had any. Off by default.
	Summary bool `mapstructure:"summary"`
}

// CustomRuleConfig is a user-written rule.
type CustomRuleConfig struct {
	// Name identifies the rule in telemetry; it must differ from the detector names.
	Name string `mapstructure:"name"`
	// Pattern is a Go (RE2) regular expression; with a capture group only group 1 is redacted.
	Pattern string `mapstructure:"pattern"`
	// Validator optionally confirms each match: card, luhn, iban or us_ssn.
	Validator string `mapstructure:"validator"`
	// Keywords: the regex runs only on strings that contain one of them (case-sensitive).
	// Without keywords, the pattern's literal prefix (if any) is the prefilter.
	Keywords []string `mapstructure:"keywords"`
	// Action for this rule; empty means the processor's Action.
	Action string `mapstructure:"action"`
}

// SkipCondition matches when an attribute has exactly the given string value.
// Set exactly one of Attribute (the log record's or span's own attribute) and
// ResourceAttribute.
type SkipCondition struct {
	// Attribute is a log record or span attribute key.
	Attribute string `mapstructure:"attribute"`
	// ResourceAttribute is a resource attribute key; a match skips the whole resource.
	ResourceAttribute string `mapstructure:"resource_attribute"`
	// Equals is the value that makes the condition hold.
	Equals string `mapstructure:"equals"`
}

var _ component.Config = (*Config)(nil)

// ErrHMACKey is returned when a hash action has no usable key.
var ErrHMACKey = errors.New("the hash action needs exactly one of hmac_key and hmac_key_file")

// Validate checks the configuration; errors name the offending field.
func (cfg *Config) Validate() error {
	var errs []error
	for i, p := range cfg.Presets {
		if _, ok := pii.PresetDetectors(p); !ok {
			errs = append(errs, fmt.Errorf("presets[%d]: unknown preset %q (want one of %v)", i, p, pii.Presets()))
		}
	}
	for field, names := range map[string][]string{"detectors": cfg.Detectors, "exclude_detectors": cfg.ExcludeDetectors} {
		for i, d := range names {
			if !pii.IsDetector(d) {
				errs = append(errs, fmt.Errorf("%s[%d]: unknown detector %q (want one of %v)", field, i, d, pii.Detectors()))
			}
		}
	}
	hashes := false
	def, err := pii.ParseAction(cfg.Action)
	if err != nil {
		errs = append(errs, fmt.Errorf("action: %w", err))
	}
	hashes = hashes || def == pii.ActionHash
	for _, name := range sortedKeys(cfg.Actions) {
		if !pii.IsDetector(name) {
			errs = append(errs, fmt.Errorf("actions: unknown detector %q (want one of %v)", name, pii.Detectors()))
		}
		a, err := pii.ParseAction(cfg.Actions[name])
		if err != nil {
			errs = append(errs, fmt.Errorf("actions::%s: %w", name, err))
		}
		hashes = hashes || a == pii.ActionHash
	}
	if cfg.Mask == "" {
		errs = append(errs, errors.New("mask: must not be empty"))
	}
	if cfg.KeepLast < 0 {
		errs = append(errs, fmt.Errorf("keep_last: must not be negative, got %d", cfg.KeepLast))
	}
	names := map[string]bool{}
	for i, r := range cfg.CustomRules {
		field := fmt.Sprintf("custom_rules[%d]", i)
		switch {
		case r.Name == "":
			errs = append(errs, fmt.Errorf("%s.name: must not be empty", field))
		case pii.IsDetector(r.Name) || names[r.Name]:
			errs = append(errs, fmt.Errorf("%s.name: %q is already used by a detector or another rule", field, r.Name))
		}
		names[r.Name] = true
		if r.Pattern == "" {
			errs = append(errs, fmt.Errorf("%s.pattern: must not be empty", field))
		} else if _, err := regexp.Compile(r.Pattern); err != nil {
			errs = append(errs, fmt.Errorf("%s.pattern: %w", field, err))
		}
		if r.Validator != "" && !slices.Contains(pii.Validators(), r.Validator) {
			errs = append(errs, fmt.Errorf("%s.validator: unknown validator %q (want one of %v)", field, r.Validator, pii.Validators()))
		}
		if r.Action != "" {
			a, err := pii.ParseAction(r.Action)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s.action: %w", field, err))
			}
			hashes = hashes || a == pii.ActionHash
		}
	}
	for field, keys := range map[string][]string{"allowed_keys": cfg.AllowedKeys, "allowed_subtrees": cfg.AllowedSubtrees} {
		for i, k := range keys {
			if k == "" {
				errs = append(errs, fmt.Errorf("%s[%d]: must not be empty", field, i))
			}
		}
	}
	for i, s := range cfg.Skip {
		if (s.Attribute == "") == (s.ResourceAttribute == "") {
			errs = append(errs, fmt.Errorf("skip[%d]: set exactly one of attribute and resource_attribute", i))
		}
	}
	if cfg.HMACKey != "" && cfg.HMACKeyFile != "" {
		errs = append(errs, fmt.Errorf("hmac_key_file: %w", ErrHMACKey))
	}
	if cfg.HMACKey != "" && len(cfg.HMACKey) < minHMACKeyLen {
		errs = append(errs, fmt.Errorf("hmac_key: must be at least %d bytes, got %d", minHMACKeyLen, len(cfg.HMACKey)))
	}
	if hashes && cfg.HMACKey == "" && cfg.HMACKeyFile == "" {
		errs = append(errs, fmt.Errorf("hmac_key: %w", ErrHMACKey))
	}
	return errors.Join(errs...)
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// hmacKey returns the configured key, reading hmac_key_file if set.
func (cfg *Config) hmacKey() ([]byte, error) {
	if cfg.HMACKeyFile == "" {
		return []byte(cfg.HMACKey), nil
	}
	raw, err := os.ReadFile(cfg.HMACKeyFile)
	if err != nil {
		return nil, fmt.Errorf("hmac_key_file: %w", err)
	}
	key := strings.TrimRight(string(raw), "\r\n")
	if len(key) < minHMACKeyLen {
		return nil, fmt.Errorf("hmac_key_file: key must be at least %d bytes, got %d", minHMACKeyLen, len(key))
	}
	return []byte(key), nil
}

// engineConfig turns a validated Config into the detector engine's configuration.
func (cfg *Config) engineConfig() (pii.Config, error) {
	key, err := cfg.hmacKey()
	if err != nil {
		return pii.Config{}, err
	}
	def, err := pii.ParseAction(cfg.Action)
	if err != nil {
		return pii.Config{}, fmt.Errorf("action: %w", err)
	}
	out := pii.Config{
		Presets: cfg.Presets, Include: cfg.Detectors, Exclude: cfg.ExcludeDetectors,
		DefaultAction: def, Mask: cfg.Mask, KeepLast: cfg.KeepLast, HMACKey: key,
		Actions: map[string]pii.Action{},
	}
	for name, a := range cfg.Actions {
		if out.Actions[name], err = pii.ParseAction(a); err != nil {
			return pii.Config{}, fmt.Errorf("actions::%s: %w", name, err)
		}
	}
	for _, r := range cfg.CustomRules {
		cr := pii.CustomRule{Name: r.Name, Pattern: r.Pattern, Validator: r.Validator, Keywords: r.Keywords}
		if r.Action != "" {
			if cr.Action, err = pii.ParseAction(r.Action); err != nil {
				return pii.Config{}, fmt.Errorf("custom_rules %q: action: %w", r.Name, err)
			}
		}
		out.CustomRules = append(out.CustomRules, cr)
	}
	return out, nil
}
