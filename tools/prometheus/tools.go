//go:build tools

// Package tools pins Prometheus, the metrics backend of the e2e tests. It is built from its
// Go module into .tools/bin/prometheus by the Makefile, in its own module so that its
// dependencies never take part in the distro's version selection.
package tools

import _ "github.com/prometheus/prometheus/cmd/prometheus"
