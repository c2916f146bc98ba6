package pii

import "strings"

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

func (e *Engine) buildTriggers() {
	t := &e.trig
	set := func(chars string) {
		for i := 0; i < len(chars); i++ {
			t[chars[i]] = true
		}
	}
	const digits = "0123456789"
	if e.on(dCard) || e.on(dSSN) || e.on(dPhone) || e.on(dIPv4) || e.on(dIPv6) {
		set(digits)
	}
	if e.on(dIBAN) {
		set("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
	}
	if e.on(dIPv6) {
		set("abcdefABCDEF:")
	}
	if e.on(dAWSKeyID) || e.on(dGCPKey) {
		set("A")
	}
	if e.on(dJWT) {
		set("e")
	}
	if e.on(dGitHub) || e.on(dGitLab) {
		set("g")
	}
	if e.on(dSlack) {
		set("xh")
	}
	if e.on(dStripe) {
		set("srw")
	}
	if e.on(dAuth) {
		set("Bb")
	}
	if e.on(dEmail) {
		set("@")
	}
	if e.on(dSecretKV) || e.on(dAWSSecret) {
		set("=:")
	}
	if e.on(dURLCreds) {
		set(":")
	}
	if e.on(dPhone) {
		set("+(")
	}
	if e.on(dPEM) {
		set("-")
	}
	// A URL escape ("%3D", "%40", "%20") can hide an operator, an '@' or a word boundary:
	// the scanner decodes it in place (see Engine.redact).
	set("%")
}

// matchWordStart tries the detectors that begin at a word boundary with a letter or digit.
func (e *Engine) matchWordStart(s string, i int) (int, int, int) {
	c := s[i]
	if isDigit(c) {
		if end, d := e.matchNumber(s, i); end > 0 {
			return i, end, e.ruleOf[d]
		}
		if e.on(dIPv6) {
			if end := matchIPv6(s, i); end > 0 {
				return i, end, e.ruleOf[dIPv6]
			}
		}
		return 0, 0, -1
	}
	var end int
	var d detector
	switch c {
	case 'A':
		if e.on(dAWSKeyID) {
			if end = matchAWSKeyID(s, i); end > 0 {
				d = dAWSKeyID
				break
			}
		}
		if e.on(dGCPKey) {
			if end = matchGCPKey(s, i); end > 0 {
				d = dGCPKey
			}
		}
	case 'e':
		if e.on(dJWT) {
			if end = matchJWT(s, i); end > 0 {
				d = dJWT
			}
		}
	case 'g':
		if e.on(dGitHub) {
			if end = matchGitHub(s, i); end > 0 {
				d = dGitHub
				break
			}
		}
		if e.on(dGitLab) {
			if end = matchGitLab(s, i); end > 0 {
				d = dGitLab
			}
		}
	case 'x':
		if e.on(dSlack) {
			if end = matchSlack(s, i); end > 0 {
				d = dSlack
			}
		}
	case 'h':
		if e.on(dSlack) {
			if st, en := matchSlackWebhook(s, i); en > 0 {
				return st, en, e.ruleOf[dSlack]
			}
		}
	case 's', 'r', 'w':
		if e.on(dStripe) {
			if end = matchStripe(s, i); end > 0 {
				d = dStripe
			}
		}
	}
	if end == 0 && (c == 'B' || c == 'b') && e.on(dAuth) {
		if st, en := matchAuth(s, i); en > 0 {
			return st, en, e.ruleOf[dAuth]
		}
	}
	if end == 0 && isUpper(c) && e.on(dIBAN) {
		if end = matchIBAN(s, i); end > 0 {
			d = dIBAN
		}
	}
	if end == 0 && isHex(c) && e.on(dIPv6) {
		if end = matchIPv6(s, i); end > 0 {
			d = dIPv6
		}
	}
	if end == 0 {
		return 0, 0, -1
	}
	return i, end, e.ruleOf[d]
}

// matchPunct tries the detectors anchored on punctuation. floor is the end of the previous
// match: look-behind (the local part of an email, the key of key=value) never crosses it.
func (e *Engine) matchPunct(s string, i, floor int) (int, int, int) {
	switch s[i] {
	case '@':
		if e.on(dEmail) {
			if st, en := matchEmail(s, i, floor); en > 0 {
				return st, en, e.ruleOf[dEmail]
			}
		}
	case '%':
		c, ok := percentByte(s, i)
		if !ok {
			break
		}
		if c == '+' && e.on(dPhone) {
			if en := matchE164At(s, i, 3); en > 0 {
				return i, en, e.ruleOf[dPhone]
			}
		}
		if c == '@' && e.on(dEmail) {
			if st, en := matchEmailAt(s, i, 3, floor); en > 0 {
				return st, en, e.ruleOf[dEmail]
			}
		}
		if (c == '=' || c == ':') && (e.on(dSecretKV) || e.on(dAWSSecret)) {
			if st, en, d := matchAssignment(s, i, floor, e.mask); en > 0 {
				r := e.ruleOf[d]
				if r < 0 {
					r = e.ruleOf[dSecretKV]
				}
				if r >= 0 {
					return st, en, r
				}
			}
		}
	case ':', '=':
		if s[i] == ':' && e.on(dURLCreds) && strings.HasPrefix(s[i+1:], "//") {
			if st, en := matchURLCreds(s, i); en > 0 {
				return st, en, e.ruleOf[dURLCreds]
			}
		}
		if e.on(dSecretKV) || e.on(dAWSSecret) {
			if st, en, d := matchAssignment(s, i, floor, e.mask); en > 0 {
				r := e.ruleOf[d]
				if r < 0 {
					r = e.ruleOf[dSecretKV]
				}
				if r >= 0 {
					return st, en, r
				}
			}
		}
		if s[i] == ':' && e.on(dIPv6) && i+1 < len(s) && s[i+1] == ':' && (i == 0 || !isHex(s[i-1]) && s[i-1] != ':') {
			if en := matchIPv6(s, i); en > 0 {
				return i, en, e.ruleOf[dIPv6]
			}
		}
	case '+':
		if e.on(dPhone) {
			if en := matchE164(s, i); en > 0 {
				return i, en, e.ruleOf[dPhone]
			}
		}
	case '(':
		if e.on(dPhone) {
			if en := matchParenPhone(s, i); en > 0 {
				return i, en, e.ruleOf[dPhone]
			}
		}
	case '-':
		if e.on(dPEM) {
			if en := matchPEM(s, i); en > 0 {
				return i, en, e.ruleOf[dPEM]
			}
		}
	}
	return 0, 0, -1
}
