//go:build tools

// Package tools pins the code generators this repository runs (`make mdatagen`), in a
// module of their own so their dependencies never enter the distro's version selection.
package tools

import _ "go.opentelemetry.io/collector/cmd/mdatagen"
