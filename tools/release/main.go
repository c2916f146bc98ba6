// Command release builds otelcol-bridge's release artifacts without a Docker daemon: the OCI
// image index (go-containerregistry), the .deb and .rpm packages (nfpm), the archives and
// their SHA256SUMS. The Makefile drives it (make image, make image-push, make dist); see
// docs/en/install.md. It lives in its own module (tools/release) so that its dependencies
// never take part in the distro's version selection.
package main

import (
	"fmt"
	"os"
)

const usage = `usage: release <command> [flags]

commands:
  image     build the OCI image index (layout directory + docker-loadable tarballs)
  push      push the image index of an OCI layout directory to a registry
  package   build a .deb or .rpm with nfpm
  archive   build a tar.gz or zip archive of the binary, its config and docs
  checksums write SHA256SUMS for files
`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	var err error
	args := os.Args[2:]
	switch os.Args[1] {
	case "image":
		err = runImage(args)
	case "push":
		err = runPush(args)
	case "package":
		err = runPackage(args)
	case "archive":
		err = runArchive(args)
	case "checksums":
		err = runChecksums(args)
	default:
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "release %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
}
