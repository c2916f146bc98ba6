package piiredactionprocessor

import (
	"errors"
	"fmt"
	"maps"
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
	Action pii.Action `mapstructure:"action"`
	// Actions overrides Action per detector name, e.g. {credit_card: partial, email: hash}.
	Actions map[string]pii.Action `mapstructure:"actions"`
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
	Action pii.Action `mapstructure:"action"`
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

// supportedActions are the actions a configuration may choose; pii.ActionNone is only
// the "no action of its own" of a custom rule.
var supportedActions = []pii.Action{pii.ActionMask, pii.ActionPartial, pii.ActionHash, pii.ActionDelete, pii.ActionDrop}

// checkAction refuses an action outside supportedActions. Names were checked while the
// configuration was read, so only values set in code fail here.
func checkAction(a pii.Action) error {
	if !slices.Contains(supportedActions, a) {
		return fmt.Errorf("%q is not supported (want %s)", a, pii.ActionChoices)
	}
	return nil
}

// Validate checks what concerns more than one field or list item; custom_rules and skip
// items check themselves (the collector prefixes their errors with their path). Errors
// come in field order.
func (cfg *Config) Validate() error {
	var errs []error
	for i, p := range cfg.Presets {
		if _, ok := pii.PresetDetectors(p); !ok {
			errs = append(errs, fmt.Errorf("presets::%d: unknown preset %q (want one of %v)", i, p, pii.Presets()))
		}
	}
	errs = append(errs, checkDetectorNames("detectors", cfg.Detectors)...)
	errs = append(errs, checkDetectorNames("exclude_detectors", cfg.ExcludeDetectors)...)
	if err := checkAction(cfg.Action); err != nil {
		errs = append(errs, fmt.Errorf("action: %w", err))
	}
	for _, name := range slices.Sorted(maps.Keys(cfg.Actions)) {
		if !pii.IsDetector(name) {
			errs = append(errs, fmt.Errorf("actions: unknown detector %q (want one of %v)", name, pii.Detectors()))
		}
		if err := checkAction(cfg.Actions[name]); err != nil {
			errs = append(errs, fmt.Errorf("actions::%s: %w", name, err))
		}
	}
	if cfg.Mask == "" {
		errs = append(errs, errors.New("mask: must not be empty"))
	}
	if cfg.KeepLast < 0 {
		errs = append(errs, fmt.Errorf("keep_last: must not be negative, got %d", cfg.KeepLast))
	}
	for i, r := range cfg.CustomRules {
		if j := slices.IndexFunc(cfg.CustomRules[:i], func(o CustomRuleConfig) bool { return o.Name == r.Name }); r.Name != "" && j >= 0 {
			errs = append(errs, fmt.Errorf("custom_rules::%d::name: %q is also the name of custom_rules::%d", i, r.Name, j))
		}
	}
	errs = append(errs, checkNotEmpty("allowed_keys", cfg.AllowedKeys)...)
	errs = append(errs, checkNotEmpty("allowed_subtrees", cfg.AllowedSubtrees)...)
	if cfg.HMACKey != "" && cfg.HMACKeyFile != "" {
		errs = append(errs, fmt.Errorf("hmac_key_file: %w", ErrHMACKey))
	}
	if cfg.HMACKey != "" && len(cfg.HMACKey) < minHMACKeyLen {
		errs = append(errs, fmt.Errorf("hmac_key: must be at least %d bytes, got %d", minHMACKeyLen, len(cfg.HMACKey)))
	}
	if cfg.hashes() && cfg.HMACKey == "" && cfg.HMACKeyFile == "" {
		errs = append(errs, fmt.Errorf("hmac_key: %w", ErrHMACKey))
	}
	return errors.Join(errs...)
}

// hashes reports whether any detector or rule uses the hash action, which needs a key.
func (cfg *Config) hashes() bool {
	return cfg.Action == pii.ActionHash ||
		slices.Contains(slices.Collect(maps.Values(cfg.Actions)), pii.ActionHash) ||
		slices.ContainsFunc(cfg.CustomRules, func(r CustomRuleConfig) bool { return r.Action == pii.ActionHash })
}

func checkDetectorNames(field string, names []string) []error {
	var errs []error
	for i, d := range names {
		if !pii.IsDetector(d) {
			errs = append(errs, fmt.Errorf("%s::%d: unknown detector %q (want one of %v)", field, i, d, pii.Detectors()))
		}
	}
	return errs
}

func checkNotEmpty(field string, keys []string) []error {
	var errs []error
	for i, k := range keys {
		if k == "" {
			errs = append(errs, fmt.Errorf("%s::%d: must not be empty", field, i))
		}
	}
	return errs
}

// Validate checks one rule on its own; that names differ between rules is the parent's
// check.
func (r *CustomRuleConfig) Validate() error {
	var errs []error
	switch {
	case r.Name == "":
		errs = append(errs, errors.New("name: must not be empty"))
	case pii.IsDetector(r.Name):
		errs = append(errs, fmt.Errorf("name: %q is the name of a detector", r.Name))
	}
	if r.Pattern == "" {
		errs = append(errs, errors.New("pattern: must not be empty"))
	} else if _, err := regexp.Compile(r.Pattern); err != nil {
		errs = append(errs, fmt.Errorf("pattern: %w", err))
	}
	if r.Validator != "" && !slices.Contains(pii.Validators(), r.Validator) {
		errs = append(errs, fmt.Errorf("validator: unknown validator %q (want one of %v)", r.Validator, pii.Validators()))
	}
	if r.Action != pii.ActionNone {
		if err := checkAction(r.Action); err != nil {
			errs = append(errs, fmt.Errorf("action: %w", err))
		}
	}
	return errors.Join(errs...)
}

// ErrSkipTarget is returned when a skip condition does not name exactly one attribute.
var ErrSkipTarget = errors.New("set exactly one of attribute and resource_attribute")

// Validate checks one skip condition.
func (s *SkipCondition) Validate() error {
	if (s.Attribute == "") == (s.ResourceAttribute == "") {
		return ErrSkipTarget
	}
	return nil
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

// engineConfig turns a validated Config into the detector engine's configuration: the
// actions are already the engine's type, only the key file is read here.
func (cfg *Config) engineConfig() (pii.Config, error) {
	key, err := cfg.hmacKey()
	if err != nil {
		return pii.Config{}, err
	}
	out := pii.Config{
		Presets: cfg.Presets, Include: cfg.Detectors, Exclude: cfg.ExcludeDetectors,
		DefaultAction: cfg.Action, Mask: cfg.Mask, KeepLast: cfg.KeepLast, HMACKey: key,
		Actions: cfg.Actions,
	}
	for _, r := range cfg.CustomRules {
		out.CustomRules = append(out.CustomRules, pii.CustomRule{
			Name: r.Name, Pattern: r.Pattern, Validator: r.Validator, Keywords: r.Keywords, Action: r.Action,
		})
	}
	return out, nil
}
