package pii

import (
	"bytes"
	"strings"
)

// Secrets identified by their key: "password=...", `"api_key": "..."`, "?token=...", and
// attributes or map entries whose key is named like a secret.

// secretSuffixes: a normalised key (lower case, letters and digits only) that ends with one
// of these names a secret. Suffix matching catches db_password, X-Api-Key, client_secret,
// access_token, AWS_SECRET_ACCESS_KEY and friends without listing them all.
var secretSuffixes = [...]string{
	"password", "passwd", "passphrase", "pwd", "secret", "token", "apikey", "apitoken",
	"accesskey", "secretkey", "privatekey", "credential", "credentials", "signature",
	"sessionkey", "authkey", "authorization",
}

// isKeyByte: characters of attribute keys, header names and query parameter names.
func isKeyByte(c byte) bool { return isAlnum(c) || c == '_' || c == '-' || c == '.' }

// secretKeyKind reports whether key names a secret, and whether it is an AWS secret key.
func secretKeyKind(key string) (detector, bool) {
	if len(key) < 3 || len(key) > 128 {
		return 0, false
	}
	var buf [128]byte
	norm := normKey(key, &buf)
	matched := false
	for _, suf := range secretSuffixes {
		if len(norm) >= len(suf) && string(norm[len(norm)-len(suf):]) == suf {
			matched = true
			break
		}
	}
	if !matched {
		return 0, false
	}
	if bytes.Contains(norm, []byte("secretaccesskey")) || bytes.HasPrefix(norm, []byte("aws")) && bytes.Contains(norm, []byte("secret")) {
		return dAWSSecret, true
	}
	return dSecretKV, true
}

// skipSecretValue: placeholders that are not secrets (empty, null, booleans) and values
// that are already masked, so redaction is idempotent.
var placeholders = [...]string{"", "null", "nil", "none", "true", "false", "undefined", "[redacted]", "<redacted>", "redacted"}

func skipSecretValue(v, mask string) bool {
	for _, p := range placeholders {
		if strings.EqualFold(v, p) {
			return true
		}
	}
	if v == mask || strings.HasPrefix(v, "hmac:") && len(v) == 37 {
		return true
	}
	for i := 0; i < len(v); i++ {
		if v[i] != '*' {
			return false
		}
	}
	return true
}

func isValueEnd(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\r', '&', ',', ';', '"', '\'', ')', ']', '}', '<', '>', '|', '\\':
		return true
	}
	return false
}

// unhex decodes one hex digit; the caller has checked isHex.
func unhex(c byte) byte {
	switch {
	case isDigit(c):
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// percentByte decodes the URL escape "%XX" at i, or reports false.
func percentByte(s string, i int) (byte, bool) {
	if i+2 >= len(s) || s[i] != '%' || !isHex(s[i+1]) || !isHex(s[i+2]) {
		return 0, false
	}
	return unhex(s[i+1])<<4 | unhex(s[i+2]), true
}

// valueEndAt: a value ends at a delimiter, written plainly or URL-encoded ("%26" is '&',
// "%20" a space, "%22" a quote), so an encoded query string splits where its decoded form
// would.
func valueEndAt(s string, j int) bool {
	c := s[j]
	if c != '%' {
		return isValueEnd(c)
	}
	c, ok := percentByte(s, j)
	return ok && isValueEnd(c)
}

// assignmentOp returns the length of the assignment operator at i: '=', ':', "=>" (Ruby
// hashes), or "%3D"/"%3A" (URL-encoded '=' and ':'); 0 when there is none.
func assignmentOp(s string, i int) int {
	switch s[i] {
	case '=':
		if i+1 < len(s) && s[i+1] == '>' {
			return 2
		}
		return 1
	case ':':
		return 1
	case '%':
		if c, ok := percentByte(s, i); ok && (c == '=' || c == ':') {
			return 3
		}
	}
	return 0
}

// matchAssignment runs at '=', ':', "=>" or an encoded '='/':' and returns the value span
// when the key before it names a secret: key=value, key : value, key\t=value, "key":"value",
// 'key': 'value', {"key"=>"value"}, {u'key': u'value'}, ?key=value&, key%3Dvalue%26, and
// JSON escaped inside a string (\"key\":\"value\").
func matchAssignment(s string, i, floor int, mask string) (int, int, detector) {
	op := assignmentOp(s, i)
	if op == 0 {
		return 0, 0, 0
	}
	if s[i] == ':' && i+1 < len(s) && (s[i+1] == ':' || s[i+1] == '/') {
		return 0, 0, 0
	}
	k := i
	for k > floor && i-k < 4 && (s[k-1] == ' ' || s[k-1] == '\t') {
		k--
	}
	if k > floor && (s[k-1] == '"' || s[k-1] == '\'') {
		k--
		if k > floor && s[k-1] == '\\' {
			k--
		}
	}
	keyEnd := k
	for k > floor && keyEnd-k < 64 && isKeyByte(s[k-1]) {
		k--
	}
	if k == keyEnd {
		return 0, 0, 0
	}
	d, ok := secretKeyKind(s[k:keyEnd])
	if !ok {
		return 0, 0, 0
	}
	v := i + op
	for v < len(s) && v-i < 8 && (s[v] == ' ' || s[v] == '\t') {
		v++
	}
	if v >= len(s) {
		return 0, 0, 0
	}
	// Python's u'...' and b'...' string prefixes.
	if (s[v] == 'u' || s[v] == 'b') && v+1 < len(s) && (s[v+1] == '"' || s[v+1] == '\'') {
		v++
	}
	var quote byte
	escaped := false
	switch c := s[v]; {
	case c == '"' || c == '\'':
		quote = c
		v++
	case c == '\\' && v+1 < len(s) && s[v+1] == '"':
		escaped = true
		v += 2
	case c == '{' || c == '[':
		return 0, 0, 0
	case c == '%':
		// An encoded opening quote; the value then ends at the encoded closing one.
		if q, ok := percentByte(s, v); ok && (q == '"' || q == '\'') {
			v += 3
		}
	}
	// "Authorization: Bearer xyz": the scheme stays, the credentials go, whatever their shape.
	if n := schemeLen(s[v:]); n > 0 && hasSuffixFold(s[k:keyEnd], "authorization") {
		v += n
		d = dAuth
	}
	end := v
	switch {
	case quote != 0:
		for end < len(s) && s[end] != quote {
			if s[end] == '\\' {
				end++
			}
			end++
		}
		end = min(end, len(s))
	case escaped:
		if rel := strings.Index(s[v:], `\"`); rel >= 0 {
			end = v + rel
		} else {
			end = len(s)
		}
	default:
		for end < len(s) && !valueEndAt(s, end) {
			end++
		}
	}
	if skipSecretValue(s[v:end], mask) {
		return 0, 0, 0
	}
	return v, end, d
}

// schemeLen returns the length of an HTTP auth scheme and the spaces after it, or 0.
func schemeLen(v string) int {
	for _, scheme := range [...]string{"bearer", "basic", "token", "digest", "negotiate"} {
		if hasPrefixFold(v, scheme) && len(v) > len(scheme) && v[len(scheme)] == ' ' {
			return runOf(v, len(scheme), func(c byte) bool { return c == ' ' })
		}
	}
	return 0
}

func hasSuffixFold(s, suffix string) bool {
	return len(s) >= len(suffix) && strings.EqualFold(s[len(s)-len(suffix):], suffix)
}
