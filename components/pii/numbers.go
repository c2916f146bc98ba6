package pii

// Numeric detectors: payment cards, US SSNs, phone numbers, IP addresses.

// matchNumber runs at a digit that starts a word. It returns the bounds of the longest
// numeric detector match (end 0 when there is none) and its detector.
func (e *Engine) matchNumber(s string, i int) (int, int, detector) {
	// Inside a dotted or dashed number (a version, a date, an id): the sequence as a whole
	// was already tried at its first digit.
	if i > 1 && (s[i-1] == '.' || s[i-1] == '-' || s[i-1] == ':') && isDigit(s[i-2]) {
		return 0, 0, 0
	}
	// After '/', only a date or fraction ("12/25/2024") continues a number; a URL path
	// segment such as "/v1/4111..." does not, so a card in a path is still found.
	if i > 1 && s[i-1] == '/' && numericSegmentBefore(s, i-1) {
		return 0, 0, 0
	}
	if e.on(dCard) {
		if end := matchCard(s, i); end > 0 {
			return i, end, dCard
		}
	}
	// "ORD-415-555-2671" is an order id, not a phone number or SSN.
	glued := i > 1 && s[i-1] == '-' && isAlnum(s[i-2])
	if e.on(dSSN) && !glued {
		if end := matchSSN(s, i); end > 0 {
			return i, end, dSSN
		}
	}
	if e.on(dPhone) && !glued {
		if end := matchNANP(s, i); end > 0 {
			return i, end, dPhone
		}
		if end := matchNationalPhone(s, i); end > 0 {
			return i, end, dPhone
		}
	}
	if e.on(dIPv4) {
		if end := matchIPv4(s, i); end > 0 {
			return i, end, dIPv4
		}
	}
	return 0, 0, 0
}

// numericSegmentBefore reports whether the characters before the separator at sep are
// all digits back to a non-word character (or the start).
func numericSegmentBefore(s string, sep int) bool {
	k := sep
	for k > 0 && isDigit(s[k-1]) {
		k--
	}
	return k < sep && (k == 0 || !isWord(s[k-1]))
}

// afterEscape reports whether s[:i] ends with a URL escape such as "%3D", whose last hex
// digit is a word character but no part of a word.
func afterEscape(s string, i int) bool {
	if i < 3 {
		return false
	}
	_, ok := percentByte(s, i-3)
	return ok
}

// numberEnd: a number ending at j is complete if what follows is neither a word character
// nor a separator followed by another digit (which would make it part of a longer id).
func numberEnd(s string, j int) bool {
	if j >= len(s) {
		return true
	}
	c := s[j]
	if isWord(c) {
		return false
	}
	if (c == '-' || c == '.' || c == '/') && j+1 < len(s) && isDigit(s[j+1]) {
		return false
	}
	return true
}

// matchCard finds 13-19 digits, contiguous or in groups separated by one space or dash
// (4-4-4-4, 4-6-5, ...), that name a major brand and pass Luhn. For grouped numbers the
// longest valid prefix of groups wins, so a card followed by another number is still found.
func matchCard(s string, i int) int {
	j := runOf(s, i, isDigit)
	run := j - i
	if run >= 13 && run <= 19 {
		if numberEnd(s, j) && ValidCard(s[i:j]) {
			return j
		}
		return 0
	}
	if run != 4 || j >= len(s) || (s[j] != ' ' && s[j] != '-') {
		return 0
	}
	sep := s[j]
	var buf [19]byte
	copy(buf[:], s[i:j])
	count, best := 4, 0
	for j < len(s) && s[j] == sep {
		k := runOf(s, j+1, isDigit)
		g := k - (j + 1)
		if g < 3 || count+g > 19 {
			break
		}
		copy(buf[count:], s[j+1:k])
		count += g
		j = k
		if count >= 13 && (j >= len(s) || !isWord(s[j])) && ValidCard(string(buf[:count])) {
			best = j
		}
	}
	return best
}

