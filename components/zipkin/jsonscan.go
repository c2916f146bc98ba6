package zipkin

import (
	"errors"
	"fmt"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// jsonScanner reads JSON tokens from a body without building values. It
// accepts exactly what encoding/json accepts (the grammar, its 10,000 nesting
// levels, invalid UTF-8 in strings replaced by U+FFFD), so a body is
// malformed for this decoder exactly when it is for contrib's.
type jsonScanner struct {
	b     []byte
	i     int
	depth int
	stack []byte // containers open while skipping a value
	err   error  // the first syntax error; decoding stops there
}

// maxDepth is encoding/json's nesting limit.
const maxDepth = 10000

var errEOF = errors.New("unexpected end of JSON input")

func (d *jsonScanner) fail(msg string) {
	if d.err == nil {
		if d.i >= len(d.b) {
			d.err = errEOF
		} else {
			d.err = fmt.Errorf("invalid JSON at offset %d: %s", d.i, msg)
		}
	}
	d.i = len(d.b)
}

func (d *jsonScanner) ws() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

// peek returns the next non-space byte, or 0 at the end.
func (d *jsonScanner) peek() byte {
	d.ws()
	if d.i >= len(d.b) {
		return 0
	}
	return d.b[d.i]
}

// atEnd reports whether only whitespace is left. (peek's 0 cannot say it: a
// NUL byte is data, and after the top-level value an error.)
func (d *jsonScanner) atEnd() bool {
	d.ws()
	return d.i >= len(d.b)
}

func (d *jsonScanner) expect(c byte) bool {
	if d.peek() != c {
		d.fail(fmt.Sprintf("expected %q", c))
		return false
	}
	d.i++
	return true
}

func (d *jsonScanner) push() bool {
	d.depth++
	if d.depth > maxDepth {
		d.fail("exceeded max depth")
		return false
	}
	return true
}

// literal consumes true, false or null.
func (d *jsonScanner) literal(lit string) bool {
	if len(d.b)-d.i < len(lit) || string(d.b[d.i:d.i+len(lit)]) != lit {
		d.fail("invalid literal")
		return false
	}
	d.i += len(lit)
	return true
}

// stringSpecial marks the bytes that end the fast path of a string: the
// quote, the backslash, control characters and non-ASCII.
var stringSpecial = func() (t [256]bool) {
	for c := 0; c < 0x20; c++ {
		t[c] = true
	}
	for c := 0x80; c < 0x100; c++ {
		t[c] = true
	}
	t['"'], t['\\'] = true, true
	return t
}()

// str reads a string at d.i (which must be '"'). A string the body holds
// verbatim (no escapes, valid UTF-8) aliases the body; others are unquoted
// into a new string, as encoding/json unquotes them.
func (d *jsonScanner) str() (string, bool) {
	if d.i >= len(d.b) || d.b[d.i] != '"' {
		d.fail("expected a string")
		return "", false
	}
	start := d.i + 1
	i := start
	b := d.b
	for i < len(b) && !stringSpecial[b[i]] {
		i++
	}
	if i < len(b) && b[i] == '"' {
		d.i = i + 1
		return bytesToString(b[start:i]), true
	}
	// Slow path: find the end, validating escapes and control characters.
	simple := true
	for {
		if i >= len(b) {
			d.i = i
			d.fail("unterminated string")
			return "", false
		}
		c := b[i]
		switch {
		case c == '"':
			raw := b[start:i]
			d.i = i + 1
			if simple && utf8.Valid(raw) {
				return bytesToString(raw), true
			}
			return unquote(raw), true
		case c == '\\':
			simple = false
			if i+1 >= len(b) {
				d.i = i + 1
				d.fail("unterminated string")
				return "", false
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(b) {
					d.i = len(b)
					d.fail("unterminated string")
					return "", false
				}
				for _, h := range b[i+2 : i+6] {
					if hexVal(h) < 0 {
						d.i = i
						d.fail("invalid \\u escape")
						return "", false
					}
				}
				i += 6
			default:
				d.i = i
				d.fail("invalid escape")
				return "", false
			}
		case c < 0x20:
			d.i = i
			d.fail("control character in string")
			return "", false
		default:
			i++
		}
	}
}

func bytesToString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

func hexVal(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

func hex4(b []byte) rune {
	return rune(hexVal(b[0])<<12 | hexVal(b[1])<<8 | hexVal(b[2])<<4 | hexVal(b[3]))
}

// unquote decodes a validated string body the way encoding/json does: lone
// surrogates and invalid UTF-8 bytes become U+FFFD.
func unquote(s []byte) string {
	out := make([]byte, 0, len(s)+2*utf8.UTFMax)
	for r := 0; r < len(s); {
		c := s[r]
		switch {
		case c == '\\':
			switch s[r+1] {
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'u':
				rr := hex4(s[r+2:])
				if utf16.IsSurrogate(rr) {
					if r+12 <= len(s) && s[r+6] == '\\' && s[r+7] == 'u' && validHex4(s[r+8:r+12]) {
						if dec := utf16.DecodeRune(rr, hex4(s[r+8:])); dec != utf8.RuneError {
							out = utf8.AppendRune(out, dec)
							r += 12
							continue
						}
					}
					rr = utf8.RuneError
				}
				out = utf8.AppendRune(out, rr)
				r += 6
				continue
			default: // '"', '\\', '/'
				out = append(out, s[r+1])
			}
			r += 2
		case c < utf8.RuneSelf:
			out = append(out, c)
			r++
		default:
			rr, size := utf8.DecodeRune(s[r:])
			r += size
			out = utf8.AppendRune(out, rr)
		}
	}
	return bytesToString(out)
}

func validHex4(b []byte) bool {
	for _, c := range b {
		if hexVal(c) < 0 {
			return false
		}
	}
	return true
}

// number consumes a JSON number and returns its text.
func (d *jsonScanner) number() ([]byte, bool) {
	b := d.b
	start := d.i
	i := d.i
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	default:
		d.i = i
		d.fail("invalid number")
		return nil, false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			d.i = i
			d.fail("invalid number")
			return nil, false
		}
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			d.i = i
			d.fail("invalid number")
			return nil, false
		}
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	}
	d.i = i
	return b[start:i], true
}

