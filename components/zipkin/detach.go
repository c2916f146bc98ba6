package zipkin

import (
	"strings"
	"unsafe"
)

// Strings of the decoded span alias the body. Left that way, one span kept
// downstream (by a tail sampler, a queue, a batch) keeps the whole request
// body alive: a 20 MiB body for a 500-byte span. detach copies the span's
// strings that point into raw (its JSON object or protobuf message) into
// one allocation of exactly their size, so what a span keeps alive is its
// own text. Options.AliasBody skips this.
func (s *span) detach(raw []byte) {
	if len(raw) == 0 {
		return
	}
	lo := uintptr(unsafe.Pointer(&raw[0]))
	hi := lo + uintptr(len(raw))
	inBody := func(p *string) bool {
		if len(*p) == 0 {
			return false
		}
		a := uintptr(unsafe.Pointer(unsafe.StringData(*p)))
		return a >= lo && a < hi
	}
	n := 0
	s.eachString(func(p *string) {
		if inBody(p) {
			n += len(*p)
		}
	})
	if n == 0 {
		return
	}
	own := make([]byte, 0, n)
	s.eachString(func(p *string) {
		if inBody(p) {
			at := len(own)
			own = append(own, *p...)
			*p = unsafe.String(&own[at], len(*p))
		}
	})
}

// eachString calls f for every string of the span that reaches pdata.
func (s *span) eachString(f func(*string)) {
	f(&s.name)
	for _, e := range [2]*endpoint{&s.local, &s.remote} {
		f(&e.serviceName)
		f(&e.ipv4)
		f(&e.ipv6)
	}
	for i := range s.annotations {
		f(&s.annotations[i].value)
	}
	for i := range s.tags {
		if t := &s.tags[i]; !t.drop && t.class != classResource && t.class != classNonSpan {
			f(&t.key)
			f(&t.value)
		}
	}
}

// detachGroups copies what the resources and scopes take from the body.
func (b *builder) detachGroups() {
	for i := range b.groups {
		g := &b.groups[i]
		g.srcKey = strings.Clone(g.srcKey)
		for j := range g.srcTags {
			g.srcTags[j].key = strings.Clone(g.srcTags[j].key)
			g.srcTags[j].value = strings.Clone(g.srcTags[j].value)
		}
		for j := range g.scopes {
			for k := range g.scopes[j].names {
				g.scopes[j].names[k] = strings.Clone(g.scopes[j].names[k])
			}
		}
	}
}
