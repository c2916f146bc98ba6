package pii

import (
	"math"
	"strconv"
	"strings"
)

// Numbers stored as numbers: an int or double attribute is what a JSON encoder (or a
// Datadog span's numeric "metrics") makes of a card number, an SSN or a phone number that
// was never a string. Card numbers carry their own proof (brand prefix, length, Luhn), so
// they are found under any key. A 9-digit SSN or a 10-digit phone number is
// indistinguishable from an id, a duration or a byte count, so those are only redacted
// under a key that names them (ssn, phone, mobile, ...): fail closed where the data says
// what it is, never corrupt counters by guessing.

// ssnKeyWords and phoneKeyWords name the number under a normalised key (lower case,
// letters and digits only).
var (
	ssnKeyWords   = [...]string{"ssn", "socialsecurity"}
	phoneKeyWords = [...]string{"phone", "mobile", "msisdn", "fax"}
)

// normKey writes key lower-cased, letters and digits only, into buf.
func normKey(key string, buf *[128]byte) []byte {
	n := 0
	for i := 0; i < len(key) && n < len(buf); i++ {
		c := key[i]
		switch {
		case isLower(c) || isDigit(c):
		case isUpper(c):
			c += 'a' - 'A'
		default:
			continue
		}
		buf[n] = c
		n++
	}
	return buf[:n]
}

func keyNames(key string, words []string) bool {
	if len(key) == 0 || len(key) > 128 {
		return false
	}
	var buf [128]byte
	norm := string(normKey(key, &buf))
	for _, w := range words {
		if strings.Contains(norm, w) {
			return true
		}
	}
	return false
}

// RedactInt checks an integer value: the whole value is replaced when key is named like a
// secret, when credit_card is on and the number is a valid card number, or when us_ssn or
// phone is on and key names an SSN or a phone number that the value is a valid one of.
// ok is false when the value stays as it is (nothing is allocated then).
func (e *Engine) RedactInt(key string, v int64, st *Stats) (out string, act Action, ok bool) {
	defer func() {
		if r := recover(); r != nil {
			out, act, ok = e.mask, ActionMask, true
			e.failed(st)
		}
	}()
	var buf [20]byte
	digits := strconv.AppendInt(buf[:0], v, 10)
	if v < 0 {
		digits = digits[1:]
	}
	rule := e.numberRule(key, digits)
	if rule < 0 {
		return "", ActionNone, false
	}
	e.hit(st, rule)
	return e.replaceWhole(strconv.FormatInt(v, 10), rule), e.rules[rule].Action, true
}

// RedactDouble is RedactInt for a double: integral values are checked as integers (a
// 16-digit card number is exact in a float64), any value under a secret-named key is
// replaced.
func (e *Engine) RedactDouble(key string, v float64, st *Stats) (out string, act Action, ok bool) {
	defer func() {
		if r := recover(); r != nil {
			out, act, ok = e.mask, ActionMask, true
			e.failed(st)
		}
	}()
	rule := e.secretKeyRule(key)
	if rule < 0 && !math.IsInf(v, 0) && !math.IsNaN(v) && v == math.Trunc(v) && math.Abs(v) < 1e19 {
		var buf [24]byte
		digits := strconv.AppendFloat(buf[:0], math.Abs(v), 'f', 0, 64)
		rule = e.numberRule(key, digits)
	}
	if rule < 0 {
		return "", ActionNone, false
	}
	e.hit(st, rule)
	return e.replaceWhole(strconv.FormatFloat(v, 'f', -1, 64), rule), e.rules[rule].Action, true
}

// numberRule returns the rule that redacts a number with these decimal digits under key,
// or -1.
func (e *Engine) numberRule(key string, digits []byte) int {
	if rule := e.secretKeyRule(key); rule >= 0 {
		return rule
	}
	n := len(digits)
	if e.on(dCard) && n >= 13 && n <= 19 && ValidCard(string(digits)) {
		return e.ruleOf[dCard]
	}
	if e.on(dSSN) && n >= 7 && n <= 9 && keyNames(key, ssnKeyWords[:]) {
		// An integer drops the leading zeros of area numbers 001-099.
		var pad [9]byte
		copy(pad[:], "000000000")
		copy(pad[9-n:], digits)
		if ValidSSN(string(pad[:])) {
			return e.ruleOf[dSSN]
		}
	}
	if e.on(dPhone) && n >= 8 && n <= 15 && keyNames(key, phoneKeyWords[:]) {
		switch {
		case n == 10:
			if ValidNANP(string(digits)) {
				return e.ruleOf[dPhone]
			}
		case n == 11 && digits[0] == '1':
			if ValidNANP(string(digits[1:])) {
				return e.ruleOf[dPhone]
			}
		default:
			// E.164 without its '+': 8-15 digits under a phone-named key.
			return e.ruleOf[dPhone]
		}
	}
	return -1
}
