//go:build tools

package main

// cyclonedx-gomod writes the CycloneDX SBOMs; the Makefile builds it from this module.
import _ "github.com/CycloneDX/cyclonedx-gomod/cmd/cyclonedx-gomod"
