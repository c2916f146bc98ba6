package zipkin

// Tag keys the translator treats specially. The names and their meaning
// follow contrib's pkg/translator/zipkin (v0.158.0) with the collector's
// default feature gates, so the output is the same.
const (
	noServiceName = "OTLPResourceNoServiceName"

	keyServiceName       = "service.name"
	keyServiceNameSource = "otlp.service.name.source"
	keyLibraryName       = "otel.library.name"
	keyLibraryVersion    = "otel.library.version"
	keyScopeName         = "otel.scope.name"
	keyScopeVersion      = "otel.scope.version"
	keyTraceState        = "w3c.tracestate"
	keyStatusCode        = "otel.status_code"
	keyStatusDescription = "otel.status_description"
	keyError             = "error"
	keySpanKind          = "span.kind"
	linkKeyPrefix        = "otlp.link."
	maxLinks             = 128

	// Written from the endpoints and the timestamp after the tags, so they
	// replace a tag of the same name.
	keyLocalAddress    = "network.local.address"
	keyLocalPort       = "net.host.port"
	keyPeerService     = "service.peer.name"
	keyPeerAddress     = "network.peer.address"
	keyPeerPort        = "net.peer.port"
	keyStartTimeAbsent = "otel.zipkin.absentField.startTime"
)

// keyClass says what the translator does with a tag.
type keyClass uint8

const (
	classAttr     keyClass = iota // an ordinary span attribute
	classResource                 // goes to the resource (first span of the service), never a span attribute
	classNonSpan                  // never a span attribute, not copied to the resource either
	classTraceState
	classStatusCode
	classStatusDescription
	classError
	classSpanKind
	classLocalAddress
	classLocalPort
	classPeerService
	classPeerAddress
	classPeerPort
	classStartTimeAbsent
)

// resourceKeys are the semantic-convention resource attributes (and the
// OpenCensus leftovers) that contrib's translator moves from the tags of the
// first span of each service to the resource, and drops from every span.
var resourceKeys = []string{
	"cloud.provider", "cloud.account.id", "cloud.region", "cloud.availability_zone", "cloud.platform",
	"aws.ecs.container.arn", "aws.ecs.cluster.arn", "aws.ecs.launchtype", "aws.ecs.task.arn",
	"aws.ecs.task.family", "aws.ecs.task.revision", "aws.eks.cluster.arn", "aws.log.group.names",
	"aws.log.group.arns", "aws.log.stream.names", "aws.log.stream.arns",
	"container.name", "container.id", "container.runtime", "container.image.name", "container.image.tag",
	"deployment.environment",
	"device.id", "device.model.identifier", "device.model.name", "device.manufacturer",
	"faas.name", "faas.id", "cloud.resource_id", "faas.version", "faas.instance", "faas.max_memory",
	"host.id", "host.name", "host.type", "host.arch", "host.image.name", "host.image.id", "host.image.version",
	"k8s.cluster.name", "k8s.node.name", "k8s.node.uid", "k8s.namespace.name", "k8s.pod.uid", "k8s.pod.name",
	"k8s.container.name", "k8s.container.restart_count", "k8s.replicaset.uid", "k8s.replicaset.name",
	"k8s.deployment.uid", "k8s.deployment.name", "k8s.statefulset.uid", "k8s.statefulset.name",
	"k8s.daemonset.uid", "k8s.daemonset.name", "k8s.job.uid", "k8s.job.name", "k8s.cronjob.uid", "k8s.cronjob.name",
	"os.type", "os.description", "os.name", "os.version",
	"process.pid", "process.executable.name", "process.executable.path", "process.command",
	"process.command_line", "process.command_args", "process.owner", "process.runtime.name",
	"process.runtime.version", "process.runtime.description",
	"service.name", "service.namespace", "service.instance.id", "service.version",
	"telemetry.sdk.name", "telemetry.sdk.language", "telemetry.sdk.version", "telemetry.auto.version",
	"webengine.name", "webengine.version", "webengine.description",
	"opencensus.starttime", "opencensus.exporterversion", "opencensus.resourcetype",
}

// keyClasses classifies a tag key with one map lookup per tag, instead of
// one lookup per special key per span.
var keyClasses = func() map[string]keyClass {
	m := make(map[string]keyClass, len(resourceKeys)+20)
	for _, k := range resourceKeys {
		m[k] = classResource
	}
	for _, k := range []string{keyServiceNameSource, keyLibraryName, keyLibraryVersion, keyScopeName, keyScopeVersion} {
		m[k] = classNonSpan
	}
	m[keyTraceState] = classTraceState
	m[keyStatusCode] = classStatusCode
	m[keyStatusDescription] = classStatusDescription
	m[keyError] = classError
	m[keySpanKind] = classSpanKind
	m[keyLocalAddress] = classLocalAddress
	m[keyLocalPort] = classLocalPort
	m[keyPeerService] = classPeerService
	m[keyPeerAddress] = classPeerAddress
	m[keyPeerPort] = classPeerPort
	m[keyStartTimeAbsent] = classStartTimeAbsent
	return m
}()

// linkIndex returns N for a tag key "otlp.link.N" written the way contrib's
// translator looks it up (fmt's %d of 0..127), else -1.
func linkIndex(key string) int {
	if len(key) <= len(linkKeyPrefix) || key[:len(linkKeyPrefix)] != linkKeyPrefix {
		return -1
	}
	d := key[len(linkKeyPrefix):]
	if len(d) > 3 || (len(d) > 1 && d[0] == '0') {
		return -1
	}
	n := 0
	for i := 0; i < len(d); i++ {
		c := d[i]
		if c < '0' || c > '9' {
			return -1
		}
		n = n*10 + int(c-'0')
	}
	if n >= maxLinks {
		return -1
	}
	return n
}
