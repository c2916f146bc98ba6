package profilingextension

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/extension"

	"github.com/otelcol-bridge/otelcol-bridge/components/profiles"
)

// cpuSampleRateHz is the Go runtime's CPU profiling rate (runtime/pprof's default).
const cpuSampleRateHz = 100

type pyroscopeDest struct {
	cfg    *PyroscopeConfig
	set    extension.Settings
	client *http.Client
	// series is the Pyroscope name: application{labels}.
	series string
}

func newPyroscope(cfg *PyroscopeConfig, set extension.Settings, resource map[string]string) *pyroscopeDest {
	app := cfg.ApplicationName
	labels := map[string]string{}
	for k, v := range resource {
		labels[k] = v
	}
	if app == "" {
		app = resource["service.name"]
	}
	// service.name is the application itself; Pyroscope derives its service_name label from it.
	delete(labels, "service.name")
	return &pyroscopeDest{cfg: cfg, set: set, series: profiles.PyroscopeName(app, labels)}
}

func (d *pyroscopeDest) name() string { return "pyroscope" }

func (d *pyroscopeDest) start(ctx context.Context, host component.Host) error {
	client, err := d.cfg.ToClient(ctx, host.GetExtensions(), d.set.TelemetrySettings)
	if err != nil {
		return err
	}
	d.client = client
	return nil
}

func (d *pyroscopeDest) send(ctx context.Context, b *batch) []error {
	data, encErrs := b.pprofFiles()
	errs := make([]error, len(b.items))
	for i, c := range b.items {
		if encErrs[i] != nil {
			errs[i] = encErrs[i]
			continue
		}
		errs[i] = d.push(ctx, c, data[i])
	}
	return errs
}

func (d *pyroscopeDest) push(ctx context.Context, c captured, data []byte) error {
	push, err := profiles.NewPyroscopePush(d.series, c.kind, c.from, c.until, data, cpuSampleRateHz)
	if err != nil {
		return err
	}
	target, err := push.IngestURL(d.cfg.Endpoint)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(push.Body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", push.ContentType)
	// One request a cycle: a kept-alive connection would only idle between cycles.
	req.Close = true
	resp, err := d.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("pyroscope answered %s for the %s profile: %.200s", resp.Status, c.kind, raw)
	}
	return nil
}

func (d *pyroscopeDest) shutdown(context.Context) error {
	if d.client != nil {
		d.client.CloseIdleConnections()
	}
	return nil
}
