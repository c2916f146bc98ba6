package datadogreceiver // import "github.com/otelcol-bridge/otelcol-bridge/receiver/datadogreceiver"

import (
	"sync"

	"go.opentelemetry.io/collector/receiver"
)

// One receiver (one HTTP server) serves every signal of a configuration: the
// collector creates a traces, a metrics, a logs and a profiles receiver for
// the same component id when it is in pipelines of several signals, and all
// of them must share the port. Contrib uses its internal sharedcomponent
// package for this; the map below does the same, keyed by the configuration
// the collector passes to each create call (the same *Config for one id).
var shared = struct {
	sync.Mutex
	byConfig map[*Config]*datadogReceiver
}{byConfig: map[*Config]*datadogReceiver{}}

// sharedReceiver returns the receiver of cfg, creating it on first use, and
// lets attach register the signal's consumer on it.
func sharedReceiver(set receiver.Settings, cfg *Config, attach func(*datadogReceiver)) (*datadogReceiver, error) {
	shared.Lock()
	defer shared.Unlock()
	r, ok := shared.byConfig[cfg]
	if !ok {
		var err error
		if r, err = newReceiver(set, cfg); err != nil {
			return nil, err
		}
		r.release = func() {
			shared.Lock()
			defer shared.Unlock()
			if shared.byConfig[cfg] == r {
				delete(shared.byConfig, cfg)
			}
		}
		shared.byConfig[cfg] = r
	}
	attach(r)
	return r, nil
}
