package pii

// Validators confirm that a candidate found by a cheap shape check really is what it looks
// like. They take digit strings without separators and never allocate.

// Luhn reports whether digits (ASCII '0'-'9' only) pass the Luhn checksum.
func Luhn(digits string) bool {
	if len(digits) < 2 {
		return false
	}
	sum := 0
	double := false
	for i := len(digits) - 1; i >= 0; i-- {
		c := digits[i]
		if c < '0' || c > '9' {
			return false
		}
		d := int(c - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

// prefixInt returns the integer value of the first n digits.
func prefixInt(digits string, n int) int {
	v := 0
	for i := 0; i < n && i < len(digits); i++ {
		v = v*10 + int(digits[i]-'0')
	}
	return v
}

// CardBrand names the payment network of a card number (digits only), or "" when the
// prefix and length match no major brand.
func CardBrand(digits string) string {
	n := len(digits)
	if n < 13 || n > 19 {
		return ""
	}
	p1, p2, p3, p4, p6 := prefixInt(digits, 1), prefixInt(digits, 2), prefixInt(digits, 3), prefixInt(digits, 4), prefixInt(digits, 6)
	switch {
	case p1 == 4 && (n == 13 || n == 16 || n == 19):
		return "visa"
	case (p2 >= 51 && p2 <= 55 || p4 >= 2221 && p4 <= 2720) && n == 16:
		return "mastercard"
	case (p2 == 34 || p2 == 37) && n == 15:
		return "amex"
	case (p4 == 6011 || p2 == 65 || p3 >= 644 && p3 <= 649 || p6 >= 622126 && p6 <= 622925) && n >= 16:
		return "discover"
	case (p3 >= 300 && p3 <= 305 || p2 == 36 || p2 == 38 || p2 == 39) && n >= 14:
		return "diners"
	case p4 >= 3528 && p4 <= 3589 && n >= 16:
		return "jcb"
	case p2 == 62 && n >= 16:
		return "unionpay"
	case (p2 == 50 || p2 >= 56 && p2 <= 58 || p2 == 63 || p2 == 67) && n >= 13:
		return "maestro"
	}
	return ""
}

// ValidCard reports whether digits is a payment card number of a major brand that passes Luhn.
func ValidCard(digits string) bool {
	return CardBrand(digits) != "" && Luhn(digits)
}

// ValidSSN applies the US Social Security Administration's rules to a 9-digit string: area
// not 000, 666 or 9xx; group not 00; serial not 0000; and not one of the numbers that were
// published in advertising.
func ValidSSN(digits string) bool {
	if len(digits) != 9 {
		return false
	}
	for i := 0; i < 9; i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return false
		}
	}
	area, group, serial := prefixInt(digits, 3), prefixInt(digits[3:], 2), prefixInt(digits[5:], 4)
	if area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0 {
		return false
	}
	switch digits {
	case "078051120", "219099999":
		return false
	}
	return true
}

// ibanLength is the IBAN length per country (ISO 13616 registry).
var ibanLength = map[[2]byte]uint8{
	{'A', 'D'}: 24, {'A', 'E'}: 23, {'A', 'L'}: 28, {'A', 'T'}: 20, {'A', 'Z'}: 28, {'B', 'A'}: 20,
	{'B', 'E'}: 16, {'B', 'G'}: 22, {'B', 'H'}: 22, {'B', 'R'}: 29, {'B', 'Y'}: 28, {'C', 'H'}: 21,
	{'C', 'R'}: 22, {'C', 'Y'}: 28, {'C', 'Z'}: 24, {'D', 'E'}: 22, {'D', 'K'}: 18, {'D', 'O'}: 28,
	{'E', 'E'}: 20, {'E', 'G'}: 29, {'E', 'S'}: 24, {'F', 'I'}: 18, {'F', 'O'}: 18, {'F', 'R'}: 27,
	{'G', 'B'}: 22, {'G', 'E'}: 22, {'G', 'I'}: 23, {'G', 'L'}: 18, {'G', 'R'}: 27, {'G', 'T'}: 28,
	{'H', 'R'}: 21, {'H', 'U'}: 28, {'I', 'E'}: 22, {'I', 'L'}: 23, {'I', 'Q'}: 23, {'I', 'S'}: 26,
	{'I', 'T'}: 27, {'J', 'O'}: 30, {'K', 'W'}: 30, {'K', 'Z'}: 20, {'L', 'B'}: 28, {'L', 'C'}: 32,
	{'L', 'I'}: 21, {'L', 'T'}: 20, {'L', 'U'}: 20, {'L', 'V'}: 21, {'M', 'C'}: 27, {'M', 'D'}: 24,
	{'M', 'E'}: 22, {'M', 'K'}: 19, {'M', 'R'}: 27, {'M', 'T'}: 31, {'M', 'U'}: 30, {'N', 'L'}: 18,
	{'N', 'O'}: 15, {'P', 'K'}: 24, {'P', 'L'}: 28, {'P', 'S'}: 29, {'P', 'T'}: 25, {'Q', 'A'}: 29,
	{'R', 'O'}: 24, {'R', 'S'}: 22, {'S', 'A'}: 24, {'S', 'C'}: 31, {'S', 'E'}: 24, {'S', 'I'}: 19,
	{'S', 'K'}: 24, {'S', 'M'}: 27, {'S', 'T'}: 25, {'S', 'V'}: 28, {'T', 'L'}: 23, {'T', 'N'}: 24,
	{'T', 'R'}: 26, {'U', 'A'}: 29, {'V', 'A'}: 22, {'V', 'G'}: 24, {'X', 'K'}: 20,
}

// IBANLength returns the registered IBAN length for a two-letter country code, or 0.
func IBANLength(country string) int {
	if len(country) != 2 {
		return 0
	}
	return int(ibanLength[[2]byte{country[0], country[1]}])
}

// ValidIBAN checks an IBAN without separators: uppercase letters and digits, the country's
// registered length, and the ISO 7064 mod-97 checksum.
func ValidIBAN(iban string) bool {
	if len(iban) < 15 || IBANLength(iban[:2]) != len(iban) {
		return false
	}
	if iban[2] < '0' || iban[2] > '9' || iban[3] < '0' || iban[3] > '9' {
		return false
	}
	rem := 0
	// The check moves the first four characters to the end; letters count as 10..35.
	for k := 0; k < len(iban); k++ {
		c := iban[(k+4)%len(iban)]
		switch {
		case c >= '0' && c <= '9':
			rem = (rem*10 + int(c-'0')) % 97
		case c >= 'A' && c <= 'Z':
			rem = (rem*100 + int(c-'A') + 10) % 97
		default:
			return false
		}
	}
	return rem == 1
}

// ValidNANP reports whether a 10-digit North American number has a valid area code and
// exchange (both start with 2-9; area codes N9X are reserved).
func ValidNANP(digits string) bool {
	if len(digits) != 10 {
		return false
	}
	return digits[0] >= '2' && digits[1] != '9' && digits[3] >= '2'
}