// skip consumes one value of any kind, validating it, and returns its raw
// text. It keeps its own stack, so hostile nesting costs no Go stack.
func (d *jsonScanner) skip() ([]byte, bool) {
	d.ws()
	start := d.i
	base := len(d.stack)
	baseDepth := d.depth
	for {
		// A value.
		d.ws()
		if d.i >= len(d.b) {
			d.fail("unexpected end")
			return nil, false
		}
		switch c := d.b[d.i]; c {
		case '{', '[':
			if !d.push() {
				return nil, false
			}
			d.i++
			d.stack = append(d.stack, c)
			closer := byte('}')
			if c == '[' {
				closer = ']'
			}
			if d.peek() == closer {
				d.i++
				d.stack = d.stack[:len(d.stack)-1]
				d.depth--
				break
			}
			if c == '{' {
				if d.peek() != '"' {
					d.fail("expected a key")
					return nil, false
				}
				if _, ok := d.str(); !ok || !d.expect(':') {
					return nil, false
				}
			}
			continue
		case '"':
			if _, ok := d.str(); !ok {
				return nil, false
			}
		case 't':
			if !d.literal("true") {
				return nil, false
			}
		case 'f':
			if !d.literal("false") {
				return nil, false
			}
		case 'n':
			if !d.literal("null") {
				return nil, false
			}
		default:
			if _, ok := d.number(); !ok {
				return nil, false
			}
		}
		// After a value: close containers or move to the next element.
		for {
			if len(d.stack) == base {
				d.depth = baseDepth
				return d.b[start:d.i], true
			}
			top := d.stack[len(d.stack)-1]
			switch d.peek() {
			case ',':
				d.i++
				if top == '{' {
					if d.peek() != '"' {
						d.fail("expected a key")
						return nil, false
					}
					if _, ok := d.str(); !ok || !d.expect(':') {
						return nil, false
					}
				}
			case '}':
				if top != '{' {
					d.fail("unexpected '}'")
					return nil, false
				}
				d.i++
				d.stack = d.stack[:len(d.stack)-1]
				d.depth--
				continue
			case ']':
				if top != '[' {
					d.fail("unexpected ']'")
					return nil, false
				}
				d.i++
				d.stack = d.stack[:len(d.stack)-1]
				d.depth--
				continue
			default:
				d.fail("expected ',' or a closing bracket")
				return nil, false
			}
			break
		}
	}
}
