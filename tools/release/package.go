package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/goreleaser/nfpm/v2"
	_ "github.com/goreleaser/nfpm/v2/deb" // registers the deb packager
	_ "github.com/goreleaser/nfpm/v2/rpm" // registers the rpm packager
)

func runPackage(args []string) error {
	fl := flag.NewFlagSet("package", flag.ContinueOnError)
	cfg := fl.String("config", "packaging/nfpm.yaml", "nfpm configuration; ${VAR} is expanded from the environment")
	format := fl.String("format", "deb", "deb or rpm")
	out := fl.String("out", "dist", "output directory")
	if err := fl.Parse(args); err != nil {
		return err
	}
	target, err := Package(*cfg, *format, *out, os.Getenv)
	if err != nil {
		return err
	}
	fmt.Println(target)
	return nil
}

// Package builds one package from an nfpm configuration and returns its path (nfpm's
// conventional file name, in out). File times come from SOURCE_DATE_EPOCH.
func Package(cfgPath, format, out string, env func(string) string) (string, error) {
	f, err := os.Open(cfgPath)
	if err != nil {
		return "", err
	}
	defer f.Close()
	cfg, err := nfpm.ParseWithEnvMapping(f, func(k string) string {
		v := env(k)
		if v == "" {
			err = errors.Join(err, fmt.Errorf("%s: ${%s} is not set", cfgPath, k))
		}
		return v
	})
	if err != nil {
		return "", err
	}
	info, err := cfg.Get(format)
	if err != nil {
		return "", err
	}
	info = nfpm.WithDefaults(info)
	pkg, err := nfpm.Get(format)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return "", err
	}
	target := filepath.Join(out, pkg.ConventionalFileName(info))
	w, err := os.Create(target)
	if err != nil {
		return "", err
	}
	info.Target = target
	if err := pkg.Package(info, w); err != nil {
		w.Close()
		os.Remove(target)
		return "", err
	}
	return target, w.Close()
}
