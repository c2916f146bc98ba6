//go:build bench

// Command size (test/load/size, build tag bench) is the "binary size and memory vs a
// same-release contrib build with the same components" step of `make bench`
// (test/load/size.sh builds both binaries and runs it; it can be run alone):
//
//   - the size of both stripped binaries (as `make build` ships them: -trimpath -s -w);
//   - idle RSS (VmRSS ~8 s after health_check answers) and peak RSS (VmHWM after a fixed
//     OTLP/gRPC load from `otelcol-bridge loadgen`), both binaries on the same config, one
//     after the other, fresh processes, loopback and free ports only;
//   - `go tool nm -size` of copies built with their symbol tables, summed by package path
//     prefix, to show what our own code (and what only it pulls in) adds.
//
// It writes a Markdown section to -out and prints it.
package main

import (
	"bufio"
	"bytes"
	"debug/elf"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

const ourModule = "github.com/otelcol-bridge/otelcol-bridge"

type opts struct {
	root, ours, same, oursSyms, sameSyms, config, out string
	idle, load                                        time.Duration
	rate, reps, top                                   int
}

func main() {
	log.SetFlags(log.Ltime)
	var o opts
	wd, _ := os.Getwd()
	flag.StringVar(&o.root, "root", wd, "repository root")
	flag.StringVar(&o.ours, "ours", "bin/otelcol-bridge", "our stripped binary (relative to -root)")
	flag.StringVar(&o.same, "same", "test/load/.build/bin/otelcol-samecomponents", "the same-components contrib build, stripped")
	flag.StringVar(&o.oursSyms, "ours-syms", "test/load/.build/bin/otelcol-bridge.syms", "our binary with its symbol table (for go tool nm); empty: skip")
	flag.StringVar(&o.sameSyms, "same-syms", "test/load/.build/bin/otelcol-samecomponents.syms", "the contrib build with its symbol table; empty: skip")
	flag.StringVar(&o.config, "config", "test/load/configs/receivers-batch-nop.yaml", "collector config used for both binaries")
	flag.StringVar(&o.out, "out", "test/load/out/size.md", "Markdown output")
	flag.DurationVar(&o.idle, "idle", 8*time.Second, "wait after health_check answers before reading idle VmRSS")
	flag.DurationVar(&o.load, "load", 10*time.Second, "duration of the fixed load before reading VmHWM")
	flag.IntVar(&o.rate, "rate", 20000, "spans per second of the fixed OTLP/gRPC load")
	flag.IntVar(&o.reps, "reps", 1, "fresh processes per binary (alternating); the median is reported")
	flag.IntVar(&o.top, "top", 15, "rows of the size-by-package tables")
	flag.Parse()
	for _, p := range []*string{&o.ours, &o.same, &o.oursSyms, &o.sameSyms, &o.config, &o.out} {
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(o.root, *p)
		}
	}
	var b strings.Builder
	if err := run(&o, &b); err != nil {
		log.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(o.out), 0o755); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(o.out, []byte(b.String()), 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Print(b.String())
	log.Printf("wrote %s", o.out)
}

type mem struct{ idle, peak, afterLoad float64 } // MiB

func run(o *opts, b *strings.Builder) error {
	sizes := map[string]int64{}
	for _, p := range []string{o.ours, o.same} {
		st, err := os.Stat(p)
		if err != nil {
			return err
		}
		sizes[p] = st.Size()
	}
	res := map[string][]mem{}
	for i := 0; i < o.reps; i++ {
		for _, p := range []string{o.ours, o.same} {
			m, err := measure(o, p)
			if err != nil {
				return fmt.Errorf("%s: %w", filepath.Base(p), err)
			}
			log.Printf("%s: idle VmRSS %.1f MiB, VmHWM after load %.1f MiB", filepath.Base(p), m.idle, m.peak)
			res[p] = append(res[p], m)
		}
	}
	med := func(p string, f func(mem) float64) float64 {
		var v []float64
		for _, m := range res[p] {
			v = append(v, f(m))
		}
		sort.Float64s(v)
		return v[len(v)/2]
	}
	mib := func(n int64) float64 { return float64(n) / (1 << 20) }
	fmt.Fprintf(b, "| | otelcol-bridge | contrib, same components | ratio |\n|---|---:|---:|---:|\n")
	fmt.Fprintf(b, "| binary size, stripped (MiB) | %.1f | %.1f | %.2f |\n", mib(sizes[o.ours]), mib(sizes[o.same]), float64(sizes[o.ours])/float64(sizes[o.same]))
	for _, row := range []struct {
		name string
		f    func(mem) float64
	}{
		{fmt.Sprintf("idle RSS, VmRSS %s after start (MiB)", o.idle), func(m mem) float64 { return m.idle }},
		{fmt.Sprintf("peak RSS, VmHWM after %s of OTLP/gRPC at %d spans/s (MiB)", o.load, o.rate), func(m mem) float64 { return m.peak }},
	} {
		a, c := med(o.ours, row.f), med(o.same, row.f)
		fmt.Fprintf(b, "| %s | %.1f | %.1f | %.2f |\n", row.name, a, c, a/c)
	}
	fmt.Fprintf(b, "\n")
	if o.oursSyms == "" || o.sameSyms == "" {
		return nil
	}
	ours, err := nmByGroup(o.oursSyms)
	if err != nil {
		return err
	}
	same, err := nmByGroup(o.sameSyms)
	if err != nil {
		return err
	}
	writeSizeTables(b, o.top, ours, same)
	return nil
}

// measure starts bin on o.config (free ports in the environment), reads VmRSS after o.idle,
// sends o.load of OTLP/gRPC at o.rate with our loadgen and reads VmHWM.
func measure(o *opts, bin string) (mem, error) {
	var m mem
	dir, err := os.MkdirTemp("", "otelcol-size-")
	if err != nil {
		return m, err
	}
	defer os.RemoveAll(dir)
	names := []string{"HEALTH_PORT", "OTLP_GRPC_PORT", "OTLP_HTTP_PORT", "JAEGER_GRPC_PORT", "JAEGER_HTTP_PORT", "JAEGER_COMPACT_PORT", "ZIPKIN_PORT", "DATADOG_PORT", "TELEMETRY_PORT", "PPROF_PORT"}
	ports, err := freePorts(len(names))
	if err != nil {
		return m, err
	}
	env := os.Environ()
	port := map[string]int{}
	for i, n := range names {
		port[n] = ports[i]
		env = append(env, fmt.Sprintf("%s=%d", n, ports[i]))
	}
	logf, err := os.Create(filepath.Join(dir, "collector.log"))
	if err != nil {
		return m, err
	}
	defer logf.Close()
	cmd := exec.Command(bin, "--config", o.config)
	cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = dir, env, logf, logf
	if err := cmd.Start(); err != nil {
		return m, err
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(20 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	}()
	url := fmt.Sprintf("http://127.0.0.1:%d/", port["HEALTH_PORT"])
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		select {
		case <-exited:
			out, _ := os.ReadFile(filepath.Join(dir, "collector.log"))
			return m, fmt.Errorf("exited during start-up:\n%s", out)
		default:
		}
		if resp, err := http.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			return m, errors.New("not healthy after 60s")
		}
	}
	time.Sleep(o.idle)
	if m.idle, _, err = procMem(cmd.Process.Pid); err != nil {
		return m, err
	}
	lg := exec.Command(o.ours, "loadgen", "--protocol", "otlp-grpc",
		"--endpoint", fmt.Sprintf("127.0.0.1:%d", port["OTLP_GRPC_PORT"]),
		"--rate", strconv.Itoa(o.rate), "--duration", o.load.String(), "--workers", "4")
	if out, err := lg.CombinedOutput(); err != nil {
		return m, fmt.Errorf("loadgen: %w\n%s", err, out)
	}
	m.afterLoad, m.peak, err = procMem(cmd.Process.Pid)
	return m, err
}

