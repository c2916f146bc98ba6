package configschema

import (
	"encoding"
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/confmap"
)

// Kinds holds a build's factories by the configuration section they appear in.
type Kinds struct {
	Receivers, Processors, Exporters, Extensions, Connectors map[component.Type]component.Factory
}

// Schema is a JSON Schema document.
type Schema = map[string]any

// envRef is a value the collector resolves before decoding (${env:X}, ${file:...}, ${X}):
// allowed wherever a scalar is, since its type is only known after resolution.
var envRef = Schema{"type": "string", "pattern": `^\$\{.+\}$`}

// Generate returns the schema of a whole configuration for the factories in k.
func Generate(k Kinds, title string) Schema {
	defs := Schema{}
	section := func(kind string, factories map[component.Type]component.Factory) Schema {
		pattern := Schema{}
		for _, typ := range sortedTypes(factories) {
			f := factories[typ]
			ref := kind + "." + typ.String()
			defs[ref] = objectSchema(f.CreateDefaultConfig())
			// "otlp" or "otlp/anything"; an empty value means the defaults.
			pattern["^"+regexp.QuoteMeta(typ.String())+"(/.*)?$"] = Schema{"anyOf": []any{Schema{"$ref": "#/$defs/" + ref}, Schema{"type": "null"}}}
		}
		return Schema{"type": "object", "patternProperties": pattern, "additionalProperties": false}
	}
	names := Schema{"type": "array", "items": Schema{"type": "string"}}
	pipeline := Schema{
		"type": "object",
		"properties": Schema{
			"receivers": names, "processors": names, "exporters": names,
		},
		"required":             []any{"receivers", "exporters"},
		"additionalProperties": false,
	}
	return Schema{
		"$schema":     "https://json-schema.org/draft/2020-12/schema",
		"$id":         "otelcol-bridge-config.schema.json",
		"title":       title,
		"description": "Configuration of " + title + ": every component in the build, from its Config struct and defaults.",
		"type":        "object",
		"properties": Schema{
			"receivers":  section("receiver", k.Receivers),
			"processors": section("processor", k.Processors),
			"exporters":  section("exporter", k.Exporters),
			"extensions": section("extension", k.Extensions),
			"connectors": section("connector", k.Connectors),
			"service": Schema{
				"type": "object",
				"properties": Schema{
					"extensions": names,
					"pipelines": Schema{
						"type":                 "object",
						"patternProperties":    Schema{`^(traces|metrics|logs|profiles)(/.*)?$`: pipeline},
						"additionalProperties": false,
					},
					// The service's own telemetry is decoded by the otelcol package's
					// telemetry factory, which the component factories do not include.
					"telemetry": Schema{"type": "object"},
				},
				"additionalProperties": false,
			},
		},
		"additionalProperties": false,
		"$defs":                defs,
	}
}

