package pii

import "strings"

// Token detectors: vendor API keys, JWTs, private key blocks, Authorization values, IBANs.
// Each one starts with a literal prefix, so it runs only where that prefix is.

var awsKeyPrefixes = [...]string{"AKIA", "ASIA", "ABIA", "ACCA", "AGPA", "AIDA", "AROA", "AIPA", "ANPA", "ANVA", "APKA"}

// matchAWSKeyID: a 4-letter IAM prefix and 16 upper-case base32 characters.
func matchAWSKeyID(s string, i int) int {
	if i+20 > len(s) {
		return 0
	}
	ok := false
	for _, p := range awsKeyPrefixes {
		if s[i:i+4] == p {
			ok = true
			break
		}
	}
	if !ok {
		return 0
	}
	for k := i + 4; k < i+20; k++ {
		if !isUpper(s[k]) && !isDigit(s[k]) {
			return 0
		}
	}
	if !wordEnd(s, i+20) {
		return 0
	}
	return i + 20
}

// matchGCPKey: "AIza" and 35 base64url characters.
func matchGCPKey(s string, i int) int {
	if !strings.HasPrefix(s[i:], "AIza") {
		return 0
	}
	j := runOf(s, i+4, isTokenByte)
	if j-(i+4) != 35 {
		return 0
	}
	return j
}

func isB64URL(c byte) bool { return isAlnum(c) || c == '-' || c == '_' }

// matchJWT: three base64url segments separated by dots, the header a JSON object ("eyJ" is
// the encoding of `{"`). The signature may be empty (unsigned tokens).
func matchJWT(s string, i int) int {
	if !strings.HasPrefix(s[i:], "eyJ") {
		return 0
	}
	j := runOf(s, i, isB64URL)
	if j-i < 10 || j >= len(s) || s[j] != '.' {
		return 0
	}
	k := runOf(s, j+1, isB64URL)
	if k-(j+1) < 10 || k >= len(s) || s[k] != '.' {
		return 0
	}
	end := runOf(s, k+1, isB64URL)
	// A '.' that ends a sentence ("... token eyJ...xyz.") is punctuation, not a fourth
	// segment: only a dot followed by more base64url continues the token.
	if end < len(s) && (isWord(s[end]) || s[end] == '.' && end+1 < len(s) && isB64URL(s[end+1])) {
		return 0
	}
	return end
}

// matchGitHub: classic prefixed tokens (ghp_, gho_, ghu_, ghs_, ghr_ + 36+ alphanumerics)
// and fine-grained tokens (github_pat_ + 22+ characters).
func matchGitHub(s string, i int) int {
	if strings.HasPrefix(s[i:], "github_pat_") {
		j := runOf(s, i+11, isWord)
		if j-(i+11) >= 22 {
			return j
		}
		return 0
	}
	if i+4 > len(s) || s[i+1] != 'h' || s[i+3] != '_' || strings.IndexByte("pousr", s[i+2]) < 0 {
		return 0
	}
	j := runOf(s, i+4, isAlnum)
	if j-(i+4) < 36 || !wordEnd(s, j) {
		return 0
	}
	return j
}

var gitlabPrefixes = [...]string{"glpat-", "gldt-", "glrt-", "glcbt-", "glptt-", "glft-", "glimt-", "glagent-", "glsoat-", "gloas-", "glffct-", "glwt-"}

// matchGitLab: GitLab's prefixed tokens and 20+ characters.
func matchGitLab(s string, i int) int {
	if i+2 > len(s) || s[i+1] != 'l' {
		return 0
	}
	for _, p := range gitlabPrefixes {
		if strings.HasPrefix(s[i:], p) {
			j := runOf(s, i+len(p), func(c byte) bool { return isTokenByte(c) || c == '.' })
			for j > i+len(p) && s[j-1] == '.' {
				j--
			}
			if j-(i+len(p)) >= 20 {
				return j
			}
			return 0
		}
	}
	return 0
}

// matchSlack: xoxb-/xoxp-/xoxa-/xoxo-/xoxs-/xoxr-/xoxe- tokens and xapp- app tokens.
func matchSlack(s string, i int) int {
	var body int
	switch {
	case strings.HasPrefix(s[i:], "xapp-"):
		body = i + 5
	case strings.HasPrefix(s[i:], "xox") && i+4 < len(s) && strings.IndexByte("abposre", s[i+3]) >= 0 && s[i+4] == '-':
		body = i + 5
	default:
		return 0
	}
	j := runOf(s, body, func(c byte) bool { return isAlnum(c) || c == '-' })
	if j-body < 10 || !wordEnd(s, j) {
		return 0
	}
	return j
}