// matchSSN finds ddd-dd-dddd or ddd dd dddd that follows the SSA's rules.
func matchSSN(s string, i int) int {
	if i+11 > len(s) {
		return 0
	}
	sep := s[i+3]
	if sep != '-' && sep != ' ' || s[i+6] != sep {
		return 0
	}
	var buf [9]byte
	n := 0
	for k := i; k < i+11; k++ {
		if k == i+3 || k == i+6 {
			continue
		}
		if !isDigit(s[k]) {
			return 0
		}
		buf[n] = s[k]
		n++
	}
	if !numberEnd(s, i+11) || sep == ' ' && i+12 < len(s) && s[i+11] == ' ' && isDigit(s[i+12]) {
		return 0
	}
	if !ValidSSN(string(buf[:])) {
		return 0
	}
	return i + 11
}

// digitsThen reads exactly n digits at i and returns the index after them, or -1.
func digitsThen(s string, i, n int) int {
	if i+n > len(s) {
		return -1
	}
	for k := i; k < i+n; k++ {
		if !isDigit(s[k]) {
			return -1
		}
	}
	return i + n
}

// matchNANP finds North American numbers: [1-]ddd-ddd-dddd with '-', '.' or ' ' used
// consistently, with a valid area code and exchange.
func matchNANP(s string, i int) int {
	j := i
	if s[j] == '1' && j+1 < len(s) && (s[j+1] == '-' || s[j+1] == '.' || s[j+1] == ' ') {
		j += 2
	}
	a := digitsThen(s, j, 3)
	if a < 0 || a >= len(s) {
		return 0
	}
	sep := s[a]
	if sep != '-' && sep != '.' && sep != ' ' {
		return 0
	}
	b := digitsThen(s, a+1, 3)
	if b < 0 || b >= len(s) || s[b] != sep {
		return 0
	}
	c := digitsThen(s, b+1, 4)
	if c < 0 || !numberEnd(s, c) || sep == ' ' && c+1 < len(s) && s[c] == ' ' && isDigit(s[c+1]) {
		return 0
	}
	var buf [10]byte
	copy(buf[0:3], s[j:a])
	copy(buf[3:6], s[a+1:b])
	copy(buf[6:10], s[b+1:c])
	if !ValidNANP(string(buf[:])) {
		return 0
	}
	return c
}

// matchNationalPhone finds numbers with a national trunk prefix written in groups, as in
// "020 7946 0958", "07700 900123" or "01 23 45 67 89": a leading 0 then 1-9, groups of
// 2-6 digits separated by one space or dash, 10 or 11 digits in all.
func matchNationalPhone(s string, i int) int {
	if s[i] != '0' || i+1 >= len(s) || s[i+1] < '1' || s[i+1] > '9' {
		return 0
	}
	j := runOf(s, i, isDigit)
	first := j - i
	if first < 2 || first > 5 || j >= len(s) || (s[j] != ' ' && s[j] != '-') {
		return 0
	}
	sep := s[j]
	count, groups, best := first, 1, 0
	for j < len(s) && s[j] == sep {
		k := runOf(s, j+1, isDigit)
		g := k - (j + 1)
		if g < 2 || g > 6 || count+g > 11 {
			break
		}
		count += g
		groups++
		j = k
		if count >= 10 && numberEnd(s, j) {
			best = j
		}
	}
	if groups < 2 {
		return 0
	}
	return best
}

// matchE164 finds '+' then 8-15 digits, the first 1-9, in groups separated by at most two
// of " -.()" (so "+1 (415) 555-2671" and "+44 (0)20 7946 0958" both count).
func matchE164(s string, i int) int { return matchE164At(s, i, 1) }

// matchE164At is matchE164 where the '+' at s[i] is plusLen bytes long ("%2B" in a URL).
func matchE164At(s string, i, plusLen int) int {
	if i > 0 && isWord(s[i-1]) && !afterEscape(s, i) || i+plusLen >= len(s) {
		return 0
	}
	j := i + plusLen
	if s[j] == '(' {
		j++
	}
	if j >= len(s) || s[j] < '1' || s[j] > '9' {
		return 0
	}
	count, best := 0, 0
	for j < len(s) {
		k := runOf(s, j, isDigit)
		if k == j {
			break
		}
		count += k - j
		if count > 15 {
			break
		}
		end := k
		if k < len(s) && s[k] == ')' {
			end = k + 1
		}
		if count >= 8 && (end >= len(s) || !isWord(s[end])) {
			best = end
		}
		// Up to two separators before the next group.
		sepEnd := k
		for sepEnd < len(s) && sepEnd-k < 2 && (s[sepEnd] == ' ' || s[sepEnd] == '-' || s[sepEnd] == '.' || s[sepEnd] == '(' || s[sepEnd] == ')') {
			sepEnd++
		}
		if sepEnd == k {
			break
		}
		j = sepEnd
	}
	return best
}

