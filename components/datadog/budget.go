package datadog

import (
	"errors"
	"fmt"
)

// Limits bound what one request may decode into, so that memory and CPU
// stay proportional to the body whatever its shape: a few bytes on the wire
// can otherwise stand for many decoded values (an empty span is one byte of
// msgpack; a chunk tag or a shared string is copied into every span).
type Limits struct {
	// MaxItems bounds the spans, metric data points or log records of one
	// request. 0 means no limit.
	MaxItems int
	// MaxAttributes bounds the attributes written for one request, counted
	// after shared ones (chunk, payload and series tags, shared span events)
	// are copied into each item; span events and links count as one each.
	// 0 means no limit.
	MaxAttributes int
}

// ErrLimit is matched (errors.Is) by every *LimitError.
var ErrLimit = errors.New("decoding limit exceeded")

// LimitError reports a payload that decodes to more than a Limits field.
type LimitError struct {
	// What is "items" or "attributes".
	What string
	Max  int
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("the payload decodes to more than %d %s", e.Max, e.What)
}

// Is makes errors.Is(err, ErrLimit) true.
func (e *LimitError) Is(target error) bool { return target == ErrLimit }

// budget counts what one request has decoded against its Limits. Adding
// never fails loudly: the first overflow is recorded in err, and callers stop
// growing what they build as soon as an add returns false, then return err
// at the next item boundary. A nil *budget has no limits.
type budget struct {
	lim          Limits
	items, attrs int
	err          error
}

func newBudget(lim Limits) *budget { return &budget{lim: lim} }

// item counts n items; false once over MaxItems.
func (b *budget) item(n int) bool {
	if b == nil {
		return true
	}
	b.items += n
	if b.lim.MaxItems > 0 && b.items > b.lim.MaxItems {
		if b.err == nil {
			b.err = &LimitError{What: "items", Max: b.lim.MaxItems}
		}
		return false
	}
	return b.err == nil
}

// attr counts n attributes; false once over MaxAttributes.
func (b *budget) attr(n int) bool {
	if b == nil {
		return true
	}
	b.attrs += n
	if b.lim.MaxAttributes > 0 && b.attrs > b.lim.MaxAttributes {
		if b.err == nil {
			b.err = &LimitError{What: "attributes", Max: b.lim.MaxAttributes}
		}
		return false
	}
	return b.err == nil
}

// failed is the recorded overflow, or nil.
func (b *budget) failed() error {
	if b == nil {
		return nil
	}
	return b.err
}

// appendAttr appends a to *dst unless the budget is spent.
func (b *budget) appendAttr(dst *[]Attr, a Attr) {
	if b.attr(1) {
		*dst = append(*dst, a)
	}
}
