package pii

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// Action says what happens to a match. The numeric order is the severity order: a value
// with several matches reports the most severe action.
type Action uint8

const (
	// ActionNone: nothing matched.
	ActionNone Action = iota
	// ActionMask replaces the match with the mask string.
	ActionMask
	// ActionPartial replaces the match with the mask string followed by its last characters.
	ActionPartial
	// ActionHash replaces the match with "hmac:" and the first 16 bytes (hex) of its
	// HMAC-SHA256, so equal values stay joinable across replicas without being readable.
	ActionHash
	// ActionDelete removes the attribute (or map entry) that holds the match.
	ActionDelete
	// ActionDrop removes the whole log record or span.
	ActionDrop
)

var actionNames = [...]string{"none", "mask", "partial", "hash", "delete", "drop"}

func (a Action) String() string {
	if int(a) < len(actionNames) {
		return actionNames[a]
	}
	return "action(" + strconv.Itoa(int(a)) + ")"
}

// ActionChoices is what a configuration may name, for error messages.
const ActionChoices = "mask, partial, hash, delete or drop"

// ParseAction parses mask, partial, hash, delete or drop.
func ParseAction(s string) (Action, error) {
	for i, n := range actionNames {
		if i > 0 && n == s {
			return Action(i), nil
		}
	}
	return ActionNone, fmt.Errorf("unknown action %q (want %s)", s, ActionChoices)
}

// UnmarshalText lets a configuration hold an Action: it accepts what ParseAction accepts,
// and the empty string as ActionNone (no action of its own) so that MarshalText's output
// reads back.
func (a *Action) UnmarshalText(text []byte) error {
	if len(text) == 0 {
		*a = ActionNone
		return nil
	}
	parsed, err := ParseAction(string(text))
	if err != nil {
		return err
	}
	*a = parsed
	return nil
}

// MarshalText writes the name ParseAction reads; ActionNone is the empty string.
func (a Action) MarshalText() ([]byte, error) {
	switch {
	case a == ActionNone:
		return nil, nil
	case int(a) < len(actionNames):
		return []byte(actionNames[a]), nil
	}
	return nil, fmt.Errorf("unknown action %d", a)
}

// CustomRule is a user-written rule.
type CustomRule struct {
	// Name identifies the rule in telemetry; it must not collide with a detector name.
	Name string
	// Pattern is a Go regular expression. If it has a capture group, only group 1 is redacted.
	Pattern string
	// Validator optionally confirms each match: luhn, card, iban, us_ssn, or a name from
	// Config.Validators. Empty means no validation.
	Validator string
	// Keywords: the regex runs only on strings containing one of them (case-sensitive).
	// Without keywords the regex's literal prefix, if any, is the prefilter.
	Keywords []string
	// Action for matches; ActionNone means Config.DefaultAction.
	Action Action
}

// Config builds an Engine.
type Config struct {
	// Presets are expanded into detectors (pci, secrets, pii, all).
	Presets []string
	// Include adds detectors by name (ipv4 and ipv6 are only available this way).
	Include []string
	// Exclude removes detectors by name after presets and Include.
	Exclude []string
	// DefaultAction applies to detectors without an entry in Actions. Zero means mask.
	DefaultAction Action
	// Actions overrides the action per detector name.
	Actions map[string]Action
	// Mask replaces matches (mask, partial, and delete/drop as a fallback). Empty means "****".
	Mask string
	// KeepLast is how many trailing characters partial keeps (at most a quarter of the match).
	KeepLast int
	// HMACKey is required when any rule hashes.
	HMACKey []byte
	// CustomRules run after the built-in detectors.
	CustomRules []CustomRule
	// Validators adds named validators for custom rules (for programmatic users and tests).
	Validators map[string]func(string) bool
}

// DefaultMask is the mask when Config.Mask is empty.
const DefaultMask = "****"

// Rule describes one active rule; Stats.Hits is indexed like Engine.Rules().
type Rule struct {
	Name   string
	Action Action
	Custom bool
}

// Stats accumulates counts; the caller owns it (one per goroutine) and may reuse it.
type Stats struct {
	// Hits counts matches per rule, indexed like Engine.Rules().
	Hits []uint64
	// Total counts matches of all rules.
	Total uint64
	// Failures counts values that were masked whole because redacting them failed.
	Failures uint64
	// Skipped counts values the caller could not scan as text (bytes that are not UTF-8);
	// the engine never sets it.
	Skipped uint64
}

