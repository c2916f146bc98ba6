package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

const (
	startTimeout = 60 * time.Second // Jaeger and Prometheus take a few seconds on a busy machine
	stopGrace    = 10 * time.Second
)

// demo is one run: what it started, in start order.
type demo struct {
	opts     options
	ports    ports
	nats     *server.Server
	children []*child
	view     *http.Server
}

func (d *demo) path(elem ...string) string {
	return filepath.Join(append([]string{d.opts.runDir}, elem...)...)
}

// prepareRunDir empties what an earlier run left (only the entries the demo writes): the
// bridge reads the logs directory from the beginning.
func (d *demo) prepareRunDir() error {
	for _, sub := range []string{"logs", "bridge", "proc", "prometheus-data", "shop.db", "demo.json", "jaeger.yaml", "prometheus.yml"} {
		if err := os.RemoveAll(d.path(sub)); err != nil {
			return err
		}
	}
	for _, sub := range []string{"logs", "bridge", "proc"} {
		if err := os.MkdirAll(d.path(sub), 0o755); err != nil {
			return err
		}
	}
	return nil
}

// launch starts one child with its stdout in out and stderr in errOut (both under the run dir).
func (d *demo) launch(name, bin string, args, env []string, dir, out, errOut string) (*child, error) {
	stdout, err := os.Create(out)
	if err != nil {
		return nil, err
	}
	stderr := stdout
	if errOut != out {
		if stderr, err = os.Create(errOut); err != nil {
			stdout.Close()
			return nil, err
		}
	}
	c, err := startChild(name, bin, args, env, dir, stdout, stderr)
	if err != nil {
		stdout.Close()
		stderr.Close()
		return nil, err
	}
	d.children = append(d.children, c)
	return c, nil
}

// backend starts Jaeger, Prometheus or the bridge, output to proc/<name>.log.
func (d *demo) backend(ctx context.Context, name, bin string, args, env []string, readyURL string) error {
	logPath := d.path("proc", name+".log")
	c, err := d.launch(name, bin, args, env, d.opts.runDir, logPath, logPath)
	if err != nil {
		return err
	}
	return waitReady(ctx, c, readyURL, startTimeout, logPath)
}

// service starts one of the shop's services: stdout (its JSON logs) to logs/<name>.jsonl, where
// the bridge reads it, stderr to logs/<name>.stderr.log.
func (d *demo) service(ctx context.Context, name, bin string, args, env []string, readyURL string) error {
	c, err := d.launch(name, bin, args, env, d.opts.runDir,
		d.path("logs", name+".jsonl"), d.path("logs", name+".stderr.log"))
	if err != nil {
		return err
	}
	if readyURL == "" {
		return nil
	}
	return waitReady(ctx, c, readyURL, startTimeout, d.path("logs", name+".stderr.log"))
}

