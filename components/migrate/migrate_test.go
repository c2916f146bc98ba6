package migrate

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite testdata/*/expected.yaml (review the diff!)")

// Types in otelcol-bridge's manifest that the samples use; the e2e test runs the command on
// the built binary, which asks the build itself.
var inBuild = map[string]bool{
	"receivers/otlp": true, "receivers/jaeger": true, "exporters/otlp_grpc": true, "exporters/otlp_http": true, "connectors/span_metrics": true, "extensions/jaegerremotesampling": true, "receivers/datadog": true, "receivers/zipkin": true,
	"processors/batch": true, "exporters/debug": true, "exporters/otlp": true, "exporters/otlphttp": true,
	"extensions/health_check": true, "connectors/spanmetrics": true,
}

func has(kind, typ string) bool { return inBuild[kind+"/"+typ] }

func run(t *testing.T, source string) *Result {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", source, "*"))
	require.NoError(t, err)
	var inputs []string
	for _, f := range files {
		if filepath.Base(f) != "expected.yaml" {
			inputs = append(inputs, f)
		}
	}
	require.NotEmpty(t, inputs)
	res, err := Migrate(source, inputs, Options{Has: has})
	require.NoError(t, err)
	out, err := res.YAML()
	require.NoError(t, err)
	golden := filepath.Join("testdata", source, "expected.yaml")
	if *update {
		require.NoError(t, os.WriteFile(golden, out, 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err)
	assert.Equal(t, string(want), string(out))
	return res
}

func status(r *Report, key string) (Item, bool) {
	for _, it := range r.Items {
		if it.Key == key {
			return it, true
		}
	}
	return Item{}, false
}

func TestEverySampleKeyIsReported(t *testing.T) {
	for source, keys := range map[string]map[string]Status{
		"jaeger-agent": {
			"--processor.jaeger-compact.server-host-port": Mapped, "--reporter.grpc.host-port": Approximated,
			"--processor.zipkin-compact.server-host-port": Unmapped, "--agent.tags": Mapped, "--reporter.grpc.tls.ca": Mapped,
			"--metrics-backend": Unmapped,
		},
		"jaeger-collector": {
			"COLLECTOR_ZIPKIN_HOST_PORT": Mapped, "SPAN_STORAGE_TYPE": Unmapped, "COLLECTOR_QUEUE_SIZE": Approximated,
			"collector.otlp.grpc.host-port": Mapped, "memory.max-traces": Unmapped, "SAMPLING_STRATEGIES_FILE": Approximated,
		},
		"zipkin-server": {"QUERY_PORT": Approximated, "COLLECTOR_SAMPLE_RATE": Mapped, "STORAGE_TYPE": Unmapped, "KAFKA_BOOTSTRAP_SERVERS": Unmapped},
		"datadog-agent": {
			"apm_config.receiver_port": Mapped, "apm_config.apm_non_local_traffic": Mapped, "apm_config.ignore_resources": Approximated,
			"apm_config.replace_tags": Mapped, "apm_config.filter_tags.reject": Approximated, "env": Mapped, "tags": Approximated,
			"dogstatsd_port": Unmapped, "logs_config.container_collect_all": Unmapped, "api_key": Unmapped,
			"process_config.process_collection.enabled": Unmapped,
		},
		"otelcol": {
			"receivers::datadog": Mapped, "exporters::logging": Approximated, "exporters::jaeger": Approximated, "exporters::otlp → otlp_grpc": Mapped,
			"exporters::awsxray": Unmapped, "processors::spanmetrics": Unmapped, "extensions::memory_ballast": Mapped,
		},
	} {
		t.Run(source, func(t *testing.T) {
			res := run(t, source)
			for key, want := range keys {
				it, ok := status(res.Report, key)
				require.True(t, ok, "%s not in the report", key)
				assert.Equal(t, want, it.Status, "%s: %s", key, it.Note)
				if it.Status != Mapped {
					assert.NotEmpty(t, it.Note, "%s says why", key)
				}
			}
		})
	}
}

func TestSecretsStayOutOfTheReport(t *testing.T) {
	res := run(t, "datadog-agent")
	it, _ := status(res.Report, "api_key")
	assert.Equal(t, "(redacted)", it.Value)
	out, err := res.YAML()
	require.NoError(t, err)
	assert.NotContains(t, string(out), "0123456789abcdef")
}

func TestDollarIsEscaped(t *testing.T) {
	res := run(t, "jaeger-agent")
	out, err := res.YAML()
	require.NoError(t, err)
	assert.Contains(t, string(out), "$${REGION:eu-west-1}", "Jaeger's ${VAR:default} must not reach confmap's expansion")
	assert.Contains(t, string(out), "${env:OTLP_BACKEND_ENDPOINT:-jaeger-collector.tracing.svc:4317}")
}

func TestFlatInputErrors(t *testing.T) {
	_, err := parseFlat("bad.txt", []byte("--ok=1\nnot a flag\n"))
	assert.ErrorContains(t, err, "bad.txt:2")
	_, err = Migrate("nagios", []string{"x"}, Options{})
	assert.Error(t, err)
}
