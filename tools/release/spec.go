package main

// What goes into the image. The Dockerfile at the top of the repository states the same
// (a test compares the two): keep them in step.
const (
	// BinaryPath is the entrypoint inside the image.
	BinaryPath = "/otelcol-bridge"
	// ConfigPath is where the container's default config is baked (the Helm chart mounts
	// its ConfigMap over /etc/otelcol-bridge).
	ConfigPath = "/etc/otelcol-bridge/config.yaml"
	// CABundlePath is where Go's crypto/x509 looks first on Linux.
	CABundlePath = "/etc/ssl/certs/ca-certificates.crt"
	// SBOMPath holds the CycloneDX SBOM of the binary; the SBOMLabel label points at it.
	SBOMPath  = "/usr/share/doc/otelcol-bridge/sbom.cdx.json"
	SBOMLabel = "io.otelcol-bridge.sbom"
	// UID and GID of the unprivileged user the collector runs as, like the official images.
	UID      = 10001
	GID      = 10001
	UserName = "otelcol-bridge"
)

// User is the image's USER.
var User = "10001:10001"

// Entrypoint and Cmd: the binary with the baked config; `docker run IMAGE --config=/x.yaml`
// replaces only the arguments.
var (
	Entrypoint = []string{BinaryPath}
	Cmd        = []string{"--config=" + ConfigPath}
)

// ExposedPorts are the ports distro/config.container.yaml listens on.
var ExposedPorts = []string{
	"4317/tcp",  // OTLP gRPC
	"4318/tcp",  // OTLP HTTP
	"14250/tcp", // Jaeger gRPC
	"14268/tcp", // Jaeger Thrift HTTP
	"6831/udp",  // Jaeger agent, Thrift compact
	"6832/udp",  // Jaeger agent, Thrift binary
	"9411/tcp",  // Zipkin
	"8126/tcp",  // Datadog intake
	"8888/tcp",  // the collector's own metrics
	"8889/tcp",  // received metrics for Prometheus (prometheus exporter)
	"13133/tcp", // health_check
}

// Platforms of a release's image index (the Makefile's IMAGE_PLATFORMS); the index holds
// those given with --binary.
var Platforms = []string{"linux/amd64", "linux/arm64"}

// Static labels; version, revision and created come from the build.
const (
	LabelSource   = "org.opencontainers.image.source"
	LabelVersion  = "org.opencontainers.image.version"
	LabelRevision = "org.opencontainers.image.revision"
	LabelCreated  = "org.opencontainers.image.created"
	LabelLicenses = "org.opencontainers.image.licenses"
	LabelTitle    = "org.opencontainers.image.title"
)

// StaticLabels are the same for every build.
var StaticLabels = map[string]string{
	LabelTitle:  "otelcol-bridge",
	SBOMLabel:   SBOMPath,
	LabelSource: "https://github.com/otelcol-bridge/otelcol-bridge",
}

// passwd and group give UID/GID 10001 a name (some libraries and tools look the user up).
const (
	passwd = "root:x:0:0:root:/root:/sbin/nologin\n" +
		"otelcol-bridge:x:10001:10001:otelcol-bridge:/:/sbin/nologin\n"
	group = "root:x:0:\n" +
		"otelcol-bridge:x:10001:\n"
)
