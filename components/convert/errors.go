package convert

import (
	"errors"
	"fmt"
)

// ErrUnsupported is returned for a format or a direction convert does not handle; the
// message lists what it does handle.
var ErrUnsupported = errors.New("unsupported conversion")

// InputError says where in the input decoding failed: the file, the record (0-based: the
// line of a JSON-lines file, the batch of a Thrift stream) and the byte offset of the
// record's start, or of the failing byte when the decoder knows it.
type InputError struct {
	File   string
	Record int
	Offset int64
	Err    error
}

func (e *InputError) Error() string {
	return fmt.Sprintf("%s: record %d at byte %d: %v", e.File, e.Record, e.Offset, e.Err)
}

func (e *InputError) Unwrap() error { return e.Err }

// recordError is what a decoder returns; Decode adds the file name.
type recordError struct {
	record int
	offset int64
	err    error
}

func (e *recordError) Error() string {
	return fmt.Sprintf("record %d at byte %d: %v", e.record, e.offset, e.err)
}

func (e *recordError) Unwrap() error { return e.err }

func atRecord(record int, offset int64, err error) error {
	return &recordError{record: record, offset: offset, err: err}
}