func sortedTypes(m map[component.Type]component.Factory) []component.Type {
	out := make([]component.Type, 0, len(m))
	for t := range m {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}

var (
	confUnmarshaler = reflect.TypeFor[confmap.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
	durationType    = reflect.TypeFor[time.Duration]()
)

// objectSchema is the schema of a component's config, from its default value.
func objectSchema(cfg any) Schema {
	v := reflect.ValueOf(cfg)
	for v.Kind() == reflect.Pointer && !v.IsNil() {
		v = v.Elem()
	}
	return valueSchema(v.Type(), v, map[reflect.Type]bool{})
}

// valueSchema describes type t; v is its default value when known (may be invalid).
func valueSchema(t reflect.Type, v reflect.Value, seen map[reflect.Type]bool) Schema {
	if t.Kind() == reflect.Pointer {
		var ev reflect.Value
		if v.IsValid() && !v.IsNil() {
			ev = v.Elem()
		}
		s := valueSchema(t.Elem(), ev, seen)
		return Schema{"anyOf": []any{s, Schema{"type": "null"}}}
	}
	if t == durationType {
		s := Schema{"anyOf": []any{Schema{"type": "string", "pattern": `^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$|^0$|^\$\{.+\}$`}, Schema{"type": "integer"}}}
		if v.IsValid() && v.Int() != 0 {
			s["default"] = time.Duration(v.Int()).String()
		}
		return s
	}
	if reflect.PointerTo(t).Implements(textUnmarshaler) || t.Implements(textUnmarshaler) {
		s := Schema{"type": "string"}
		if v.IsValid() {
			if m, ok := v.Interface().(encoding.TextMarshaler); ok {
				if b, err := m.MarshalText(); err == nil && len(b) > 0 {
					s["default"] = string(b)
				}
			}
		}
		return s
	}
	if isOptional(t) {
		return optionalSchema(t, v, seen)
	}
	// A type with its own confmap Unmarshal decides what it accepts: a list type may take a
	// map (configopaque.MapList), a struct may take keys that select a variant (stanza
	// operators, host metrics scrapers). Its known fields are described, other keys allowed.
	custom := reflect.PointerTo(t).Implements(confUnmarshaler)
	if custom && t.Kind() != reflect.Struct {
		return Schema{}
	}
	switch t.Kind() {
	case reflect.String:
		s := Schema{"type": "string"}
		if v.IsValid() && v.String() != "" {
			s["default"] = v.String()
		}
		return s
	case reflect.Bool:
		s := Schema{"anyOf": []any{Schema{"type": "boolean"}, envRef}}
		if v.IsValid() && v.Bool() {
			s["default"] = true
		}
		return s
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		s := Schema{"anyOf": []any{Schema{"type": "integer"}, envRef}}
		if v.IsValid() && v.Int() != 0 {
			s["default"] = v.Int()
		}
		return s
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		s := Schema{"anyOf": []any{Schema{"type": "integer", "minimum": 0}, envRef}}
		if v.IsValid() && v.Uint() != 0 {
			s["default"] = v.Uint()
		}
		return s
	case reflect.Float32, reflect.Float64:
		s := Schema{"anyOf": []any{Schema{"type": "number"}, envRef}}
		if v.IsValid() && v.Float() != 0 {
			s["default"] = v.Float()
		}
		return s
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return Schema{"type": "string"}
		}
		// confmap splits a string on commas into a []string.
		return Schema{"anyOf": []any{Schema{"type": "array", "items": valueSchema(t.Elem(), reflect.Value{}, seen)}, Schema{"type": "string"}, Schema{"type": "null"}}}
	case reflect.Map:
		return Schema{"anyOf": []any{Schema{"type": "object", "additionalProperties": valueSchema(t.Elem(), reflect.Value{}, seen)}, Schema{"type": "null"}}}
	case reflect.Struct:
		if foreignStruct(t) {
			// A third-party type decoded by the component's own code (Prometheus' scrape
			// config has yaml tags): any object, the component validates it.
			return Schema{"type": "object"}
		}
		if seen[t] {
			return Schema{} // a recursive type: anything below the first level
		}
		seen[t] = true
		defer delete(seen, t)
		props := Schema{}
		open := false
		addFields(t, v, props, &open, seen)
		if custom {
			acceptRewrittenScalars(t, props)
		}
		s := Schema{"type": "object", "properties": props}
		if !open && !custom {
			s["additionalProperties"] = false
		}
		return s
	}
	// Interfaces, funcs, channels: whatever the component accepts.
	return Schema{}
}

// acceptRewrittenScalars lets the numeric and boolean fields of a struct with its own confmap
// Unmarshal also be strings: such an Unmarshal may rewrite a value before decoding it
// (configkafka's producer turns required_acks: all into -1), and only running it knows which.
func acceptRewrittenScalars(t reflect.Type, props Schema) {
	for name, p := range props {
		field, ok := fieldByKey(t, name)
		if !ok {
			continue
		}
		switch field.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
			reflect.Float32, reflect.Float64, reflect.Bool:
			props[name] = Schema{"anyOf": []any{p, Schema{"type": "string"}}}
		}
	}
}

