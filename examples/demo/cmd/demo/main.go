// Command demo is the launcher of `make demo` (docs/en/demo.md): it starts, on 127.0.0.1, an
// embedded NATS server, Jaeger v2, Prometheus, otelcol-bridge on examples/demo/config.yaml and the
// shop's five services, sends a steady trickle of orders, prints the URLs to open, and on Ctrl-C
// (or after -duration) stops everything it started, services first so their last spans and
// logs still reach the bridge.
//
// One order crosses every protocol the bridge translates:
//
//	load ─HTTP─▶ shop-api (OTel Go, OTLP) ─HTTP─▶ pricing (OTel JS, OTLP) ─HTTP─▶ inventory (dd-trace-go, Datadog)
//	                 │ SQLite
//	                 └─NATS─▶ order-worker (zipkin-go, Zipkin) ─HTTP, B3─▶ shipping (jaeger-client-go, Jaeger)
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"reflect"
	"syscall"
	"time"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

// options are the launcher's flags.
type options struct {
	bridge, jaeger, prometheus, node string // binaries
	binDir, jsDir, config, runDir    string
	freePorts                        bool
	duration                         time.Duration
	rate                             float64
}

func parseFlags() (options, error) {
	var o options
	self, _ := os.Executable()
	flag.StringVar(&o.bridge, "bridge", "bin/otelcol-bridge", "the otelcol-bridge binary")
	flag.StringVar(&o.jaeger, "jaeger", ".tools/bin/jaeger", "the Jaeger v2 binary")
	flag.StringVar(&o.prometheus, "prometheus", ".tools/bin/prometheus", "the Prometheus binary")
	flag.StringVar(&o.node, "node", "node", "the Node.js binary")
	flag.StringVar(&o.binDir, "bin-dir", filepath.Dir(self), "where the shop's Go services are built")
	flag.StringVar(&o.jsDir, "js-dir", "examples/demo/js", "the pricing service (Node.js, with node_modules installed)")
	flag.StringVar(&o.config, "config", "examples/demo/config.yaml", "the bridge's configuration")
	flag.StringVar(&o.runDir, "run-dir", "data/demo", "where logs, the database and the backends' data go (emptied at start)")
	flag.BoolVar(&o.freePorts, "free-ports", false, "pick free ports instead of the fixed ones (docs/en/demo.md lists them)")
	flag.DurationVar(&o.duration, "duration", 0, "stop after this long (0: run until Ctrl-C)")
	flag.Float64Var(&o.rate, "rate", 2, "orders per second")
	flag.Parse()
	if flag.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q", flag.Args())
	}
	if o.rate <= 0 || o.rate > 200 {
		return o, fmt.Errorf("-rate %g: want more than 0 and at most 200 orders per second", o.rate)
	}
	for _, p := range []*string{&o.bridge, &o.jaeger, &o.prometheus, &o.binDir, &o.jsDir, &o.config, &o.runDir} {
		abs, err := filepath.Abs(*p)
		if err != nil {
			return o, err
		}
		*p = abs
	}
	for name, path := range map[string]string{"-bridge": o.bridge, "-jaeger": o.jaeger, "-prometheus": o.prometheus,
		"-config": o.config, "-js-dir node_modules": filepath.Join(o.jsDir, "node_modules")} {
		if _, err := os.Stat(path); err != nil {
			return o, fmt.Errorf("%s: %w (`make demo` builds and installs everything)", name, err)
		}
	}
	return o, nil
}

// ports are every listener of the demo.
type ports struct {
	View                                         int // the demo's trace view
	JaegerQuery, JaegerQueryGRPC, JaegerOTLP     int
	Prometheus                                   int
	NATS                                         int
	BridgeOTLPGRPC, BridgeOTLPHTTP, BridgeJaeger int
	BridgeZipkin, BridgeDatadog, BridgeHealth    int
	BridgeSpanMetrics, BridgeSelf                int
	BridgeDogStatsD                              int // UDP
	ShopAPI, Pricing, Inventory, Shipping        int
}

// fixedPorts stay clear of `make run` (4317, 4318, 9411, 8126, 14268, 8888, ...).
var fixedPorts = ports{
	View: 18080, JaegerQuery: 16686, JaegerQueryGRPC: 16685, JaegerOTLP: 16317, Prometheus: 19090, NATS: 14222,
	BridgeOTLPGRPC: 24317, BridgeOTLPHTTP: 24318, BridgeJaeger: 24268, BridgeZipkin: 29411, BridgeDatadog: 28126,
	BridgeHealth: 23133, BridgeSpanMetrics: 28889, BridgeSelf: 28888, BridgeDogStatsD: 28125,
	ShopAPI: 18081, Pricing: 18082, Inventory: 18083, Shipping: 18084,
}

