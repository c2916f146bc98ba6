//go:build bench

package main

import (
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"
)

type machine struct {
	Started     time.Time     `json:"started"`
	Finished    time.Time     `json:"finished"`
	Elapsed     time.Duration `json:"elapsed_ns"`
	CPUModel    string        `json:"cpu_model"`
	CPUs        int           `json:"cpus"`
	Kernel      string        `json:"kernel"`
	MemTotal    string        `json:"mem_total"`
	GoVersion   string        `json:"go_version"`
	OursVersion string        `json:"ours_version"`
	RefVersion  string        `json:"reference_version"`
	Commit      string        `json:"commit"`
	LoadBefore  string        `json:"load_before"`
	LoadAfter   string        `json:"load_after"`
}

func firstLine(b []byte) string {
	s, _, _ := strings.Cut(strings.TrimSpace(string(b)), "\n")
	return s
}

func describeMachine(o *options) *machine {
	m := &machine{Started: time.Now(), CPUs: runtime.NumCPU(), GoVersion: runtime.Version(), LoadBefore: loadAvg()}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPUModel = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = firstLine(b)
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		m.MemTotal = strings.Join(strings.Fields(firstLine(b))[1:], " ")
	}
	if b, err := exec.Command(o.ours, "--version").Output(); err == nil {
		m.OursVersion = firstLine(b)
	}
	if b, err := exec.Command(o.ref, "--version").Output(); err == nil {
		m.RefVersion = firstLine(b)
	}
	cmd := exec.Command("git", "rev-parse", "--short", "HEAD")
	cmd.Dir = o.root
	if b, err := cmd.Output(); err == nil {
		m.Commit = firstLine(b)
	}
	return m
}
