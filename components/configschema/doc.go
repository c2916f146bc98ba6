// Package configschema builds a JSON Schema (draft 2020-12) of a collector configuration from
// the component factories of a build: each component's Config struct is walked by reflection
// the way the collector's confmap decodes it (mapstructure tags, squashed embedded structs,
// text-unmarshalled types as strings, durations as strings, configoptional blocks), and the
// defaults come from the factory's createDefaultConfig. Unknown keys are rejected, as the
// collector rejects them, so editors flag typos.
//
// Field documentation is not included: Go doc comments are not available at run time, and
// parsing the sources of every contrib module at generation time is left for later.
package configschema