// matchSlackWebhook masks the secret path of an incoming-webhook URL.
func matchSlackWebhook(s string, i int) (int, int) {
	const host = "hooks.slack.com/services/"
	if !strings.HasPrefix(s[i:], host) {
		return 0, 0
	}
	start := i + len(host)
	j := runOf(s, start, func(c byte) bool { return isAlnum(c) || c == '/' })
	if j-start < 10 {
		return 0, 0
	}
	return start, j
}

// matchStripe: secret and restricted keys (sk_/rk_ live/test) and webhook secrets (whsec_).
// Publishable keys (pk_) are public by design and left alone.
func matchStripe(s string, i int) int {
	body, minLen := 0, 10
	rest := s[i:]
	switch {
	case strings.HasPrefix(rest, "sk_live_"), strings.HasPrefix(rest, "rk_live_"), strings.HasPrefix(rest, "sk_test_"), strings.HasPrefix(rest, "rk_test_"):
		body = i + 8
	case strings.HasPrefix(rest, "whsec_"):
		body, minLen = i+6, 20
	default:
		return 0
	}
	j := runOf(s, body, isAlnum)
	if j-body < minLen || !wordEnd(s, j) {
		return 0
	}
	return j
}

// hasPrefixFold is strings.HasPrefix ignoring ASCII case (prefix given in lower case).
func hasPrefixFold(s, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for k := 0; k < len(prefix); k++ {
		c := s[k]
		if isUpper(c) {
			c += 'a' - 'A'
		}
		if c != prefix[k] {
			return false
		}
	}
	return true
}

func isToken68(c byte) bool {
	return isAlnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/' || c == '='
}

// matchAuth finds the credentials of "Bearer <token>" and "Basic <base64 user:pass>"
// (any case). The scheme stays; only the credentials are redacted. A bearer token must look
// like a token (8+ characters with a digit or punctuation, or 20+ characters), and a basic
// credential must decode to something with a colon, so prose like "basic usage" is left alone.
func matchAuth(s string, i int) (int, int) {
	basic := hasPrefixFold(s[i:], "basic")
	if !basic && !hasPrefixFold(s[i:], "bearer") {
		return 0, 0
	}
	j := i + 6
	if basic {
		j = i + 5
	}
	if j >= len(s) || s[j] != ' ' {
		return 0, 0
	}
	start := runOf(s, j, func(c byte) bool { return c == ' ' })
	end := runOf(s, start, isToken68)
	tok := s[start:end]
	if len(tok) < 8 {
		return 0, 0
	}
	if basic {
		if !base64HasColon(tok) {
			return 0, 0
		}
		return start, end
	}
	if len(tok) < 20 {
		mixed := false
		for k := 0; k < len(tok); k++ {
			if !isAlpha(tok[k]) {
				mixed = true
				break
			}
		}
		if !mixed {
			return 0, 0
		}
	}
	return start, end
}

func b64val(c byte) int {
	switch {
	case isUpper(c):
		return int(c - 'A')
	case isLower(c):
		return int(c-'a') + 26
	case isDigit(c):
		return int(c-'0') + 52
	case c == '+' || c == '-':
		return 62
	case c == '/' || c == '_':
		return 63
	}
	return -1
}

// base64HasColon decodes standard base64 on the fly and reports whether the decoded bytes
// contain ':' (as "user:password" does).
func base64HasColon(tok string) bool {
	for len(tok) > 0 && tok[len(tok)-1] == '=' {
		tok = tok[:len(tok)-1]
	}
	var acc, bits int
	for k := 0; k < len(tok); k++ {
		v := b64val(tok[k])
		if v < 0 {
			return false
		}
		acc = acc<<6 | v
		bits += 6
		if bits >= 8 {
			bits -= 8
			if byte(acc>>bits) == ':' {
				return true
			}
			acc &= 1<<bits - 1
		}
	}
	return false
}

