package sampling

import "strings"

// FNV-1a, 64 bits: cheap, allocation-free and good enough to tell log templates apart
// inside one process (keys never leave it).
const (
	fnvOffset64 = 14695981039346656037
	fnvPrime64  = 1099511628211
)

// KeyHash builds a rate-limit key incrementally without allocating.
type KeyHash uint64

// NewKeyHash starts an empty key.
func NewKeyHash() KeyHash { return KeyHash(fnvOffset64) }

// Byte mixes one byte into the key.
func (h KeyHash) Byte(b byte) KeyHash {
	return (h ^ KeyHash(b)) * fnvPrime64
}

// String mixes s and a terminator into the key, so ("ab","c") and ("a","bc") differ.
func (h KeyHash) String(s string) KeyHash {
	for i := 0; i < len(s); i++ {
		h = (h ^ KeyHash(s[i])) * fnvPrime64
	}
	return h.Byte(0xff)
}

// Uint64 mixes the 8 bytes of v into the key.
func (h KeyHash) Uint64(v uint64) KeyHash {
	for i := 0; i < 8; i++ {
		h = (h ^ KeyHash(byte(v>>(8*i)))) * fnvPrime64
	}
	return h
}

// Placeholders that replace the variable parts of a message in its template.
const (
	placeholderVariable = "<*>" // a number or an id: any word that contains a digit
	placeholderQuoted   = "<q>" // a quoted value
)

// Fingerprint hashes the template of a log message: the message with every quoted value
// ('...', "...", `...`) and every word that contains a digit (numbers, ids, UUIDs, hex
// addresses, IPs, durations such as 250ms) replaced by a placeholder. Two messages that
// differ only in those parts have the same fingerprint. It does not allocate.
func Fingerprint(msg string) uint64 {
	h := NewKeyHash()
	for i := 0; i < len(msg); {
		end, placeholder := nextToken(msg, i)
		if placeholder != "" {
			h = h.Byte(0).String(placeholder)
		} else {
			for ; i < end; i++ {
				h = (h ^ KeyHash(msg[i])) * fnvPrime64
			}
		}
		i = end
	}
	return uint64(h)
}

// Template returns the message with its variable parts replaced by placeholders, the
// human-readable form of what Fingerprint hashes: `user 42 failed to read "a.txt"`
// becomes `user <*> failed to read <q>`.
func Template(msg string) string {
	var b strings.Builder
	b.Grow(len(msg))
	for i := 0; i < len(msg); {
		end, placeholder := nextToken(msg, i)
		if placeholder != "" {
			b.WriteString(placeholder)
		} else {
			b.WriteString(msg[i:end])
		}
		i = end
	}
	return b.String()
}

// wordBytes marks the bytes that continue a word. Dots, colons, dashes and slashes stay
// inside a word so that "10.0.0.1:5432", "2024-05-01T10:00:00Z" and "/api/v1/users/42"
// are each one variable word; bytes of multi-byte UTF-8 characters are word bytes.
var wordBytes = func() (t [256]bool) {
	for c := 0; c < 256; c++ {
		t[c] = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			c == '_' || c == '-' || c == '.' || c == ':' || c == '/' || c == '+' || c >= 0x80
	}
	return t
}()

func isWordByte(c byte) bool { return wordBytes[c] }

func isQuote(c byte) bool { return c == '"' || c == '\'' || c == '`' }

// nextToken reads one token of msg starting at i (< len(msg)) and returns where it ends
// and, for a variable part, its placeholder. Literal tokens are a word without digits,
// or a run of other bytes up to the next word or quote.
func nextToken(msg string, i int) (end int, placeholder string) {
	c := msg[i]
	switch {
	// An apostrophe inside a word ("can't") is not a quote.
	case isQuote(c) && !(c == '\'' && i > 0 && isWordByte(msg[i-1])):
		j := i + 1
		for j < len(msg) && msg[j] != c {
			if msg[j] == '\\' {
				j++
			}
			j++
		}
		return min(j+1, len(msg)), placeholderQuoted
	case isWordByte(c):
		j := i
		hasDigit := false
		for j < len(msg) && isWordByte(msg[j]) {
			if '0' <= msg[j] && msg[j] <= '9' {
				hasDigit = true
			}
			j++
		}
		// Sentence punctuation after a word is literal: "failed after 3." keeps its dot.
		for j > i+1 && (msg[j-1] == '.' || msg[j-1] == ':') {
			j--
		}
		if hasDigit {
			return j, placeholderVariable
		}
		return j, ""
	default:
		j := i + 1
		for j < len(msg) && !isWordByte(msg[j]) && !isQuote(msg[j]) {
			j++
		}
		return j, ""
	}
}
