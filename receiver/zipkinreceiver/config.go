package zipkinreceiver // import "github.com/otelcol-bridge/otelcol-bridge/receiver/zipkinreceiver"

import (
	"errors"
	"fmt"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/confighttp"
)

// Config of the zipkin receiver: the keys of contrib's zipkin receiver, so a
// contrib configuration works unchanged.
type Config struct {
	// ServerConfig is the HTTP server: endpoint (default localhost:9411),
	// max_request_body_size (default 20 MiB, applied after decompression
	// too), TLS, auth, CORS, compression algorithms, ...
	confighttp.ServerConfig `mapstructure:",squash"`

	// ParseStringTags types tag values that look like integers, floats or
	// booleans (contrib's parse_string_tags). Off by default.
	ParseStringTags bool `mapstructure:"parse_string_tags"`

	// prevent unkeyed literal initialization
	_ struct{}
}

var _ component.Config = (*Config)(nil)

// Sentinel errors of Validate.
var (
	ErrMissingEndpoint = errors.New("endpoint: must not be empty")
	ErrMaxBodySize     = errors.New("max_request_body_size: must not be negative")
)

// Validate checks the configuration.
func (cfg *Config) Validate() error {
	var errs []error
	if cfg.NetAddr.Endpoint == "" {
		errs = append(errs, ErrMissingEndpoint)
	}
	if cfg.MaxRequestBodySize < 0 {
		errs = append(errs, fmt.Errorf("%w, got %d", ErrMaxBodySize, cfg.MaxRequestBodySize))
	}
	return errors.Join(errs...)
}