// Reset zeroes the counters.
func (s *Stats) Reset() {
	clear(s.Hits)
	s.Total, s.Failures, s.Skipped = 0, 0, 0
}

type customRule struct {
	re       *regexp.Regexp
	keywords []string
	prefix   string
	validate func(string) bool
	rule     int
	group    bool
}

// Engine redacts strings. It is immutable after New and safe for concurrent use.
type Engine struct {
	rules  []Rule
	ruleOf [numDetectors]int
	// triggersAt[c] has bit m set when matcher m is armed at byte c (from the triggers
	// table), and escapeBit for '%'; the scan passes over bytes whose entry is 0.
	triggersAt [256]uint32
	mask       string
	keepLast   int
	hmacPool   *sync.Pool
	custom     []customRule
}

var builtinValidators = map[string]func(string) bool{
	"luhn":   func(s string) bool { return withDigits(s, Luhn) },
	"card":   func(s string) bool { return withDigits(s, ValidCard) },
	"us_ssn": func(s string) bool { return withDigits(s, ValidSSN) },
	"iban": func(s string) bool {
		var buf [40]byte
		n := 0
		for i := 0; i < len(s); i++ {
			c := s[i]
			if c == ' ' {
				continue
			}
			if n == len(buf) {
				return false
			}
			if c >= 'a' && c <= 'z' {
				c -= 'a' - 'A'
			}
			buf[n] = c
			n++
		}
		return ValidIBAN(string(buf[:n]))
	},
}

// withDigits runs f on the digits of s (other characters dropped), up to 32 digits.
func withDigits(s string, f func(string) bool) bool {
	var buf [32]byte
	n := 0
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			if n == len(buf) {
				return false
			}
			buf[n] = s[i]
			n++
		}
	}
	return f(string(buf[:n]))
}

// Validators lists the built-in validator names for custom rules.
func Validators() []string { return []string{"card", "iban", "luhn", "us_ssn"} }

// ErrNoHMACKey is returned by New when a rule hashes and no key was given.
var ErrNoHMACKey = errors.New("an HMAC key is required when a rule's action is hash")

// New builds an Engine.
func New(cfg Config) (*Engine, error) {
	on, err := resolveDetectors(cfg.Presets, cfg.Include, cfg.Exclude)
	if err != nil {
		return nil, err
	}
	def := cfg.DefaultAction
	if def == ActionNone {
		def = ActionMask
	}
	for name := range cfg.Actions {
		if !IsDetector(name) {
			return nil, fmt.Errorf("actions: unknown detector %q", name)
		}
	}
	e := &Engine{mask: cfg.Mask, keepLast: cfg.KeepLast}
	if e.mask == "" {
		e.mask = DefaultMask
	}
	hashes := false
	for d := detector(0); d < numDetectors; d++ {
		e.ruleOf[d] = -1
		if !on[d] {
			continue
		}
		act := def
		if a, ok := cfg.Actions[detectorNames[d]]; ok && a != ActionNone {
			act = a
		}
		hashes = hashes || act == ActionHash
		e.ruleOf[d] = len(e.rules)
		e.rules = append(e.rules, Rule{Name: detectorNames[d], Action: act})
	}
	names := map[string]bool{}
	for i, cr := range cfg.CustomRules {
		if cr.Name == "" {
			return nil, fmt.Errorf("custom rule %d: name is empty", i)
		}
		if IsDetector(cr.Name) || names[cr.Name] {
			return nil, fmt.Errorf("custom rule %q: name already used", cr.Name)
		}
		names[cr.Name] = true
		re, err := regexp.Compile(cr.Pattern)
		if err != nil {
			return nil, fmt.Errorf("custom rule %q: pattern: %w", cr.Name, err)
		}
		var validate func(string) bool
		if cr.Validator != "" {
			validate = cfg.Validators[cr.Validator]
			if validate == nil {
				validate = builtinValidators[cr.Validator]
			}
			if validate == nil {
				return nil, fmt.Errorf("custom rule %q: unknown validator %q (want one of %v)", cr.Name, cr.Validator, Validators())
			}
		}
		act := cr.Action
		if act == ActionNone {
			act = def
		}
		hashes = hashes || act == ActionHash
		prefix, _ := re.LiteralPrefix()
		e.custom = append(e.custom, customRule{
			re: re, keywords: cr.Keywords, prefix: prefix, validate: validate,
			rule: len(e.rules), group: re.NumSubexp() > 0,
		})
		e.rules = append(e.rules, Rule{Name: cr.Name, Action: act, Custom: true})
	}
	if hashes {
		if len(cfg.HMACKey) == 0 {
			return nil, ErrNoHMACKey
		}
		key := append([]byte(nil), cfg.HMACKey...)
		e.hmacPool = &sync.Pool{New: func() any { return hmac.New(sha256.New, key) }}
	}
	e.buildTriggers()
	return e, nil
}

