package datadogreceiver // import "github.com/otelcol-bridge/otelcol-bridge/receiver/datadogreceiver"

import (
	"errors"
	"fmt"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/confighttp"
	"go.opentelemetry.io/collector/config/configoptional"
)

// Span name sources for Config.SpanName.
const (
	SpanNameResource  = "resource"
	SpanNameOperation = "operation"
)

// Config of the datadog receiver. endpoint, read_timeout and
// trace_id_cache_size mean what they mean in contrib's datadog receiver, so
// a contrib configuration of those keys works unchanged.
type Config struct {
	// ServerConfig is the HTTP server: endpoint (default localhost:8126),
	// read_timeout (default 60s), max_request_body_size (default 25 MiB, the
	// Agent's own limit), TLS, auth, compression algorithms, ...
	confighttp.ServerConfig `mapstructure:",squash"`

	// TraceIDCacheSize bounds the fallback cache of upper 64 trace-id bits,
	// used only for chunks that carry none (see README). 0 disables it.
	TraceIDCacheSize int `mapstructure:"trace_id_cache_size"`

	// SpanName chooses the OTLP span name: "resource" (the Datadog resource,
	// such as "GET /api/orders/{id}"; the default) or "operation" (the Datadog
	// operation name, such as "http.request"). The other one is kept as the
	// resource.name or operation.name attribute either way.
	SpanName string `mapstructure:"span_name"`

	// DropRejectedTraces drops chunks whose sampling priority is 0
	// (AUTO_REJECT) or negative (USER_REJECT), counting them as refused with
	// reason sampling_rejected. Off by default: every span is forwarded with
	// its sampling.priority attribute, so a sampler downstream decides.
	DropRejectedTraces bool `mapstructure:"drop_rejected_traces"`

	// MaxItemsPerRequest bounds the spans, metric data points or log records
	// one request may decode into (default 100,000). A payload beyond it is
	// refused with 413 and nothing of it is forwarded. 0 disables the bound.
	MaxItemsPerRequest int `mapstructure:"max_items_per_request"`

	// MaxAttributesPerRequest bounds the attributes one request may decode
	// into, counted after shared tags (chunk, payload and series tags, shared
	// span events) are copied into every item (default 1,000,000: about
	// 100 MB of pdata). Beyond it: 413. 0 disables the bound.
	MaxAttributesPerRequest int `mapstructure:"max_attributes_per_request"`

	// MaxConcurrentDecodes bounds the requests read and decoded at once, as
	// the Datadog Agent bounds its decoders; the others wait up to
	// DecodeWaitTimeout, then get 429 (tracer paths) or 503 (Agent paths),
	// both with Retry-After. 0 (the default) means one per CPU the process
	// may use (GOMAXPROCS).
	MaxConcurrentDecodes int `mapstructure:"max_concurrent_decodes"`

	// DecodeWaitTimeout is how long a request waits for a decode slot
	// (default 1s, the Agent's decoder_timeout).
	DecodeWaitTimeout time.Duration `mapstructure:"decode_wait_timeout"`

	// DogStatsD serves DogStatsD over UDP, how most applications send custom
	// metrics (datadog-go, dd-trace runtime metrics). Off unless the
	// dogstatsd key is present; then it listens on localhost:8125 by default.
	DogStatsD configoptional.Optional[DogStatsDConfig] `mapstructure:"dogstatsd"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// DogStatsDConfig is the DogStatsD-over-UDP listener.
type DogStatsDConfig struct {
	// Endpoint is the UDP listen address (default localhost:8125).
	Endpoint string `mapstructure:"endpoint"`
	// QueueSize bounds the datagrams read but not yet translated (default
	// 4096); when it is full, new datagrams are dropped and counted.
	QueueSize int `mapstructure:"queue_size"`
	// BufferSize is the largest datagram read, in bytes (default 8192, the
	// Agent's dogstatsd_buffer_size); longer ones are truncated by the kernel
	// and their cut line is skipped as malformed.
	BufferSize int `mapstructure:"buffer_size"`
}

var _ component.Config = (*Config)(nil)

// Sentinel errors of Validate.
var (
	ErrMissingEndpoint = errors.New("endpoint: must not be empty")
	ErrCacheSize       = errors.New("trace_id_cache_size: must not be negative")
	ErrSpanName        = errors.New(`span_name: must be "resource" or "operation"`)
	ErrReadTimeout     = errors.New("read_timeout: must not be negative")
	ErrMaxBodySize     = errors.New("max_request_body_size: must not be negative")
	ErrMaxItems        = errors.New("max_items_per_request: must not be negative")
	ErrMaxAttributes   = errors.New("max_attributes_per_request: must not be negative")
	ErrMaxDecodes      = errors.New("max_concurrent_decodes: must not be negative")
	ErrDecodeWait      = errors.New("decode_wait_timeout: must not be negative")

	// Errors of DogStatsDConfig.Validate; the collector prefixes them with dogstatsd.
	ErrDogStatsDEndpoint   = errors.New("endpoint: must not be empty")
	ErrDogStatsDQueueSize  = errors.New("queue_size: must be positive")
	ErrDogStatsDBufferSize = errors.New("buffer_size: must be positive")
)

// Validate checks the configuration.
func (cfg *Config) Validate() error {
	var errs []error
	if cfg.NetAddr.Endpoint == "" {
		errs = append(errs, ErrMissingEndpoint)
	}
	if cfg.TraceIDCacheSize < 0 {
		errs = append(errs, fmt.Errorf("%w, got %d", ErrCacheSize, cfg.TraceIDCacheSize))
	}
	if cfg.SpanName != SpanNameResource && cfg.SpanName != SpanNameOperation {
		errs = append(errs, fmt.Errorf("%w, got %q", ErrSpanName, cfg.SpanName))
	}
	if cfg.ReadTimeout < 0 {
		errs = append(errs, fmt.Errorf("%w, got %s", ErrReadTimeout, cfg.ReadTimeout))
	}
	if cfg.MaxRequestBodySize < 0 {
		errs = append(errs, fmt.Errorf("%w, got %d", ErrMaxBodySize, cfg.MaxRequestBodySize))
	}
	if cfg.MaxItemsPerRequest < 0 {
		errs = append(errs, fmt.Errorf("%w, got %d", ErrMaxItems, cfg.MaxItemsPerRequest))
	}
	if cfg.MaxAttributesPerRequest < 0 {
		errs = append(errs, fmt.Errorf("%w, got %d", ErrMaxAttributes, cfg.MaxAttributesPerRequest))
	}
	if cfg.MaxConcurrentDecodes < 0 {
		errs = append(errs, fmt.Errorf("%w, got %d", ErrMaxDecodes, cfg.MaxConcurrentDecodes))
	}
	if cfg.DecodeWaitTimeout < 0 {
		errs = append(errs, fmt.Errorf("%w, got %s", ErrDecodeWait, cfg.DecodeWaitTimeout))
	}
	return errors.Join(errs...)
}

// Validate checks the DogStatsD listener; the collector calls it only when the dogstatsd
// key is present.
func (d *DogStatsDConfig) Validate() error {
	var errs []error
	if d.Endpoint == "" {
		errs = append(errs, ErrDogStatsDEndpoint)
	}
	if d.QueueSize <= 0 {
		errs = append(errs, fmt.Errorf("%w, got %d", ErrDogStatsDQueueSize, d.QueueSize))
	}
	if d.BufferSize <= 0 {
		errs = append(errs, fmt.Errorf("%w, got %d", ErrDogStatsDBufferSize, d.BufferSize))
	}
	return errors.Join(errs...)
}

const (
	defaultEndpoint         = "localhost:8126"
	defaultReadTimeout      = 60 * time.Second
	defaultTraceIDCacheSize = 100
	// The Datadog Agent's default max_request_bytes.
	defaultMaxRequestBodySize = 25 * 1024 * 1024
	// Far above what tracers and Agents send in one payload (dd-trace
	// libraries flush a few thousand spans, the Agent at most 10,000 points
	// or 1,000 logs), far below what a 25 MiB body of empty items would be.
	defaultMaxItemsPerRequest      = 100_000
	defaultMaxAttributesPerRequest = 1_000_000
	defaultDecodeWaitTimeout       = time.Second
	defaultDogStatsDEndpoint       = "localhost:8125"
	defaultDogStatsDQueueSize      = 4096
	defaultDogStatsDBufferSize     = 8192
)
