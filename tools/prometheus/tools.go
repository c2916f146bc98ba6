//go:build tools

// Package tools pins Prometheus, the metrics backend of the e2e tests, and promtool, which
// checks and unit-tests the alerting rules of examples/operations. Both are built from this
// Go module into .tools/bin by the Makefile, in its own module so that its dependencies never
// take part in the distro's version selection.
package tools

import (
	_ "github.com/prometheus/prometheus/cmd/prometheus"
	_ "github.com/prometheus/prometheus/cmd/promtool"
)
