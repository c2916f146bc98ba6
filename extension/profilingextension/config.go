package profilingextension

import (
	"errors"
	"fmt"
	"net/url"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/configgrpc"
	"go.opentelemetry.io/collector/config/confighttp"
	"go.opentelemetry.io/collector/config/configoptional"

	"github.com/otelcol-bridge/otelcol-bridge/components/profiles"
)

// MaxCPUDutyCycle bounds cpu_duration/interval. The CPU profiler is process-wide: while
// the schedule holds it, `/debug/pprof/profile` requests fail, and its cost (about 1% of
// one core at the runtime's 100 Hz) is paid for that share of the time.
const MaxCPUDutyCycle = 0.25

// Config of the profiling extension.
type Config struct {
	// ServerConfig is the HTTP server of the net/http/pprof endpoints (/debug/pprof/...),
	// as contrib's pprof extension serves them, but through confighttp so the endpoint
	// takes tls, auth (an authenticator extension such as bearertokenauth) and timeouts
	// like every other HTTP listener of the collector. `endpoint` keeps its meaning; an
	// empty endpoint turns the endpoints off.
	confighttp.ServerConfig `mapstructure:",squash"`

	// BlockProfileFraction is passed to runtime.SetBlockProfileRate: on average one
	// blocking event per this many nanoseconds blocked is sampled; 0 leaves block
	// profiling off. Needed by the block profile kind.
	BlockProfileFraction int `mapstructure:"block_profile_fraction"`
	// MutexProfileFraction is passed to runtime.SetMutexProfileFraction: on average one
	// in this many mutex contention events is sampled; 0 leaves mutex profiling off.
	// Needed by the mutex profile kind.
	MutexProfileFraction int `mapstructure:"mutex_profile_fraction"`

	// Interval between two collection cycles. Each cycle takes one profile of each kind.
	Interval time.Duration `mapstructure:"interval"`
	// CPUDuration is how long the CPU profile of each cycle runs; at most
	// MaxCPUDutyCycle of Interval.
	CPUDuration time.Duration `mapstructure:"cpu_duration"`
	// Profiles are the kinds each cycle takes: cpu, heap, allocs, goroutine, mutex, block.
	// allocs, mutex and block are sent as the difference since the previous cycle.
	Profiles []string `mapstructure:"profiles"`
	// Timeout bounds each delivery (one OTLP request, one Pyroscope push, one file).
	Timeout time.Duration `mapstructure:"timeout"`
	// Labels are added to the resource attributes (OTLP), the Pyroscope series name
	// and the pprof comments (files), next to service.name, service.instance.id,
	// service.version and host.name.
	Labels map[string]string `mapstructure:"labels"`

	// OTLPGRPC sends OTLP profiles over gRPC (the otlp receiver's 4317).
	OTLPGRPC configoptional.Optional[configgrpc.ClientConfig] `mapstructure:"otlp_grpc"`
	// OTLPHTTP sends OTLP profiles over HTTP to <endpoint>/v1development/profiles.
	OTLPHTTP configoptional.Optional[confighttp.ClientConfig] `mapstructure:"otlp_http"`
	// Pyroscope pushes pprof to a Pyroscope server's /ingest.
	Pyroscope configoptional.Optional[PyroscopeConfig] `mapstructure:"pyroscope"`
	// Files writes gzipped pprof files to a directory.
	Files configoptional.Optional[FilesConfig] `mapstructure:"files"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// PyroscopeConfig is a Pyroscope (or Grafana Cloud Profiles, or Alloy's
// pyroscope.receive_http) server.
type PyroscopeConfig struct {
	// ClientConfig's endpoint is the server's base URL (http://pyroscope:4040); /ingest
	// is appended. Headers carry X-Scope-OrgID or Authorization where needed.
	confighttp.ClientConfig `mapstructure:",squash"`
	// ApplicationName is the series name; empty uses the collector's service.name.
	ApplicationName string `mapstructure:"application_name"`
}

// FilesConfig writes one gzipped pprof file per profile:
// <directory>/<service.name>-<kind>-<UTC time>.pb.gz.
type FilesConfig struct {
	// Directory for the files; created if missing.
	Directory string `mapstructure:"directory"`
	// MaxFiles keeps at most this many of our files; the oldest go first. 0: no limit.
	MaxFiles int `mapstructure:"max_files"`
	// MaxTotalSizeMiB keeps the files' total size under this many MiB. 0: no limit.
	MaxTotalSizeMiB int `mapstructure:"max_total_size_mib"`
}

var _ component.Config = (*Config)(nil)

// Validate checks the config; every error names its field.
func (cfg *Config) Validate() error {
	var errs []error
	if cfg.BlockProfileFraction < 0 {
		errs = append(errs, errors.New("block_profile_fraction must not be negative"))
	}
	if cfg.MutexProfileFraction < 0 {
		errs = append(errs, errors.New("mutex_profile_fraction must not be negative"))
	}
	errs = append(errs, cfg.validateServer()...)
	if cfg.Timeout <= 0 {
		errs = append(errs, errors.New("timeout must be positive"))
	}
	kinds, err := cfg.kinds()
	if err != nil {
		errs = append(errs, err)
	}
	if len(kinds) > 0 {
		if cfg.Interval < time.Second {
			errs = append(errs, fmt.Errorf("interval must be at least 1s, got %s", cfg.Interval))
		}
		for _, k := range kinds {
			switch k {
			case profiles.KindCPU:
				if cfg.CPUDuration <= 0 {
					errs = append(errs, errors.New("cpu_duration must be positive when profiles include cpu"))
				} else if cfg.Interval > 0 && float64(cfg.CPUDuration) > MaxCPUDutyCycle*float64(cfg.Interval) {
					errs = append(errs, fmt.Errorf("cpu_duration %s is more than %d%% of interval %s: the CPU profiler would be busy too long",
						cfg.CPUDuration, int(MaxCPUDutyCycle*100), cfg.Interval))
				}
			case profiles.KindMutex:
				if cfg.MutexProfileFraction == 0 {
					errs = append(errs, errors.New("profiles include mutex but mutex_profile_fraction is 0 (mutex profiling off)"))
				}
			case profiles.KindBlock:
				if cfg.BlockProfileFraction == 0 {
					errs = append(errs, errors.New("profiles include block but block_profile_fraction is 0 (block profiling off)"))
				}
			}
		}
	}
	// otlp_grpc and otlp_http are the collector's own client configs: their endpoint
	// checks are this extension's, so they are made here. pyroscope and files check
	// themselves.
	if g := cfg.OTLPGRPC.Get(); g != nil && g.Endpoint == "" {
		errs = append(errs, errors.New("otlp_grpc::endpoint must be set"))
	}
	if h := cfg.OTLPHTTP.Get(); h != nil && !isBaseURL(h.Endpoint) {
		errs = append(errs, fmt.Errorf("otlp_http::endpoint must be a URL like http://collector:4318, got %q", h.Endpoint))
	}
	return errors.Join(errs...)
}

// Validate checks the server's URL.
func (p *PyroscopeConfig) Validate() error {
	if !isBaseURL(p.Endpoint) {
		return fmt.Errorf("endpoint must be a URL like http://pyroscope:4040, got %q", p.Endpoint)
	}
	return nil
}

// Validate checks the directory and the retention bounds.
func (f *FilesConfig) Validate() error {
	var errs []error
	if f.Directory == "" {
		errs = append(errs, errors.New("directory must be set"))
	}
	if f.MaxFiles < 0 {
		errs = append(errs, fmt.Errorf("max_files must not be negative, got %d", f.MaxFiles))
	}
	if f.MaxTotalSizeMiB < 0 {
		errs = append(errs, fmt.Errorf("max_total_size_mib must not be negative, got %d", f.MaxTotalSizeMiB))
	}
	return errors.Join(errs...)
}

// isBaseURL reports whether s has a scheme and a host, as an endpoint the extension
// appends a path to must.
func isBaseURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.Scheme != "" && u.Host != ""
}

// validateServer checks the pprof server's timeouts. A long write_timeout is not needed
// for long profiles: net/http/pprof extends the write deadline by the requested seconds.
func (cfg *Config) validateServer() []error {
	if cfg.NetAddr.Endpoint == "" {
		return nil
	}
	var errs []error
	for _, d := range []struct {
		name string
		v    time.Duration
	}{
		{"read_timeout", cfg.ReadTimeout},
		{"read_header_timeout", cfg.ReadHeaderTimeout},
		{"write_timeout", cfg.WriteTimeout},
		{"idle_timeout", cfg.IdleTimeout},
	} {
		if d.v < 0 {
			errs = append(errs, fmt.Errorf("%s must not be negative, got %s", d.name, d.v))
		}
	}
	return errs
}

// kinds parses Profiles, refusing unknown and repeated kinds.
func (cfg *Config) kinds() ([]profiles.Kind, error) {
	seen := map[profiles.Kind]bool{}
	out := make([]profiles.Kind, 0, len(cfg.Profiles))
	for _, s := range cfg.Profiles {
		k, err := profiles.ParseKind(s)
		if err != nil {
			return nil, fmt.Errorf("profiles: %w", err)
		}
		if seen[k] {
			return nil, fmt.Errorf("profiles: %q listed twice", s)
		}
		seen[k] = true
		out = append(out, k)
	}
	return out, nil
}

// hasDestination reports whether the schedule has anywhere to send profiles. Without
// one the extension only serves the pull endpoints, like contrib's pprof extension.
func (cfg *Config) hasDestination() bool {
	return cfg.OTLPGRPC.HasValue() || cfg.OTLPHTTP.HasValue() || cfg.Pyroscope.HasValue() || cfg.Files.HasValue()
}