func (d *demo) start(ctx context.Context) error {
	o, p := d.opts, d.ports
	if err := d.prepareRunDir(); err != nil {
		return err
	}
	fmt.Printf("demo: starting in %s\n", o.runDir)

	// The message queue: an embedded NATS server in this process.
	ns, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: p.NATS, NoSigs: true, NoLog: true})
	if err != nil {
		return fmt.Errorf("NATS: %w", err)
	}
	go ns.Start()
	if !ns.ReadyForConnections(10 * time.Second) {
		ns.Shutdown()
		return fmt.Errorf("NATS not ready on 127.0.0.1:%d", p.NATS)
	}
	d.nats = ns
	natsURL := fmt.Sprintf("nats://127.0.0.1:%d", p.NATS)

	if err := os.WriteFile(d.path("jaeger.yaml"), []byte(jaegerConfig(p)), 0o644); err != nil {
		return err
	}
	fmt.Println("demo: starting Jaeger v2")
	if err := d.backend(ctx, "jaeger", o.jaeger, []string{"--config", d.path("jaeger.yaml")}, nil,
		fmt.Sprintf("http://127.0.0.1:%d/api/services", p.JaegerQuery)); err != nil {
		return err
	}
	if err := os.WriteFile(d.path("prometheus.yml"), []byte(prometheusConfig(p)), 0o644); err != nil {
		return err
	}
	fmt.Println("demo: starting Prometheus")
	if err := d.backend(ctx, "prometheus", o.prometheus, []string{
		"--config.file=" + d.path("prometheus.yml"),
		"--storage.tsdb.path=" + d.path("prometheus-data"),
		fmt.Sprintf("--web.listen-address=127.0.0.1:%d", p.Prometheus),
	}, nil, fmt.Sprintf("http://127.0.0.1:%d/-/ready", p.Prometheus)); err != nil {
		return err
	}
	fmt.Println("demo: starting otelcol-bridge")
	itoa := strconv.Itoa
	if err := d.backend(ctx, "otelcol-bridge", o.bridge, []string{"--config", o.config}, []string{
		"DEMO_RUN_DIR=" + o.runDir,
		"DEMO_OTLP_GRPC_PORT=" + itoa(p.BridgeOTLPGRPC), "DEMO_OTLP_HTTP_PORT=" + itoa(p.BridgeOTLPHTTP),
		"DEMO_JAEGER_THRIFT_PORT=" + itoa(p.BridgeJaeger), "DEMO_ZIPKIN_PORT=" + itoa(p.BridgeZipkin),
		"DEMO_DATADOG_PORT=" + itoa(p.BridgeDatadog), "DEMO_BRIDGE_HEALTH_PORT=" + itoa(p.BridgeHealth),
		"DEMO_JAEGER_OTLP_PORT=" + itoa(p.JaegerOTLP), "DEMO_BRIDGE_METRICS_PORT=" + itoa(p.BridgeSpanMetrics),
		"DEMO_BRIDGE_SELF_PORT=" + itoa(p.BridgeSelf), "DEMO_DOGSTATSD_PORT=" + itoa(p.BridgeDogStatsD),
	}, fmt.Sprintf("http://127.0.0.1:%d/", p.BridgeHealth)); err != nil {
		return err
	}

	fmt.Println("demo: starting the shop: inventory, shipping, pricing, order-worker, shop-api")
	local := func(port int) string { return fmt.Sprintf("http://127.0.0.1:%d", port) }
	if err := d.service(ctx, "inventory", filepath.Join(o.binDir, "inventory"), nil, []string{
		fmt.Sprintf("INVENTORY_ADDR=127.0.0.1:%d", p.Inventory),
		"DD_TRACE_AGENT_URL=" + local(p.BridgeDatadog),
		"DD_TRACE_PROPAGATION_STYLE=tracecontext,datadog",
		fmt.Sprintf("DOGSTATSD_ADDR=127.0.0.1:%d", p.BridgeDogStatsD), // Go runtime metrics, DogStatsD over UDP
		"DD_INSTRUMENTATION_TELEMETRY_ENABLED=false",                  // nothing leaves the machine
		"DD_REMOTE_CONFIGURATION_ENABLED=false",
	}, local(p.Inventory)+"/healthz"); err != nil {
		return err
	}
	if err := d.service(ctx, "shipping", filepath.Join(o.binDir, "shipping"), nil, []string{
		fmt.Sprintf("SHIPPING_ADDR=127.0.0.1:%d", p.Shipping),
		"JAEGER_URL=" + local(p.BridgeJaeger) + "/api/traces",
	}, local(p.Shipping)+"/healthz"); err != nil {
		return err
	}
	if err := d.service(ctx, "pricing", o.node, []string{filepath.Join(o.jsDir, "pricing.js")}, []string{
		"PRICING_PORT=" + itoa(p.Pricing),
		"OTLP_TRACES_URL=" + local(p.BridgeOTLPHTTP) + "/v1/traces",
		"INVENTORY_URL=" + local(p.Inventory),
	}, local(p.Pricing)+"/healthz"); err != nil {
		return err
	}
	subs := ns.NumSubscriptions()
	if err := d.service(ctx, "order-worker", filepath.Join(o.binDir, "order-worker"), nil, []string{
		"NATS_URL=" + natsURL,
		"ZIPKIN_URL=" + local(p.BridgeZipkin) + "/api/v2/spans",
		"SHIPPING_URL=" + local(p.Shipping),
	}, ""); err != nil {
		return err
	}
	// Core NATS does not keep messages for absent subscribers: wait for the worker's.
	if err := waitFor(ctx, "order-worker's NATS subscription", func() bool { return ns.NumSubscriptions() > subs }); err != nil {
		return err
	}
	if err := d.service(ctx, "shop-api", filepath.Join(o.binDir, "shop-api"), nil, []string{
		fmt.Sprintf("SHOP_API_ADDR=127.0.0.1:%d", p.ShopAPI),
		fmt.Sprintf("OTLP_HTTP_ENDPOINT=127.0.0.1:%d", p.BridgeOTLPHTTP),
		"NATS_URL=" + natsURL,
		"PRICING_URL=" + local(p.Pricing),
		"DB_PATH=" + d.path("shop.db"),
	}, local(p.ShopAPI)+"/healthz"); err != nil {
		return err
	}
	return d.startView()
}

func waitFor(ctx context.Context, what string, cond func() bool) error {
	deadline := time.Now().Add(startTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			return fmt.Errorf("no %s after %s", what, startTimeout)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return nil
}

// serve prints the URLs and sends orders until ctx ends or a child dies.
func (d *demo) serve(ctx context.Context) error {
	if err := d.writeInfo(); err != nil {
		return err
	}
	d.printURLs()
	died := make(chan *child, len(d.children))
	for _, c := range d.children {
		go func() {
			select {
			case <-c.done:
				died <- c
			case <-ctx.Done():
			}
		}()
	}
	loadCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	loadDone := make(chan struct{})
	go func() {
		defer close(loadDone)
		d.load(loadCtx)
	}()
	defer func() { cancel(); <-loadDone }()
	select {
	case <-ctx.Done():
		fmt.Println("\ndemo: stopping")
		return ctx.Err()
	case c := <-died:
		return fmt.Errorf("%s exited (%v): its output is under %s", c.name, c.err, d.opts.runDir)
	}
}

// stopAll stops the children in reverse start order (the shop first, so that its last spans
// and logs reach the bridge, then the bridge, then the backends), then NATS and the view.
func (d *demo) stopAll() error {
	var errs []error
	if d.view != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		_ = d.view.Shutdown(ctx)
		cancel()
	}
	for i := len(d.children) - 1; i >= 0; i-- {
		if err := d.children[i].stop(stopGrace); err != nil {
			errs = append(errs, err)
		}
	}
	if d.nats != nil {
		d.nats.Shutdown()
		d.nats.WaitForShutdown()
	}
	if len(errs) > 0 {
		return fmt.Errorf("while stopping: %v", errs)
	}
	return nil
}
