//go:build bench

// Command load (test/load, build tag bench) is the side-by-side benchmark behind `make bench`:
// it runs otelcol-bridge and a same-release reference build (reference-builder-config.yaml)
// on identical pipelines, interleaved A B A B …, a fresh process per run, drives them with
// components/loadgen in this process, checks sent == received for every run, runs the
// `go test -bench` hot-path benchmarks, and writes a Markdown report (English and Chinese).
//
//	go build -tags bench -o test/load/.build/bin/bench ./test/load && test/load/.build/bin/bench -h
//
// test/load/bench.sh is the entry point; it builds the reference distribution first.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"
)

type options struct {
	root        string
	ours, ref   string
	outDir      string
	reps        int
	profReps    int
	duration    time.Duration
	profileDur  time.Duration
	pinCPU      int // CPU for the collector; -1: no pinning
	only        string
	goBench     bool
	benchtime   string
	commandLine string
	from        string
}

// saved is everything a report is rendered from; -from renders it again (after editing the
// report's prose, say) without rerunning anything.
type saved struct {
	Machine     *machine        `json:"machine"`
	CommandLine string          `json:"command_line"`
	Reps        int             `json:"reps"`
	ProfReps    int             `json:"profiling_reps"`
	Duration    time.Duration   `json:"duration_ns"`
	PinCPU      int             `json:"pin_cpu"`
	Only        string          `json:"only"`
	Results     []runResult     `json:"results"`
	GoBench     []goBenchResult `json:"go_bench"`
	GoBenchCmd  string          `json:"go_bench_command"`
}

func main() {
	log.SetFlags(log.Ltime)
	var o options
	wd, _ := os.Getwd()
	flag.StringVar(&o.root, "root", wd, "repository root")
	flag.StringVar(&o.ours, "ours", "bin/otelcol-bridge", "otelcol-bridge binary (relative to -root)")
	flag.StringVar(&o.ref, "reference", "test/load/.build/bin/otelcol-reference", "reference binary (relative to -root)")
	flag.StringVar(&o.outDir, "out", "test/load/out", "report directory (relative to -root)")
	flag.IntVar(&o.reps, "reps", 3, "runs per scenario and side (the median is reported)")
	flag.IntVar(&o.profReps, "profiling-reps", 2, "runs per side of the profiling overhead scenario")
	flag.DurationVar(&o.duration, "duration", 8*time.Second, "load duration of a run")
	flag.DurationVar(&o.profileDur, "profiling-duration", 120*time.Second, "load duration of a profiling overhead run (a multiple of the 60 s schedule)")
	flag.IntVar(&o.pinCPU, "pin", -1, "pin each collector to this CPU with taskset (-1: no pinning); pin the driver elsewhere yourself")
	flag.StringVar(&o.only, "only", "", "comma-separated scenario ids or groups to run (default: all)")
	flag.BoolVar(&o.goBench, "gobench", true, "also run `go test -bench` for components/...")
	flag.StringVar(&o.benchtime, "benchtime", "1s", "-benchtime of the go benchmarks")
	flag.StringVar(&o.from, "from", "", "render the report again from a report.json of an earlier run, running nothing")
	flag.Parse()
	o.commandLine = strings.Join(os.Args[1:], " ")
	for _, p := range []*string{&o.ours, &o.ref, &o.outDir} {
		if !filepath.IsAbs(*p) {
			*p = filepath.Join(o.root, *p)
		}
	}
	for _, b := range []string{o.ours, o.ref} {
		if _, err := os.Stat(b); err != nil {
			log.Fatalf("binary missing: %v (bench.sh builds both)", err)
		}
	}
	if err := os.MkdirAll(o.outDir, 0o755); err != nil {
		log.Fatal(err)
	}

	if o.from != "" {
		raw, err := os.ReadFile(o.from)
		if err != nil {
			log.Fatal(err)
		}
		var sv saved
		if err := json.Unmarshal(raw, &sv); err != nil {
			log.Fatalf("%s: %v", o.from, err)
		}
		o.commandLine, o.reps, o.profReps, o.duration, o.pinCPU = sv.CommandLine, sv.Reps, sv.ProfReps, sv.Duration, sv.PinCPU
		scenarios := selectScenarios(allScenarios(&o), sv.Only)
		for i := range sv.Results {
			for _, sc := range scenarios {
				if sc.id == sv.Results[i].Scenario && sc.b.label == sv.Results[i].Label {
					sv.Results[i].Side = "b"
				}
			}
		}
		writeReports(&o, sv.Machine, scenarios, sv.Results, sv.GoBench, sv.GoBenchCmd)
		return
	}

	started := time.Now()
	env := describeMachine(&o)
	scenarios := selectScenarios(allScenarios(&o), o.only)
	var results []runResult
	ctx := context.Background()
	for _, sc := range scenarios {
		reps := o.reps
		if sc.group == groupProfiling {
			reps = o.profReps
		}
		for rep := 1; rep <= reps; rep++ {
			for _, side := range []string{"a", "b"} { // interleaved: A B A B …
				v := &sc.a
				if side == "b" {
					v = &sc.b
				}
				r := runOnce(ctx, &o, sc, side, v, rep)
				log.Printf("%-22s %-26s #%d %s", sc.id, v.label, rep, r.summary())
				results = append(results, r)
				raw, _ := json.MarshalIndent(results, "", "  ")
				_ = os.WriteFile(filepath.Join(o.outDir, "results.json"), raw, 0o644)
			}
		}
	}
	var goBench []goBenchResult
	var goBenchCmd string
	if o.goBench {
		goBench, goBenchCmd = runGoBenchmarks(&o)
	}
	env.Finished = time.Now()
	env.Elapsed = time.Since(started)
	env.LoadAfter = loadAvg()
	sv := saved{Machine: env, CommandLine: o.commandLine, Reps: o.reps, ProfReps: o.profReps, Duration: o.duration, PinCPU: o.pinCPU,
		Only: o.only, Results: results, GoBench: goBench, GoBenchCmd: goBenchCmd}
	raw, _ := json.MarshalIndent(sv, "", "  ")
	if err := os.WriteFile(filepath.Join(o.outDir, "report.json"), raw, 0o644); err != nil {
		log.Fatal(err)
	}
	writeReports(&o, env, scenarios, results, goBench, goBenchCmd)
	fmt.Printf("make bench finished in %s; copy %s/benchmarks.md to docs/en/benchmarks.md and benchmarks.zh.md to docs/zh/benchmarks.md to publish\n",
		env.Elapsed.Round(time.Second), o.outDir)
}

func writeReports(o *options, m *machine, scenarios []scenario, results []runResult, gb []goBenchResult, goCmd string) {
	rep := buildReport(o, m, scenarios, results, gb, goCmd)
	for lang, name := range map[string]string{"en": "benchmarks.md", "zh": "benchmarks.zh.md"} {
		path := filepath.Join(o.outDir, name)
		if err := os.WriteFile(path, []byte(rep.markdown(lang)), 0o644); err != nil {
			log.Fatal(err)
		}
		log.Printf("wrote %s", path)
	}
}