// pickFreePorts asks the kernel for free loopback ports, holding all listeners open until
// every port is chosen so that no two are the same.
func pickFreePorts() (ports, error) {
	var p ports
	fields := []*int{&p.View, &p.JaegerQuery, &p.JaegerQueryGRPC, &p.JaegerOTLP, &p.Prometheus, &p.NATS,
		&p.BridgeOTLPGRPC, &p.BridgeOTLPHTTP, &p.BridgeJaeger, &p.BridgeZipkin, &p.BridgeDatadog, &p.BridgeHealth,
		&p.BridgeSpanMetrics, &p.BridgeSelf, &p.ShopAPI, &p.Pricing, &p.Inventory, &p.Shipping}
	var ls []io.Closer
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	for _, f := range fields {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return p, err
		}
		ls = append(ls, l)
		*f = l.Addr().(*net.TCPAddr).Port
	}
	u, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		return p, err
	}
	ls = append(ls, u)
	p.BridgeDogStatsD = u.LocalAddr().(*net.UDPAddr).Port
	return p, nil
}

// checkFree fails, naming the port, when one of the fixed ports is taken: better than a
// backend failing half-way through the start.
func checkFree(p ports) error {
	v := reflect.ValueOf(p)
	for i := 0; i < v.NumField(); i++ {
		port := int(v.Field(i).Int())
		network := "tcp"
		if v.Type().Field(i).Name == "BridgeDogStatsD" {
			network = "udp"
		}
		l, err := listen(network, fmt.Sprintf("127.0.0.1:%d", port))
		if err != nil {
			return fmt.Errorf("port %d (%s) is in use: stop what listens there, or pick free ports with -free-ports (make demo DEMO_ARGS=-free-ports)",
				port, v.Type().Field(i).Name)
		}
		l.Close()
	}
	return nil
}

func listen(network, addr string) (io.Closer, error) {
	if network == "udp" {
		return net.ListenPacket(network, addr)
	}
	return net.Listen(network, addr)
}

// Info is what <run dir>/demo.json holds once everything is up: the URLs, the ports and the
// process ids (the e2e test reads it).
type Info struct {
	ViewURL        string `json:"view_url"`
	JaegerQueryURL string `json:"jaeger_query_url"`
	PrometheusURL  string `json:"prometheus_url"`
	ShopAPIURL     string `json:"shop_api_url"`
	LogsFile       string `json:"logs_file"`
	Ports          ports  `json:"ports"`
	PIDs           []int  `json:"pids"`
}

func run() error {
	o, err := parseFlags()
	if err != nil {
		return err
	}
	p := fixedPorts
	if o.freePorts {
		if p, err = pickFreePorts(); err != nil {
			return err
		}
	} else if err := checkFree(p); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if o.duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.duration)
		defer cancel()
	}

	d := &demo{opts: o, ports: p}
	runErr := d.start(ctx)
	if runErr == nil {
		runErr = d.serve(ctx)
	}
	stopErr := d.stopAll()
	if runErr != nil && !errors.Is(runErr, context.Canceled) && !errors.Is(runErr, context.DeadlineExceeded) {
		return runErr
	}
	if stopErr != nil {
		return stopErr
	}
	fmt.Println("demo: stopped everything it started")
	return nil
}

func (d *demo) info() Info {
	p := d.ports
	in := Info{
		ViewURL:        fmt.Sprintf("http://127.0.0.1:%d/", p.View),
		JaegerQueryURL: fmt.Sprintf("http://127.0.0.1:%d", p.JaegerQuery),
		PrometheusURL:  fmt.Sprintf("http://127.0.0.1:%d", p.Prometheus),
		ShopAPIURL:     fmt.Sprintf("http://127.0.0.1:%d", p.ShopAPI),
		LogsFile:       d.path("bridge", "logs.jsonl"),
		Ports:          p,
	}
	for _, c := range d.children {
		in.PIDs = append(in.PIDs, c.cmd.Process.Pid)
	}
	return in
}

func (d *demo) writeInfo() error {
	b, err := json.MarshalIndent(d.info(), "", "  ")
	if err != nil {
		return err
	}
	tmp := d.path("demo.json.tmp")
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, d.path("demo.json")) // readers never see half a file
}

func (d *demo) printURLs() {
	in := d.info()
	red := url.QueryEscape(`sum by (service_name) (rate(traces_span_metrics_calls_total{span_kind=~"SPAN_KIND_SERVER|SPAN_KIND_CONSUMER"}[1m]))`)
	fmt.Printf(`
otelcol-bridge demo is running; Ctrl-C stops everything.

  Traces and their logs (the demo's trace view over Jaeger's API):  %s
  The latest complete order, as a waterfall with its logs:  %strace/latest
  Jaeger query API, the shop's recent traces:  %s/api/traces?service=shop-api&limit=20
  Prometheus, request rate per service (RED metrics from span_metrics):
      %s/api/v1/query?query=%s
  Logs of every service, as the bridge wrote them:  %s

`, in.ViewURL, in.ViewURL, in.JaegerQueryURL, in.PrometheusURL, red, in.LogsFile)
}