// matchIBAN: a country code with a registered length, two check digits, the rest in upper
// case, optionally grouped by 4 with single spaces; mod-97 must hold.
func matchIBAN(s string, i int) int {
	if i+4 > len(s) || !isUpper(s[i+1]) || !isDigit(s[i+2]) || !isDigit(s[i+3]) {
		return 0
	}
	want := IBANLength(s[i : i+2])
	if want == 0 {
		return 0
	}
	var buf [34]byte
	n, j := 0, i
	for n < want && j < len(s) {
		c := s[j]
		if c == ' ' && n%4 == 0 && n > 0 && j+1 < len(s) && isAlnum(s[j+1]) {
			j++
			continue
		}
		if !isUpper(c) && !isDigit(c) {
			return 0
		}
		buf[n] = c
		n++
		j++
	}
	if n != want || !wordEnd(s, j) || !ValidIBAN(string(buf[:n])) {
		return 0
	}
	return j
}

// matchPEM masks a whole "-----BEGIN ... PRIVATE KEY-----" block, to the end of the string
// when the END line is missing (a truncated key is still a key).
func matchPEM(s string, i int) int {
	const begin = "-----BEGIN "
	if !strings.HasPrefix(s[i:], begin) {
		return 0
	}
	labelStart := i + len(begin)
	rel := strings.Index(s[labelStart:min(len(s), labelStart+64)], "-----")
	if rel < 0 || !strings.HasSuffix(s[labelStart:labelStart+rel], "PRIVATE KEY") {
		return 0
	}
	body := labelStart + rel + 5
	endRel := strings.Index(s[body:], "-----END ")
	if endRel < 0 {
		return len(s)
	}
	tail := body + endRel + len("-----END ")
	closeRel := strings.Index(s[tail:min(len(s), tail+64)], "-----")
	if closeRel < 0 {
		return len(s)
	}
	return tail + closeRel + 5
}

func isEmailLocal(c byte) bool {
	return isAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-'
}

// fileExtensions are "TLDs" that are really file names, as in "icon@2x.png".
var fileExtensions = [...]string{"png", "jpg", "jpeg", "gif", "svg", "webp", "ico", "js", "mjs", "css", "map", "json", "html", "htm", "txt", "log", "xml", "yaml", "yml", "jar", "so", "dll", "exe"}

// matchEmail works outwards from '@': the local part back to floor, the domain forward.
func matchEmail(s string, at, floor int) (int, int) { return matchEmailAt(s, at, 1, floor) }

// matchEmailAt is matchEmail where the '@' at s[at] is atLen bytes long ("%40" in a URL).
func matchEmailAt(s string, at, atLen, floor int) (int, int) {
	start := at
	for start > floor && at-start < 64 && isEmailLocal(s[start-1]) {
		start--
	}
	for start < at && (s[start] == '.' || s[start] == '-') {
		start++
	}
	if start == at || s[at-1] == '.' {
		return 0, 0
	}
	// Domain: labels of [A-Za-z0-9-], at least two, the last all letters (2+).
	j := at + atLen
	labels, lastLabel, end := 0, 0, 0
	for j < len(s) && j-at < 254 {
		k := runOf(s, j, func(c byte) bool { return isAlnum(c) || c == '-' })
		if k == j {
			break
		}
		labels++
		lastLabel = j
		end = k
		if k+1 < len(s) && s[k] == '.' && isAlnum(s[k+1]) {
			j = k + 1
			continue
		}
		break
	}
	if labels < 2 || end-lastLabel < 2 {
		return 0, 0
	}
	tld := s[lastLabel:end]
	for k := 0; k < len(tld); k++ {
		if !isAlpha(tld[k]) {
			return 0, 0
		}
	}
	for _, ext := range fileExtensions {
		if len(tld) == len(ext) && hasPrefixFold(tld, ext) {
			return 0, 0
		}
	}
	return start, end
}

// matchURLCreds finds the password of "scheme://user:password@host".
func matchURLCreds(s string, colon int) (int, int) {
	authStart := colon + 3
	j := authStart
	at := -1
	for j < len(s) && j-authStart < 512 {
		c := s[j]
		if c == '/' || c == '?' || c == '#' || c == ' ' || c == '"' || c == '\'' || c == '<' || c == '>' || c == '\n' || c == '\t' {
			break
		}
		if c == '@' {
			at = j
		}
		j++
	}
	if at < 0 {
		return 0, 0
	}
	pw := strings.IndexByte(s[authStart:at], ':')
	if pw < 0 || authStart+pw+1 == at {
		return 0, 0
	}
	return authStart + pw + 1, at
}
