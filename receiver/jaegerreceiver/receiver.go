package jaegerreceiver // import "github.com/otelcol-bridge/otelcol-bridge/receiver/jaegerreceiver"

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componentstatus"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/featuregate"
	"go.opentelemetry.io/collector/receiver"
	"go.opentelemetry.io/collector/receiver/receiverhelper"
	"go.uber.org/zap"

	"github.com/otelcol-bridge/otelcol-bridge/components/jaeger"
	"github.com/otelcol-bridge/otelcol-bridge/components/translatorgates"
)

// Transport names of the standard receiver metrics, as contrib's receiver
// names them, and the format it reports.
const (
	transportHTTP    = "collector_http"
	transportCompact = "udp_thrift_compact"
	transportBinary  = "udp_thrift_binary"
	formatThrift     = "thrift"
)

type jaegerReceiver struct {
	cfg      *Config
	settings receiver.Settings
	next     consumer.Traces

	// grpc is contrib's receiver, configured with the gRPC protocol only.
	grpc receiver.Traces

	httpObs *receiverhelper.ObsReport
	decode  decoders

	mu       sync.Mutex
	server   *http.Server
	udp      []*udpServer
	serverWG sync.WaitGroup
}

func newReceiver(set receiver.Settings, cfg *Config, next consumer.Traces) (*jaegerReceiver, error) {
	obs, err := receiverhelper.NewObsReport(receiverhelper.ObsReportSettings{
		ReceiverID:             set.ID,
		Transport:              transportHTTP,
		ReceiverCreateSettings: set,
	})
	if err != nil {
		return nil, err
	}
	return &jaegerReceiver{cfg: cfg, settings: set, next: next, httpObs: obs}, nil
}

func (r *jaegerReceiver) Start(ctx context.Context, host component.Host) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	own := translatorgates.AtDefault(featuregate.GlobalRegistry(), translatorgates.Jaeger)
	if !own {
		r.settings.Logger.Info("pkg.translator.jaeger feature gates differ from their defaults: Thrift batches are translated by contrib's translator")
	}
	r.decode = newDecoders(own)
	if err := r.startUDP(); err != nil {
		return errors.Join(err, r.stopLocked(ctx))
	}
	if err := r.startHTTP(ctx, host); err != nil {
		return errors.Join(err, r.stopLocked(ctx))
	}
	if r.grpc != nil {
		if err := r.grpc.Start(ctx, host); err != nil {
			return errors.Join(err, r.stopLocked(ctx))
		}
	}
	return nil
}

func (r *jaegerReceiver) startUDP() error {
	p := r.cfg.Protocols
	for _, s := range []struct {
		on        bool
		cfg       func() (string, udpSettings)
		protocol  jaeger.Protocol
		transport string
	}{
		{p.ThriftCompactUDP.HasValue(), func() (string, udpSettings) {
			c := p.ThriftCompactUDP.Get()
			return c.Endpoint, settingsOf(c.ServerConfigUDP)
		}, jaeger.Compact, transportCompact},
		{p.ThriftBinaryUDP.HasValue(), func() (string, udpSettings) {
			c := p.ThriftBinaryUDP.Get()
			return c.Endpoint, settingsOf(c.ServerConfigUDP)
		}, jaeger.Binary, transportBinary},
	} {
		if !s.on {
			continue
		}
		endpoint, us := s.cfg()
		obs, err := receiverhelper.NewObsReport(receiverhelper.ObsReportSettings{
			ReceiverID:             r.settings.ID,
			Transport:              s.transport,
			ReceiverCreateSettings: r.settings,
		})
		if err != nil {
			return err
		}
		u, err := startUDPServer(endpoint, us, s.protocol, r.decode, obs, r.next, r.settings.Logger)
		if err != nil {
			return fmt.Errorf("jaeger receiver: Thrift %s UDP on %s: %w", s.protocol, endpoint, err)
		}
		r.udp = append(r.udp, u)
		r.settings.Logger.Info("Starting UDP server for Jaeger Thrift "+s.protocol.String(), zap.String("endpoint", endpoint))
	}
	return nil
}

func (r *jaegerReceiver) startHTTP(ctx context.Context, host component.Host) error {
	if !r.cfg.Protocols.ThriftHTTP.HasValue() {
		return nil
	}
	hc := r.cfg.Protocols.ThriftHTTP.Get()
	limit := hc.MaxRequestBodySize
	if limit <= 0 {
		limit = defaultMaxRequestBodySize
	}
	mux := http.NewServeMux()
	mux.Handle("POST /api/traces", &thriftHTTPHandler{r: r, limit: limit})
	server, err := hc.ToServer(ctx, host.GetExtensions(), r.settings.TelemetrySettings, mux)
	if err != nil {
		return fmt.Errorf("jaeger receiver: %w", err)
	}
	ln, err := hc.ToListener(ctx)
	if err != nil {
		return fmt.Errorf("jaeger receiver: failed to bind to Collector address %q: %w", hc.NetAddr.Endpoint, err)
	}
	r.server = server
	r.settings.Logger.Info("Starting HTTP server for Jaeger Thrift", zap.String("endpoint", hc.NetAddr.Endpoint))
	r.serverWG.Add(1)
	go func() {
		defer r.serverWG.Done()
		if err := server.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			componentstatus.ReportStatus(host, componentstatus.NewFatalErrorEvent(err))
		}
	}()
	return nil
}

// Shutdown stops every server, letting requests and packets in flight
// finish while ctx allows. Extra calls do nothing.
func (r *jaegerReceiver) Shutdown(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stopLocked(ctx)
}

func (r *jaegerReceiver) stopLocked(ctx context.Context) error {
	var errs []error
	if r.grpc != nil {
		errs = append(errs, r.grpc.Shutdown(ctx))
	}
	if r.server != nil {
		errs = append(errs, r.server.Shutdown(ctx))
		r.serverWG.Wait()
		r.server = nil
	}
	for _, u := range r.udp {
		u.stop()
	}
	r.udp = nil
	return errors.Join(errs...)
}
