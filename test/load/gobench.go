//go:build bench

package main

import (
	"bufio"
	"bytes"
	"log"
	"os"
	"os/exec"
	"strings"
)

type goBenchResult struct {
	Package string            `json:"package"`
	Name    string            `json:"name"`
	Values  map[string]string `json:"values"` // unit -> value: ns/op, B/op, allocs/op, custom units
	Units   []string          `json:"units"`
}

// runGoBenchmarks runs the hot-path benchmarks of every package under components/.
func runGoBenchmarks(o *options) ([]goBenchResult, string) {
	args := []string{"test", "-run=^$", "-bench=.", "-benchmem", "-benchtime=" + o.benchtime, "-count=1", "./components/..."}
	cmdLine := "go " + strings.Join(args, " ")
	log.Printf("running %s", cmdLine)
	cmd := exec.Command("go", args...)
	cmd.Dir = o.root
	cmd.Env = os.Environ()
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	if err := cmd.Run(); err != nil {
		log.Printf("go benchmarks failed: %v\n%s", err, out.String())
	}
	return parseGoBench(out.Bytes()), cmdLine
}

func parseGoBench(b []byte) []goBenchResult {
	var res []goBenchResult
	pkg := ""
	s := bufio.NewScanner(bytes.NewReader(b))
	for s.Scan() {
		line := s.Text()
		if p, ok := strings.CutPrefix(line, "pkg: "); ok {
			pkg = strings.TrimPrefix(p, "github.com/otelcol-bridge/otelcol-bridge/")
			continue
		}
		if !strings.HasPrefix(line, "Benchmark") {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 4 {
			continue
		}
		r := goBenchResult{Package: pkg, Name: f[0], Values: map[string]string{}}
		// Drop the -GOMAXPROCS suffix.
		if i := strings.LastIndexByte(r.Name, '-'); i > 0 {
			r.Name = r.Name[:i]
		}
		for i := 2; i+1 < len(f); i += 2 {
			r.Values[f[i+1]] = f[i]
			r.Units = append(r.Units, f[i+1])
		}
		res = append(res, r)
	}
	return res
}
