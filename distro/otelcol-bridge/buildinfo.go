// Hand-written, not generated: the build metadata that `otelcol-bridge --version` prints.
// The Makefile sets these with -ldflags -X from git (docs/en/install.md); a plain `go build`
// leaves them empty and the binary reports the manifest's version only.

package main

import (
	"fmt"
	"runtime"

	"go.opentelemetry.io/collector/otelcol"
)

var (
	// version replaces the manifest's version (builder-config.yaml) when set: `git describe`
	// of a release tag, or the manifest's version on an untagged commit.
	version = ""
	// commit is the full git commit the binary was built from ("-dirty" if the tree was).
	commit = ""
	// buildDate is the commit's date (RFC 3339, UTC), not the wall clock, so that two builds
	// of one commit are byte-identical.
	buildDate = ""
)

// withBuildInfo applies the -X version to the collector's settings (it is also the
// service.version of the collector's own telemetry).
func withBuildInfo(params otelcol.CollectorSettings) otelcol.CollectorSettings {
	if version != "" {
		params.BuildInfo.Version = version
	}
	return params
}

// setVersionTemplate makes --version print commit, build date and Go version after cobra's
// usual first line. (The cobra command is taken through this one method so that the distro
// module needs no direct cobra requirement, which ocb's go.mod would not have.)
func setVersionTemplate(cmd interface{ SetVersionTemplate(string) }) {
	cmd.SetVersionTemplate(versionText("{{.Name}}", "{{.Version}}"))
}

func versionText(name, ver string) string {
	orUnknown := func(s string) string {
		if s == "" {
			return "unknown"
		}
		return s
	}
	return fmt.Sprintf("%s version %s\ncommit: %s\nbuilt: %s\ngo: %s %s/%s\n",
		name, ver, orUnknown(commit), orUnknown(buildDate), runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
