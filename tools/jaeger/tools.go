//go:build tools

// Package tools pins Jaeger v2 (an OpenTelemetry Collector distribution with Jaeger's storage
// and query extensions), which the migration e2e test uses as the "new" backend. It lives in a
// module of its own so Jaeger's collector versions never enter the distro's version selection.
package tools

import _ "github.com/jaegertracing/jaeger/cmd/jaeger"