// procMem returns VmRSS and VmHWM in MiB from /proc/PID/status.
func procMem(pid int) (rss, hwm float64, err error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 {
			continue
		}
		kb, _ := strconv.ParseFloat(fields[1], 64)
		switch fields[0] {
		case "VmRSS:":
			rss = kb / 1024
		case "VmHWM:":
			hwm = kb / 1024
		}
	}
	return rss, hwm, sc.Err()
}

func freePorts(n int) ([]int, error) {
	var ports []int
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// nmByGroup sums `go tool nm -size` symbol sizes of bin by group (see group).
func nmByGroup(bin string) (map[string]int64, error) {
	out, err := exec.Command("go", "tool", "nm", "-size", "-sort", "size", bin).Output()
	if err != nil {
		return nil, fmt.Errorf("go tool nm %s: %w", bin, err)
	}
	// nm marks bss symbols D too: skip what lies in a NOBITS section (no room in the file).
	ef, err := elf.Open(bin)
	if err != nil {
		return nil, err
	}
	var nobits [][2]uint64
	for _, s := range ef.Sections {
		if s.Type == elf.SHT_NOBITS {
			nobits = append(nobits, [2]uint64{s.Addr, s.Addr + s.Size})
		}
	}
	ef.Close()
	sums := map[string]int64{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		// "  addr size type name"; the name may contain spaces (generic instantiations)
		f := strings.Fields(sc.Text())
		if len(f) < 4 {
			continue
		}
		size, err := strconv.ParseInt(f[1], 10, 64)
		addr, err2 := strconv.ParseUint(f[0], 16, 64)
		if err != nil || err2 != nil || strings.ContainsAny(f[2], "BbUu") {
			continue
		}
		inBSS := false
		for _, r := range nobits {
			inBSS = inBSS || (addr >= r[0] && addr < r[1])
		}
		if inBSS {
			continue
		}
		sums[group(pkgOf(strings.Join(f[3:], " ")))] += size
	}
	return sums, sc.Err()
}

// pkgOf returns the package path of a Go symbol name ("" when it has none).
func pkgOf(name string) string {
	switch {
	case strings.HasPrefix(name, "type:"):
		name = strings.TrimPrefix(name, "type:")
		name = strings.TrimPrefix(strings.TrimPrefix(name, ".eq."), ".hash.")
	case strings.HasPrefix(name, "go:itab."):
		// go:itab.CONCRETE,INTERFACE: counted with the concrete type's package
		name = strings.TrimPrefix(name, "go:itab.")
		if i := strings.Index(name, ","); i >= 0 {
			name = name[:i]
		}
	case strings.HasPrefix(name, "go:"):
		return "" // go:func.*, go:buildinfo, go:string.*: the linker's tables
	}
	name = strings.ReplaceAll(name, "%2e", ".") // the linker escapes dots in the last element
	if strings.HasPrefix(name, "struct {") || strings.HasPrefix(name, "func(") || strings.HasPrefix(name, "map[") || strings.HasPrefix(name, "[]") {
		return "" // unnamed types
	}
	name = strings.TrimLeft(name, "*")
	if i := strings.IndexAny(name, "[("); i >= 0 {
		name = name[:i]
	}
	slash := strings.LastIndex(name, "/")
	dot := strings.Index(name[slash+1:], ".")
	if dot < 0 {
		return ""
	}
	return name[:slash+1+dot]
}

// group maps a package path to the unit the tables sum by: our module's packages by their
// first two directories (receiver/datadogreceiver, components/loadgen, ...), a contrib or core
// component by its module directory, any other module by its first three path elements,
// the standard library as "std".
func group(pkg string) string {
	if pkg == "" {
		return "(runtime data, no package)"
	}
	el := strings.Split(pkg, "/")
	if !strings.Contains(el[0], ".") {
		return "std"
	}
	n := 3
	switch {
	case pkg == ourModule || strings.HasPrefix(pkg, ourModule+"/"):
		n = 5
	case strings.HasPrefix(pkg, "github.com/open-telemetry/opentelemetry-collector-contrib/"):
		n = 5
	case strings.HasPrefix(pkg, "go.opentelemetry.io/collector/"):
		n = 4
	case el[0] == "golang.org" || el[0] == "google.golang.org" || el[0] == "go.opentelemetry.io":
		n = 3
	}
	if len(el) < n {
		n = len(el)
	}
	return strings.Join(el[:n], "/")
}

func writeSizeTables(b *strings.Builder, top int, ours, same map[string]int64) {
	kb := func(n int64) string { return strconv.FormatInt((n+512)/1024, 10) }
	var tOurs, tSame, tOwn int64
	var own, onlyOurs, grew []string
	for g, n := range ours {
		tOurs += n
		if g == ourModule || strings.HasPrefix(g, ourModule+"/") {
			tOwn += n
			own = append(own, g)
		} else if _, ok := same[g]; !ok {
			onlyOurs = append(onlyOurs, g)
		} else if n-same[g] >= 512 {
			grew = append(grew, g)
		}
	}
	var onlySame []string
	for g, n := range same {
		tSame += n
		if _, ok := ours[g]; !ok {
			onlySame = append(onlySame, g)
		}
	}
	var tOnly int64
	for _, g := range onlyOurs {
		tOnly += ours[g]
	}
	fmt.Fprintf(b, "Symbol bytes in the file (`go tool nm -size`, text + rodata + data, bss left out; the stripped file also holds pclntab and the linker's tables): otelcol-bridge %s KiB, contrib same components %s KiB, difference %s KiB. Of otelcol-bridge's, %s KiB are our own packages (`%s/...`) and %s KiB are packages that only our binary links.\n\n",
		kb(tOurs), kb(tSame), kb(tOurs-tSame), kb(tOwn), ourModule, kb(tOnly))
	table := func(title string, groups []string, val func(string) int64, extra func(string) string) {
		sort.Slice(groups, func(i, j int) bool { return val(groups[i]) > val(groups[j]) })
		if len(groups) > top {
			groups = groups[:top]
		}
		fmt.Fprintf(b, "%s\n\n| package path prefix | KiB |%s\n|---|---:|%s\n", title, map[bool]string{true: " contrib build KiB |", false: ""}[extra != nil], map[bool]string{true: "---:|", false: ""}[extra != nil])
		for _, g := range groups {
			fmt.Fprintf(b, "| `%s` | %s |", g, kb(val(g)))
			if extra != nil {
				fmt.Fprintf(b, " %s |", extra(g))
			}
			b.WriteString("\n")
		}
		b.WriteString("\n")
	}
	table("Our own packages, largest first:", own, func(g string) int64 { return ours[g] }, nil)
	table("Packages only otelcol-bridge links (dependencies of our code), largest first:", onlyOurs, func(g string) int64 { return ours[g] }, nil)
	table("Packages both link that are larger in otelcol-bridge (more of them is reachable), by growth:", grew,
		func(g string) int64 { return ours[g] - same[g] }, func(g string) string { return kb(same[g]) })
	table("Packages only the contrib build links (contrib's datadog and zipkin receivers and what they pull in), largest first:", onlySame,
		func(g string) int64 { return same[g] }, nil)
}
