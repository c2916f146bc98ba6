package pii

import (
	"math/bits"
	"slices"
	"strings"
)

// Byte classes. Everything here is ASCII: multi-byte UTF-8 sequences never contain bytes
// below 0x80, so they are never mistaken for the start of a match.

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }
func isLower(c byte) bool { return c >= 'a' && c <= 'z' }
func isAlpha(c byte) bool { return isUpper(c) || isLower(c) }
func isAlnum(c byte) bool { return isAlpha(c) || isDigit(c) }
func isWord(c byte) bool  { return isAlnum(c) || c == '_' }
func isHex(c byte) bool   { return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

// isTokenByte: characters of API tokens (base64url plus '_').
func isTokenByte(c byte) bool { return isWord(c) || c == '-' }

func skipWord(s string, i int) int {
	for i < len(s) && isWord(s[i]) {
		i++
	}
	return i
}

// runOf returns the end of the run of bytes satisfying f from i.
func runOf(s string, i int, f func(byte) bool) int {
	for i < len(s) && f(s[i]) {
		i++
	}
	return i
}

// wordEnd: a match ending at j must not be glued to a following word character.
func wordEnd(s string, j int) bool { return j >= len(s) || !isWord(s[j]) }

// match is what the scanner found at one position: s[start:end] is redacted by
// e.rules[rule]. rule is -1 when nothing matched.
type match struct {
	start, end int
	rule       int
}

// matcher names the hand-written matcher a trigger runs. Where several are armed at one
// byte they are tried in this order. matchAt dispatches with a switch of direct calls over
// a per-byte bit set rather than through function values or a list: it runs at every
// trigger byte, where either measurably slows the scan.
type matcher uint8

const (
	matchesNumber matcher = iota // card, SSN, phone, IPv4: the longest wins
	matchesAWSKeyID
	matchesGCPKey
	matchesJWT
	matchesGitHub
	matchesGitLab
	matchesSlack
	matchesSlackWebhook
	matchesStripe
	matchesAuth
	matchesIBAN
	matchesIPv6
	matchesEmail
	matchesURLCreds
	matchesAssignment
	matchesIPv6Compressed
	matchesE164
	matchesParenPhone
	matchesPEM
	matchesEscapedE164
	matchesEscapedEmail
	matchesEscapedAssignment

	numMatchers
)

// escapeBit, in the per-byte bit set (Engine.triggersAt), stops the scan at '%' whatever
// the detectors: a URL escape ("%3D", "%40", "%20") can hide a word boundary, and the
// scanner decodes it in place (see Engine.redact). The bits below it are the matchers.
const escapeBit = 1 << 31

const _ = uint(31 - numMatchers) // every matcher has a bit below escapeBit

// trigger is one way a detector's match is found: the bytes it begins at (or, for '@',
// '=' and ':', is anchored on) and the matcher to run there.
type trigger struct {
	// detectors: the trigger is armed when any of them is on. A match is the first
	// one's unless the matcher reports another (numbers, assignments).
	detectors []detector
	bytes     string
	matcher   matcher
}

const (
	digits     = "0123456789"
	upper      = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	hexLetters = "abcdefABCDEF"
)

// triggers is the one byte -> detector table: the engine's trigger bytes and the matchers
// tried at each byte both come from it.
var triggers = []trigger{
	// Word starts (a letter or digit at a word boundary).
	{[]detector{dCard, dSSN, dPhone, dIPv4}, digits, matchesNumber},
	{[]detector{dAWSKeyID}, "A", matchesAWSKeyID},
	{[]detector{dGCPKey}, "A", matchesGCPKey},
	{[]detector{dJWT}, "e", matchesJWT},
	{[]detector{dGitHub}, "g", matchesGitHub},
	{[]detector{dGitLab}, "g", matchesGitLab},
	{[]detector{dSlack}, "x", matchesSlack},
	{[]detector{dSlack}, "h", matchesSlackWebhook},
	{[]detector{dStripe}, "srw", matchesStripe},
	{[]detector{dAuth}, "Bb", matchesAuth},
	{[]detector{dIBAN}, upper, matchesIBAN},
	{[]detector{dIPv6}, digits + hexLetters, matchesIPv6},
	// Punctuation.
	{[]detector{dEmail}, "@", matchesEmail},
	{[]detector{dURLCreds}, ":", matchesURLCreds},
	{[]detector{dSecretKV, dAWSSecret}, "=:", matchesAssignment},
	{[]detector{dIPv6}, ":", matchesIPv6Compressed},
	{[]detector{dPhone}, "+", matchesE164},
	{[]detector{dPhone}, "(", matchesParenPhone},
	{[]detector{dPEM}, "-", matchesPEM},
	// A URL escape ("%2B", "%40", "%3D") can hide a '+', an '@' or an operator.
	{[]detector{dPhone}, "%", matchesEscapedE164},
	{[]detector{dEmail}, "%", matchesEscapedEmail},
	{[]detector{dSecretKV, dAWSSecret}, "%", matchesEscapedAssignment},
}

// matcherDetector is the detector a match of each matcher belongs to, unless the matcher
// reports one (numbers, assignments). It has a slot per bit of Engine.triggersAt.
var matcherDetector = func() (out [32]detector) {
	for _, t := range triggers {
		out[t.matcher] = t.detectors[0]
	}
	return out
}()

// buildTriggers arms the triggers of the enabled detectors.
func (e *Engine) buildTriggers() {
	for _, t := range triggers {
		if !slices.ContainsFunc(t.detectors, e.on) {
			continue
		}
		for i := 0; i < len(t.bytes); i++ {
			e.triggersAt[t.bytes[i]] |= 1 << t.matcher
		}
	}
	e.triggersAt['%'] |= escapeBit
}

// matchAt runs the matchers armed for s[i] (armed is e.triggersAt[s[i]]), in matcher
// order, and returns the first match
// (rule -1 when there is none). Numbers and assignments report their detector; both only
// report enabled ones. floor is the end of the previous match, which look-behind (the
// local part of an email, the key of key=value) never crosses.
func (e *Engine) matchAt(s string, i, floor int, armed uint32) match {
	for armed &^= escapeBit; armed != 0; armed &= armed - 1 {
		m := matcher(bits.TrailingZeros32(armed))
		start, end := i, 0
		switch m {
		case matchesNumber:
			if st, en, d := e.matchNumber(s, i); en > 0 {
				return match{start: st, end: en, rule: e.ruleOf[d]}
			}
		case matchesAWSKeyID:
			end = matchAWSKeyID(s, i)
		case matchesGCPKey:
			end = matchGCPKey(s, i)
		case matchesJWT:
			end = matchJWT(s, i)
		case matchesGitHub:
			end = matchGitHub(s, i)
		case matchesGitLab:
			end = matchGitLab(s, i)
		case matchesSlack:
			end = matchSlack(s, i)
		case matchesSlackWebhook:
			start, end = matchSlackWebhook(s, i)
		case matchesStripe:
			end = matchStripe(s, i)
		case matchesAuth:
			start, end = matchAuth(s, i)
		case matchesIBAN:
			end = matchIBAN(s, i)
		case matchesIPv6:
			end = matchIPv6(s, i)
		case matchesEmail:
			start, end = matchEmail(s, i, floor)
		case matchesURLCreds:
			if strings.HasPrefix(s[i+1:], "//") {
				start, end = matchURLCreds(s, i)
			}
		case matchesAssignment, matchesEscapedAssignment:
			if m == matchesEscapedAssignment {
				if c, ok := percentByte(s, i); !ok || c != '=' && c != ':' {
					continue
				}
			}
			// A value that looks like an AWS secret key counts as secret_kv when
			// aws_secret_key is off.
			st, en, d := matchAssignment(s, i, floor, e.mask)
			if !e.on(d) {
				d = dSecretKV
			}
			if en > 0 && e.on(d) {
				return match{start: st, end: en, rule: e.ruleOf[d]}
			}
		case matchesIPv6Compressed:
			// "::1", "::ffff:...": an address that starts with the compression. A colon
			// inside an address was passed over with it.
			if i+1 < len(s) && s[i+1] == ':' && (i == 0 || !isHex(s[i-1]) && s[i-1] != ':') {
				end = matchIPv6(s, i)
			}
		case matchesE164:
			end = matchE164(s, i)
		case matchesParenPhone:
			end = matchParenPhone(s, i)
		case matchesPEM:
			end = matchPEM(s, i)
		case matchesEscapedE164:
			if c, ok := percentByte(s, i); ok && c == '+' {
				end = matchE164At(s, i, 3)
			}
		case matchesEscapedEmail:
			if c, ok := percentByte(s, i); ok && c == '@' {
				start, end = matchEmailAt(s, i, 3, floor)
			}
		}
		if end > 0 {
			return match{start: start, end: end, rule: e.ruleOf[matcherDetector[m&31]]}
		}
	}
	return match{rule: -1}
}