// matchParenPhone finds "(ddd) ddd-dddd", "(ddd)ddd-dddd" and "(ddd) ddd.dddd".
func matchParenPhone(s string, i int) int {
	a := digitsThen(s, i+1, 3)
	if a < 0 || a >= len(s) || s[a] != ')' {
		return 0
	}
	j := a + 1
	if j < len(s) && s[j] == ' ' {
		j++
	}
	b := digitsThen(s, j, 3)
	if b < 0 || b >= len(s) || (s[b] != '-' && s[b] != '.' && s[b] != ' ') {
		return 0
	}
	c := digitsThen(s, b+1, 4)
	if c < 0 || !numberEnd(s, c) {
		return 0
	}
	var buf [10]byte
	copy(buf[0:3], s[i+1:a])
	copy(buf[3:6], s[j:b])
	copy(buf[6:10], s[b+1:c])
	if !ValidNANP(string(buf[:])) {
		return 0
	}
	return c
}

// octet reads a decimal 0-255 at i and returns the index after it, or -1.
func octet(s string, i int) int {
	j := i
	v := 0
	for j < len(s) && j-i < 3 && isDigit(s[j]) {
		v = v*10 + int(s[j]-'0')
		j++
	}
	if j == i || v > 255 || j < len(s) && isDigit(s[j]) {
		return -1
	}
	return j
}

// ipv4End returns the end of a dotted quad starting at i, or -1 (no boundary checks).
func ipv4End(s string, i int) int {
	j := i
	for k := 0; k < 4; k++ {
		if k > 0 {
			if j >= len(s) || s[j] != '.' {
				return -1
			}
			j++
		}
		if j = octet(s, j); j < 0 {
			return -1
		}
	}
	return j
}

func matchIPv4(s string, i int) int {
	j := ipv4End(s, i)
	if j < 0 || !numberEnd(s, j) {
		return 0
	}
	return j
}

// matchIPv6 finds an IPv6 address (RFC 4291 text forms, with an optional embedded IPv4
// tail) starting at i.
func matchIPv6(s string, i int) int {
	j := runOf(s, i, func(c byte) bool { return isHex(c) || c == ':' || c == '.' })
	for j > i && (s[j-1] == '.' || s[j-1] == ':' && !(j-2 >= i && s[j-2] == ':')) {
		j--
	}
	if j-i < 3 || (j < len(s) && isWord(s[j])) {
		return 0
	}
	if !validIPv6(s[i:j]) {
		return 0
	}
	return j
}

func validIPv6(s string) bool {
	groups, colons := 0, 0
	double := false
	i := 0
	if len(s) >= 2 && s[0] == ':' && s[1] == ':' {
		double = true
		i = 2
		colons = 2
	}
	for i < len(s) {
		j := i
		for j < len(s) && isHex(s[j]) && j-i < 5 {
			j++
		}
		if j < len(s) && s[j] == '.' {
			// Embedded IPv4 must be last and take the place of two groups.
			if ipv4End(s, i) != len(s) || groups > 6 {
				return false
			}
			groups += 2
			break
		}
		if j == i || j-i > 4 {
			return false
		}
		groups++
		if j == len(s) {
			break
		}
		if s[j] != ':' {
			return false
		}
		colons++
		if j+1 < len(s) && s[j+1] == ':' {
			if double {
				return false
			}
			double = true
			colons++
			i = j + 2
			continue
		}
		i = j + 1
		if i == len(s) {
			return false
		}
	}
	if colons < 2 || groups == 0 {
		return false
	}
	if double {
		return groups < 8
	}
	return groups == 8
}