// fieldByKey is the type of t's field that mapstructure decodes key into (squashed and
// embedded structs included).
func fieldByKey(t reflect.Type, key string) (reflect.Type, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("mapstructure"), ",")
		ft := f.Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if (strings.Contains(opts, "squash") || (f.Anonymous && name == "")) && ft.Kind() == reflect.Struct {
			if inner, ok := fieldByKey(ft, key); ok {
				return inner, true
			}
			continue
		}
		if name == "" {
			name = f.Name
		}
		if name == key && f.IsExported() {
			return f.Type, true
		}
	}
	return nil, false
}

// addFields adds t's fields to props as mapstructure decodes them.
func addFields(t reflect.Type, v reflect.Value, props Schema, open *bool, seen map[reflect.Type]bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("mapstructure")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" || (!f.IsExported() && !f.Anonymous) {
			continue
		}
		var fv reflect.Value
		if v.IsValid() {
			fv = v.Field(i)
		}
		if strings.Contains(opts, "remain") {
			*open = true
			continue
		}
		if strings.Contains(opts, "squash") || (f.Anonymous && name == "") {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
				if fv.IsValid() && !fv.IsNil() {
					fv = fv.Elem()
				} else {
					fv = reflect.Value{}
				}
			}
			if ft.Kind() == reflect.Struct && !isOptional(ft) {
				addFields(ft, fv, props, open, seen)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		props[name] = valueSchema(f.Type, fv, seen)
	}
}

func isOptional(t reflect.Type) bool {
	return t.Kind() == reflect.Struct && strings.HasSuffix(t.PkgPath(), "configoptional") && strings.HasPrefix(t.Name(), "Optional[")
}

// optionalSchema: a configoptional block is its value's schema, or null (present with the
// defaults); its default value is shown when the default config enables it.
func optionalSchema(t reflect.Type, v reflect.Value, seen map[reflect.Type]bool) Schema {
	get, ok := reflect.PointerTo(t).MethodByName("Get")
	if !ok {
		return Schema{}
	}
	inner := get.Type.Out(0).Elem()
	var iv reflect.Value
	if v.IsValid() && v.CanAddr() {
		if out := v.Addr().MethodByName("Get").Call(nil)[0]; !out.IsNil() {
			iv = out.Elem()
		}
	} else if v.IsValid() {
		cp := reflect.New(t)
		cp.Elem().Set(v)
		if out := cp.MethodByName("Get").Call(nil)[0]; !out.IsNil() {
			iv = out.Elem()
		}
	}
	s := valueSchema(inner, iv, seen)
	// "enabled: false" turns an optional block off (configoptional's own key).
	if props, ok := s["properties"].(Schema); ok {
		props["enabled"] = Schema{"anyOf": []any{Schema{"type": "boolean"}, envRef}}
	}
	return Schema{"anyOf": []any{s, Schema{"type": "null"}}}
}

// Describe lists the components in a schema, for messages.
func Describe(k Kinds) string {
	return fmt.Sprintf("%d receivers, %d processors, %d exporters, %d extensions, %d connectors",
		len(k.Receivers), len(k.Processors), len(k.Exporters), len(k.Extensions), len(k.Connectors))
}

// foreignStruct: no field has a mapstructure tag but some have yaml or json tags.
func foreignStruct(t reflect.Type) bool {
	other := false
	for i := range t.NumField() {
		tag := t.Field(i).Tag
		if _, ok := tag.Lookup("mapstructure"); ok {
			return false
		}
		if _, ok := tag.Lookup("yaml"); ok {
			other = true
		}
		if _, ok := tag.Lookup("json"); ok {
			other = true
		}
	}
	return other
}
