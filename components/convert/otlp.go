package convert

import (
	"bytes"
	"errors"
	"io"

	"go.opentelemetry.io/collector/pdata/ptrace"
	"sigs.k8s.io/yaml"
)

func init() {
	register(&Format{
		Name:        "otlp-proto",
		Description: "OTLP protobuf: an ExportTraceServiceRequest (the body of POST /v1/traces, a gRPC Export message)",
		Lost:        "nothing",
		decode:      unmarshaler(&ptrace.ProtoUnmarshaler{}),
		encode:      marshaler(&ptrace.ProtoMarshaler{}),
		stream:      true,
	})
	register(&Format{
		Name:        "otlp-json",
		Description: "OTLP JSON: one ExportTraceServiceRequest (the body of POST /v1/traces with application/json)",
		Lost:        "nothing",
		decode:      unmarshaler(&ptrace.JSONUnmarshaler{}),
		encode:      marshaler(&ptrace.JSONMarshaler{}),
		frame:       &jsonFrame{prefix: `{"resourceSpans":[`, suffix: `]}`},
	})
	register(&Format{
		Name:        "otlp-jsonl",
		Description: "OTLP JSON lines: one request per line, as the file exporter writes them",
		Lost:        "nothing",
		decode:      decodeJSONLines,
		encode:      encodeJSONLine,
		stream:      true,
	})
	register(&Format{
		Name:        "otlp-yaml",
		Description: "OTLP as YAML documents (the JSON mapping), for people to read; the format of the golden files",
		Lost:        "nothing",
		decode:      decodeYAMLDocs,
		encode:      encodeYAMLDoc,
		stream:      true,
	})
}

func decodeJSONLines(data []byte, emit func(ptrace.Traces) error) error {
	var u ptrace.JSONUnmarshaler
	var offset int64
	for line := 0; len(data) > 0; line++ {
		n := bytes.IndexByte(data, '\n')
		rec := data
		if n >= 0 {
			rec, data = data[:n], data[n+1:]
		} else {
			data = nil
		}
		start := offset
		offset += int64(len(rec)) + 1
		if len(bytes.TrimSpace(rec)) == 0 {
			continue
		}
		td, err := u.UnmarshalTraces(rec)
		if err != nil {
			return atRecord(line, start, err)
		}
		if err := emit(td); err != nil {
			return err
		}
	}
	return nil
}

func encodeJSONLine(w io.Writer, td ptrace.Traces) error {
	var m ptrace.JSONMarshaler
	b, err := m.MarshalTraces(td)
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

var yamlSeparator = []byte("\n---\n")

func decodeYAMLDocs(data []byte, emit func(ptrace.Traces) error) error {
	var u ptrace.JSONUnmarshaler
	var offset int64
	if bytes.HasPrefix(data, yamlSeparator[1:]) {
		data, offset = data[len(yamlSeparator)-1:], int64(len(yamlSeparator)-1)
	}
	for doc := 0; len(data) > 0; doc++ {
		n := bytes.Index(data, yamlSeparator)
		rec := data
		if n >= 0 {
			rec, data = data[:n+1], data[n+len(yamlSeparator):]
		} else {
			data = nil
		}
		start := offset
		offset += int64(len(rec)) + int64(len(yamlSeparator)) - 1
		if len(bytes.TrimSpace(rec)) == 0 {
			continue
		}
		js, err := yaml.YAMLToJSON(rec)
		if err != nil {
			return atRecord(doc, start, err)
		}
		if bytes.Equal(bytes.TrimSpace(js), []byte("null")) {
			continue // a document holding only comments
		}
		td, err := u.UnmarshalTraces(js)
		if err != nil {
			return atRecord(doc, start, err)
		}
		if err := emit(td); err != nil {
			return err
		}
	}
	return nil
}

// encodeYAMLDoc writes one document; documents after the first are preceded by "---",
// which the caller cannot know, so every document ends with one and the decoder skips
// empty documents.
func encodeYAMLDoc(w io.Writer, td ptrace.Traces) error {
	var m ptrace.JSONMarshaler
	js, err := m.MarshalTraces(td)
	if err != nil {
		return err
	}
	y, err := yaml.JSONToYAML(js)
	if err != nil {
		return errors.Join(errors.New("YAML"), err)
	}
	if _, err := w.Write(y); err != nil {
		return err
	}
	_, err = w.Write(yamlSeparator[1:])
	return err
}
