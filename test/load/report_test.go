//go:build bench

package main

import "testing"

// The report shows how the benchmarks were run, without the machine's checkout path.
func TestPortableCommandLine(t *testing.T) {
	for in, want := range map[string]string{
		"bench -root /work/main -ours test/load/.build/bin/otelcol-bridge -pin 1": "bench -ours test/load/.build/bin/otelcol-bridge -pin 1",
		"bench -root=/home/me/src -reps 1":                                        "bench -reps 1",
		"bench -only saturation":                                                  "bench -only saturation",
	} {
		if got := portableCommandLine(in); got != want {
			t.Errorf("portableCommandLine(%q) = %q, want %q", in, got, want)
		}
	}
}
