package profilingextension

import (
	"net/http"
	"net/http/pprof"
)

// pprofMux serves the standard net/http/pprof endpoints on their usual paths.
func (e *profilingExtension) pprofMux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", e.cpuProfileHandler)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}

// cpuProfileHandler waits while the schedule holds the CPU profiler (at most
// cpu_duration) instead of failing as net/http/pprof alone would, then profiles.
func (e *profilingExtension) cpuProfileHandler(w http.ResponseWriter, r *http.Request) {
	select {
	case e.cpuSlot <- struct{}{}:
	case <-r.Context().Done():
		http.Error(w, "cancelled while waiting for the scheduled CPU profile to finish", http.StatusServiceUnavailable)
		return
	}
	defer func() { <-e.cpuSlot }()
	pprof.Profile(w, r)
}