// Rules lists the active rules: enabled detectors, then custom rules.
func (e *Engine) Rules() []Rule { return append([]Rule(nil), e.rules...) }

// NewStats returns counters sized for this engine.
func (e *Engine) NewStats() *Stats { return &Stats{Hits: make([]uint64, len(e.rules))} }

// Mask is the configured mask string.
func (e *Engine) Mask() string { return e.mask }

func (e *Engine) on(d detector) bool { return e.ruleOf[d] >= 0 }

func (e *Engine) hit(st *Stats, rule int) {
	if st != nil {
		st.Total++
		if rule < len(st.Hits) {
			st.Hits[rule]++
		}
	}
}

func (e *Engine) failed(st *Stats) {
	if st != nil {
		st.Failures++
	}
}

// Redact returns s with every match replaced and the most severe action of the matches
// (ActionNone when nothing matched, in which case s itself is returned and nothing is
// allocated). Delete and drop matches are masked in the returned string as well, so a
// caller that ignores the action still never passes the raw value on. If redaction fails
// for any reason, the whole value is replaced by the mask (fail closed) and counted in
// st.Failures.
func (e *Engine) Redact(s string, st *Stats) (out string, act Action) {
	defer func() {
		if r := recover(); r != nil {
			out, act = e.mask, ActionMask
			e.failed(st)
		}
	}()
	return e.redact(s, st, nil)
}

// Finding is one match of RedactFindings.
type Finding struct {
	// Rule is the detector or custom rule that matched.
	Rule string
	// Action is the rule's action.
	Action Action
	// Start and End are byte offsets of the match. For built-in detectors they index the
	// input; custom rules run one after another on the output of the built-in pass, so a
	// custom rule's offsets index the text as it was when that rule ran (Custom is true).
	Start, End int
	// Custom marks a custom rule's match.
	Custom bool
}

// RedactFindings is Redact that also lists the matches, in the order they were found. It
// is for callers outside the pipeline (the C ABI library) that report what was masked;
// the pipeline calls Redact, which allocates nothing when nothing matches.
func (e *Engine) RedactFindings(s string, st *Stats) (out string, act Action, findings []Finding) {
	defer func() {
		if r := recover(); r != nil {
			out, act, findings = e.mask, ActionMask, nil
			e.failed(st)
		}
	}()
	fs := []Finding{}
	out, act = e.redact(s, st, &fs)
	return out, act, fs
}

// RedactValue is Redact for the value of an attribute or map entry named key: when key is
// named like a secret (password, api_key, client_secret, ...) and secret_kv (or
// aws_secret_key) is enabled, the whole value is replaced.
func (e *Engine) RedactValue(key, s string, st *Stats) (out string, act Action) {
	defer func() {
		if r := recover(); r != nil {
			out, act = e.mask, ActionMask
			e.failed(st)
		}
	}()
	if rule := e.secretKeyRule(key); rule >= 0 && !skipSecretValue(s, e.mask) {
		e.hit(st, rule)
		return e.replaceWhole(s, rule), e.rules[rule].Action
	}
	return e.redact(s, st, nil)
}

// IsSecretKey reports whether values under key are replaced whole.
func (e *Engine) IsSecretKey(key string) bool { return e.secretKeyRule(key) >= 0 }

func (e *Engine) secretKeyRule(key string) int {
	d, ok := secretKeyKind(key)
	if !ok {
		return -1
	}
	if d == dAWSSecret && !e.on(dAWSSecret) {
		d = dSecretKV
	}
	return e.ruleOf[d]
}

