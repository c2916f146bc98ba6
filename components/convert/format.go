package convert

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"go.opentelemetry.io/collector/pdata/ptrace"
)

// Format is one wire format of trace data.
type Format struct {
	Name        string
	Description string
	// Lost says what the format cannot carry, for the docs table (`convert --list`).
	Lost string

	// decode reads every record of data and calls emit once per record.
	decode func(data []byte, emit func(ptrace.Traces) error) error
	// encode writes td as one message. nil when the format is read-only here.
	encode func(w io.Writer, td ptrace.Traces) error
	// stream is true when encode can be called once per input record and the
	// concatenation of the outputs is still one valid file of the format (JSON lines, YAML
	// documents, Thrift structs, and protobuf messages whose only field is repeated: their
	// concatenation is the message with the lists appended).
	stream bool
	// frame, for a JSON document around one list, lets records be written one by one: each
	// record's encoding loses the frame and the lists are joined with commas.
	frame *jsonFrame
}

// jsonFrame is the text around the list of a JSON document, as the encoder writes it.
type jsonFrame struct{ prefix, suffix string }

// CanRead reports whether convert decodes the format.
func (f *Format) CanRead() bool { return f.decode != nil }

// CanWrite reports whether convert encodes the format.
func (f *Format) CanWrite() bool { return f.encode != nil }

var formats = map[string]*Format{}

func register(f *Format) { formats[f.Name] = f }

// Formats lists every format, sorted by name.
func Formats() []*Format {
	out := make([]*Format, 0, len(formats))
	for _, f := range formats {
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func names(keep func(*Format) bool) string {
	var out []string
	for _, f := range Formats() {
		if keep(f) {
			out = append(out, f.Name)
		}
	}
	return strings.Join(out, ", ")
}

// Lookup returns the format named name, checking that it can be read (read true) or written.
// The error lists the formats that can.
func Lookup(name string, read bool) (*Format, error) {
	f, ok := formats[strings.ToLower(strings.TrimSpace(name))]
	switch {
	case read && (!ok || !f.CanRead()):
		return nil, fmt.Errorf("%w: cannot read %q; readable formats: %s", ErrUnsupported, name, names((*Format).CanRead))
	case !read && (!ok || !f.CanWrite()):
		return nil, fmt.Errorf("%w: cannot write %q; writable formats: %s", ErrUnsupported, name, names((*Format).CanWrite))
	}
	return f, nil
}

// single wraps a decoder of one-message files.
func single(dec func([]byte) (ptrace.Traces, error)) func([]byte, func(ptrace.Traces) error) error {
	return func(data []byte, emit func(ptrace.Traces) error) error {
		td, err := dec(data)
		if err != nil {
			return atRecord(0, 0, err)
		}
		return emit(td)
	}
}

// unmarshaler adapts a pdata unmarshaler to single.
func unmarshaler(u ptrace.Unmarshaler) func([]byte, func(ptrace.Traces) error) error {
	return single(u.UnmarshalTraces)
}

// marshaler adapts a pdata marshaler to an encoder.
func marshaler(m ptrace.Marshaler) func(io.Writer, ptrace.Traces) error {
	return func(w io.Writer, td ptrace.Traces) error {
		b, err := m.MarshalTraces(td)
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	}
}
