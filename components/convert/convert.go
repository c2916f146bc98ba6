package convert

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"

	"go.opentelemetry.io/collector/pdata/ptrace"
)

// Stats describes one conversion.
type Stats struct {
	Records int // input records decoded
	Spans   int // spans written
}

// Decode reads every record of data (gunzipped first when it starts with gzip's magic
// bytes) and calls emit for each. file names the input in errors (*InputError).
func Decode(data []byte, file string, from *Format, emit func(ptrace.Traces) error) error {
	data, err := gunzip(data)
	if err != nil {
		return &InputError{File: file, Err: err}
	}
	err = from.decode(data, emit)
	var re *recordError
	if errors.As(err, &re) {
		return &InputError{File: file, Record: re.record, Offset: re.offset, Err: fmt.Errorf("%s: %w", from.Name, re.err)}
	}
	return err
}

// DecodeAll decodes every record into one Traces.
func DecodeAll(data []byte, file string, from *Format) (ptrace.Traces, error) {
	all := ptrace.NewTraces()
	err := Decode(data, file, from, func(td ptrace.Traces) error {
		td.ResourceSpans().MoveAndAppendTo(all.ResourceSpans())
		return nil
	})
	return all, err
}

// Encode writes td in format to.
func Encode(w io.Writer, to *Format, td ptrace.Traces) error {
	if !to.CanWrite() {
		return fmt.Errorf("%w: cannot write %q; writable formats: %s", ErrUnsupported, to.Name, names((*Format).CanWrite))
	}
	return to.encode(w, td)
}

// Convert decodes data (named file in errors) and writes it to w in format to. A streaming
// output format gets each record as it is decoded; the others get everything at once.
func Convert(data []byte, file string, from, to *Format, w io.Writer) (Stats, error) {
	var st Stats
	if !to.CanWrite() {
		return st, Encode(w, to, ptrace.Traces{})
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	var all ptrace.Traces
	if !to.stream && to.frame == nil {
		all = ptrace.NewTraces()
	}
	var writeErr error
	framed := &framedWriter{w: bw, frame: to.frame}
	err := Decode(data, file, from, func(td ptrace.Traces) error {
		st.Records++
		switch {
		case to.stream:
			writeErr = to.encode(bw, td)
		case to.frame != nil:
			writeErr = framed.record(to, td)
		default:
			td.ResourceSpans().MoveAndAppendTo(all.ResourceSpans())
			return nil
		}
		st.Spans += td.SpanCount()
		return writeErr
	})
	if writeErr != nil {
		return st, &OutputError{Err: writeErr}
	}
	if err != nil {
		return st, err
	}
	if to.frame != nil {
		if err := framed.close(); err != nil {
			return st, &OutputError{Err: err}
		}
	}
	if !to.stream && to.frame == nil {
		st.Spans = all.SpanCount()
		if err := to.encode(bw, all); err != nil {
			return st, &OutputError{Err: err}
		}
	}
	if err := bw.Flush(); err != nil {
		return st, &OutputError{Err: err}
	}
	return st, nil
}

// OutputError is a failure to encode or write the output.
type OutputError struct{ Err error }

func (e *OutputError) Error() string { return "writing the output: " + e.Err.Error() }
func (e *OutputError) Unwrap() error { return e.Err }

func gunzip(data []byte) ([]byte, error) {
	if len(data) < 2 || data[0] != 0x1f || data[1] != 0x8b {
		return data, nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("gzip: %w", err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("gzip: %w", err)
	}
	return out, nil
}

// framedWriter writes the records of a framed JSON format as one document: the prefix once,
// each record's list items (its own frame removed) separated by commas, the suffix at the end.
// Contrib's Zipkin marshaler slows down more than linearly with the number of resources, and
// holding a whole file in pdata takes several times its size; record by record avoids both.
type framedWriter struct {
	w       io.Writer
	frame   *jsonFrame
	buf     bytes.Buffer
	started bool
}

func (f *framedWriter) record(to *Format, td ptrace.Traces) error {
	if td.ResourceSpans().Len() == 0 {
		return nil // encoders write {} or [] for nothing
	}
	f.buf.Reset()
	if err := to.encode(&f.buf, td); err != nil {
		return err
	}
	b := bytes.TrimSpace(f.buf.Bytes())
	if !bytes.HasPrefix(b, []byte(f.frame.prefix)) || !bytes.HasSuffix(b, []byte(f.frame.suffix)) {
		return fmt.Errorf("%s encoder wrote an unexpected document: %.40q", to.Name, b)
	}
	items := bytes.TrimSpace(b[len(f.frame.prefix) : len(b)-len(f.frame.suffix)])
	if len(items) == 0 {
		return nil
	}
	sep := ","
	if !f.started {
		sep, f.started = f.frame.prefix, true
	}
	if _, err := io.WriteString(f.w, sep); err != nil {
		return err
	}
	_, err := f.w.Write(items)
	return err
}

func (f *framedWriter) close() error {
	if !f.started {
		if _, err := io.WriteString(f.w, f.frame.prefix); err != nil {
			return err
		}
	}
	_, err := io.WriteString(f.w, f.frame.suffix+"\n")
	return err
}