// replaceWhole applies rule's action to the whole value.
func (e *Engine) replaceWhole(val string, rule int) string {
	switch e.rules[rule].Action {
	case ActionPartial, ActionHash:
		return string(e.appendReplacement(nil, val, rule))
	}
	return e.mask
}

func (e *Engine) appendReplacement(dst []byte, match string, rule int) []byte {
	switch e.rules[rule].Action {
	case ActionPartial:
		keep := min(e.keepLast, len(match)/4)
		dst = append(dst, e.mask...)
		return append(dst, match[len(match)-keep:]...)
	case ActionHash:
		h := e.hmacPool.Get().(hash.Hash)
		h.Reset()
		h.Write([]byte(match))
		var sum [sha256.Size]byte
		h.Sum(sum[:0])
		e.hmacPool.Put(h)
		dst = append(dst, "hmac:"...)
		return hex.AppendEncode(dst, sum[:16])
	}
	return append(dst, e.mask...)
}

// redact is the single left-to-right pass over s.
// fs, when not nil, receives every match.
func (e *Engine) redact(s string, st *Stats, fs *[]Finding) (string, Action) {
	var out []byte
	act := ActionNone
	last := 0
	n := len(s)
	// wordStart is where a URL escape ended: "%3DAKIA..." and "%204111..." start a word
	// there although the escape's last hex digit is a word character.
	wordStart := -1
	for i := 0; i < n; {
		c := s[i]
		armed := e.triggersAt[c]
		if armed == 0 {
			i++
			continue
		}
		var m match
		if isWord(c) {
			if i > 0 && isWord(s[i-1]) && i != wordStart {
				i = skipWord(s, i)
				continue
			}
			if m = e.matchAt(s, i, last, armed); m.rule < 0 {
				i = skipWord(s, i)
				continue
			}
		} else {
			if m = e.matchAt(s, i, last, armed); m.rule < 0 {
				if c == '%' && i+2 < n && isHex(s[i+1]) && isHex(s[i+2]) {
					i += 3
					wordStart = i
					continue
				}
				i++
				continue
			}
		}
		start, end, rule := m.start, m.end, m.rule
		if out == nil {
			out = make([]byte, 0, n+len(e.mask))
		}
		out = append(out, s[last:start]...)
		out = e.appendReplacement(out, s[start:end], rule)
		e.hit(st, rule)
		act = max(act, e.rules[rule].Action)
		if fs != nil {
			*fs = append(*fs, Finding{Rule: e.rules[rule].Name, Action: e.rules[rule].Action, Start: start, End: end})
		}
		last, i = end, end
	}
	if out != nil {
		out = append(out, s[last:]...)
		s = string(out)
	}
	if len(e.custom) > 0 {
		var cact Action
		s, cact = e.redactCustom(s, st, fs)
		act = max(act, cact)
	}
	return s, act
}

func (e *Engine) redactCustom(s string, st *Stats, fs *[]Finding) (string, Action) {
	act := ActionNone
	for ci := range e.custom {
		cr := &e.custom[ci]
		if !cr.prefiltered(s) {
			continue
		}
		locs := cr.re.FindAllStringSubmatchIndex(s, -1)
		if locs == nil {
			continue
		}
		var b strings.Builder
		last := 0
		for _, loc := range locs {
			start, end := loc[0], loc[1]
			if cr.group {
				start, end = loc[2], loc[3]
			}
			if start < 0 || end <= start || start < last {
				continue
			}
			if cr.validate != nil && !cr.validate(s[start:end]) {
				continue
			}
			b.WriteString(s[last:start])
			b.Write(e.appendReplacement(nil, s[start:end], cr.rule))
			e.hit(st, cr.rule)
			act = max(act, e.rules[cr.rule].Action)
			if fs != nil {
				r := e.rules[cr.rule]
				*fs = append(*fs, Finding{Rule: r.Name, Action: r.Action, Start: start, End: end, Custom: true})
			}
			last = end
		}
		if last > 0 {
			b.WriteString(s[last:])
			s = b.String()
		}
	}
	return s, act
}

func (cr *customRule) prefiltered(s string) bool {
	if len(cr.keywords) > 0 {
		for _, k := range cr.keywords {
			if strings.Contains(s, k) {
				return true
			}
		}
		return false
	}
	return cr.prefix == "" || strings.Contains(s, cr.prefix)
}
