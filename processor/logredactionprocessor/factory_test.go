package logredactionprocessor

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/processor/processortest"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/otelcol-bridge/otelcol-bridge/processor/piiredactionprocessor"
)

// The alias loads the same configuration as pii_redaction, is marked deprecated, warns at
// start naming the new type, and redacts like it.
func TestAliasRedactsAndWarns(t *testing.T) {
	f := NewFactory()
	assert.Equal(t, "log_redaction", f.Type().String())
	assert.Equal(t, piiredactionprocessor.NewFactory().CreateDefaultConfig(), f.CreateDefaultConfig())
	for _, s := range []component.StabilityLevel{f.LogsStability(), f.TracesStability(), f.MetricsStability()} {
		assert.Equal(t, component.StabilityLevelDeprecated, s)
	}

	core, logs := observer.New(zap.WarnLevel)
	set := processortest.NewNopSettings(Type)
	set.Logger = zap.New(core)
	sink := new(consumertest.LogsSink)
	p, err := f.CreateLogs(context.Background(), set, f.CreateDefaultConfig(), sink)
	require.NoError(t, err)
	require.NoError(t, p.Start(context.Background(), componenttest.NewNopHost()))
	t.Cleanup(func() { require.NoError(t, p.Shutdown(context.Background())) })

	require.Equal(t, 1, logs.Len())
	entry := logs.All()[0]
	assert.Contains(t, entry.Message, "deprecated")
	assert.Equal(t, "pii_redaction", entry.ContextMap()["type"])

	ld := plog.NewLogs()
	ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty().Body().SetStr("password=hunter2Hunter2")
	require.NoError(t, p.ConsumeLogs(context.Background(), ld))
	got := sink.AllLogs()[0].ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0).Body().Str()
	assert.Equal(t, "password=****", got)
}
