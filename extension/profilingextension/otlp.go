package profilingextension

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/configgrpc"
	"go.opentelemetry.io/collector/config/confighttp"
	"go.opentelemetry.io/collector/extension"
	"go.opentelemetry.io/collector/pdata/pprofile/pprofileotlp"
	"go.uber.org/zap"
	"google.golang.org/grpc"
)

// otlpProfilesPath is the OTLP/HTTP path of the (development) profiles signal, as the
// v0.158.0 otlp receiver serves it.
const otlpProfilesPath = "/v1development/profiles"

type otlpGRPC struct {
	cfg    *configgrpc.ClientConfig
	set    extension.Settings
	conn   *grpc.ClientConn
	client pprofileotlp.GRPCClient
}

func (d *otlpGRPC) name() string { return "otlp_grpc" }

func (d *otlpGRPC) start(ctx context.Context, host component.Host) error {
	conn, err := d.cfg.ToClientConn(ctx, host.GetExtensions(), d.set.TelemetrySettings)
	if err != nil {
		return err
	}
	d.conn = conn
	d.client = pprofileotlp.NewGRPCClient(conn)
	return nil
}

func (d *otlpGRPC) send(ctx context.Context, b *batch) []error {
	pd, err := b.otlpProfiles()
	if err != nil {
		return sameError(len(b.items), err)
	}
	resp, err := d.client.Export(ctx, pprofileotlp.NewExportRequestFromProfiles(pd))
	if err != nil {
		return sameError(len(b.items), err)
	}
	logPartialSuccess(d.set.Logger, d.name(), resp)
	return sameError(len(b.items), nil)
}

func (d *otlpGRPC) shutdown(context.Context) error {
	if d.conn != nil {
		return d.conn.Close()
	}
	return nil
}

type otlpHTTP struct {
	cfg    *confighttp.ClientConfig
	set    extension.Settings
	client *http.Client
	url    string
}

func (d *otlpHTTP) name() string { return "otlp_http" }

func (d *otlpHTTP) start(ctx context.Context, host component.Host) error {
	client, err := d.cfg.ToClient(ctx, host.GetExtensions(), d.set.TelemetrySettings)
	if err != nil {
		return err
	}
	d.client = client
	d.url = d.cfg.Endpoint
	if !strings.HasSuffix(d.url, otlpProfilesPath) {
		d.url = strings.TrimSuffix(d.url, "/") + otlpProfilesPath
	}
	return nil
}

func (d *otlpHTTP) send(ctx context.Context, b *batch) []error {
	return sameError(len(b.items), d.post(ctx, b))
}

func (d *otlpHTTP) post(ctx context.Context, b *batch) error {
	pd, err := b.otlpProfiles()
	if err != nil {
		return err
	}
	body, err := pprofileotlp.NewExportRequestFromProfiles(pd).MarshalProto()
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-protobuf")
	// One request a cycle: a kept-alive connection would only idle between cycles.
	req.Close = true
	resp, err := d.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s answered %s: %.200s", d.url, resp.Status, raw)
	}
	out := pprofileotlp.NewExportResponse()
	if len(raw) > 0 && out.UnmarshalProto(raw) == nil {
		logPartialSuccess(d.set.Logger, d.name(), out)
	}
	return nil
}

func (d *otlpHTTP) shutdown(context.Context) error {
	if d.client != nil {
		d.client.CloseIdleConnections()
	}
	return nil
}

// logPartialSuccess reports profiles the receiver accepted the request for but dropped;
// they still count as exported, as the OTLP exporters count them.
func logPartialSuccess(logger *zap.Logger, dest string, resp pprofileotlp.ExportResponse) {
	ps := resp.PartialSuccess()
	if ps.RejectedProfiles() > 0 || ps.ErrorMessage() != "" {
		logger.Warn("Receiver dropped part of the profiles", zap.String("destination", dest),
			zap.Int64("rejected_profiles", ps.RejectedProfiles()), zap.String("message", ps.ErrorMessage()))
	}
}
