package convert

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
)

// Sniff guesses the format of a file from its name (a suffix that is a format name, as the
// captures in testdata are named, or .jsonl/.yaml) or, for the text formats, from its first
// bytes. Binary formats (protobuf, Thrift, msgpack) cannot be told apart reliably: name them.
func Sniff(name string, data []byte) (*Format, error) {
	ext := strings.TrimPrefix(filepath.Ext(name), ".")
	if f, ok := formats[ext]; ok && f.CanRead() {
		return f, nil
	}
	switch ext {
	case "jsonl":
		return formats["otlp-jsonl"], nil
	case "yaml", "yml":
		return formats["otlp-yaml"], nil
	}
	data, err := gunzip(data)
	if err != nil {
		return nil, err
	}
	head := bytes.TrimLeft(data[:min(len(data), 4096)], " \t\r\n")
	switch {
	case bytes.HasPrefix(head, []byte("{")) && bytes.Contains(head, []byte(`"resourceSpans"`)):
		if i := bytes.IndexByte(bytes.TrimSpace(data), '\n'); i >= 0 && bytes.HasPrefix(bytes.TrimSpace(data)[i+1:], []byte("{")) {
			return formats["otlp-jsonl"], nil
		}
		return formats["otlp-json"], nil
	case bytes.HasPrefix(head, []byte("{")) && bytes.Contains(head, []byte(`"data"`)):
		return formats["jaeger-json"], nil
	case bytes.HasPrefix(head, []byte("[")) && bytes.Contains(head, []byte(`"binaryAnnotations"`)):
		return formats["zipkin-v1-json"], nil
	case bytes.HasPrefix(head, []byte("[")) && bytes.Contains(head, []byte(`"traceId"`)):
		return formats["zipkin-json"], nil
	case bytes.HasPrefix(head, []byte("resourceSpans:")):
		return formats["otlp-yaml"], nil
	}
	return nil, errors.New("cannot tell the format from the name or the content; name it (binary formats: " +
		names(func(f *Format) bool { return f.CanRead() && !strings.Contains(f.Name, "json") && f.Name != "otlp-yaml" }) + ")")
}
