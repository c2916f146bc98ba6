package datadog

import "fmt"

// decodeV07 decodes /v0.7/traces. The Agent reads a TracerPayload there (a map
// with tracer fields and chunks); a body in the v0.4 shape (an array of
// traces) is accepted too, since some tracers send that.
func (d *decoder) decodeV07(b []byte, emit emitFunc) error {
	if len(b) > 0 && isArrayType(b[0]) {
		return d.decodeV04(b, emit)
	}
	n, b, err := readMapHeader(b)
	if err != nil {
		return fmt.Errorf("tracer payload: %w", err)
	}
	p := &d.payload
	// The chunks are decoded after every tracer field is known, wherever
	// they sit in the map.
	var chunks []byte
	for range n {
		var key []byte
		if key, b, err = readStrBytes(b); err != nil {
			return fmt.Errorf("tracer payload field name: %w", err)
		}
		switch string(key) {
		case "containerID", "container_id":
			p.ContainerID, b, err = readStr(b)
		case "languageName", "language_name":
			p.Lang, b, err = readStr(b)
		case "languageVersion", "language_version":
			p.LangVersion, b, err = readStr(b)
		case "tracerVersion", "tracer_version":
			p.TracerVersion, b, err = readStr(b)
		case "runtimeID", "runtime_id":
			p.RuntimeID, b, err = readStr(b)
		case "env":
			p.Env, b, err = readStr(b)
		case "hostname":
			p.Hostname, b, err = readStr(b)
		case "appVersion", "app_version":
			p.AppVersion, b, err = readStr(b)
		case "tags":
			b, err = readStrMap(b, &p.Attrs, d.chunk.bud)
		case "chunks":
			start := b
			if b, err = skip(b); err == nil {
				chunks = start[:len(start)-len(b)]
			}
		default:
			b, err = skip(b)
		}
		if err != nil {
			return fmt.Errorf("tracer payload %s: %w", key, err)
		}
	}
	if chunks == nil {
		return nil
	}
	_, err = d.decodeChunks(chunks, "chunk", d.decodeChunkV07, emit)
	return err
}

func (d *decoder) decodeChunkV07(b []byte, c *Chunk) ([]byte, error) {
	n, b, err := readMapHeader(b)
	if err != nil {
		return b, err
	}
	for range n {
		var key []byte
		if key, b, err = readStrBytes(b); err != nil {
			return b, err
		}
		switch string(key) {
		case "priority":
			c.Priority, b, err = readInt64(b)
			c.HasPriority = err == nil
		case "origin":
			c.Origin, b, err = readStr(b)
		case "spans":
			b, err = d.decodeSpanList(b, c)
		case "tags":
			b, err = readStrMap(b, &c.Attrs, c.bud)
		default:
			b, err = skip(b)
		}
		if err != nil {
			return b, fmt.Errorf("%s: %w", key, err)
		}
	}
	return b, nil
}
