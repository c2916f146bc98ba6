# Release artifacts (included by the Makefile): the OCI image, archives, .deb/.rpm, SBOMs.
# No Docker engine and no base image: tools/release assembles everything in Go
# (go-containerregistry, nfpm). docs/en/install.md describes the outputs.

DIST        := $(CURDIR)/dist
RELEASE     := $(CURDIR)/bin/release
CYCLONEDX   := $(TOOLS_BIN)/cyclonedx-gomod
HOST_PLATFORM := $(shell go env GOOS)_$(shell go env GOARCH)
# Platforms of `make dist`. CI's release-test builds the two Linux ones only (the image needs
# both); darwin and windows add a cold cross build each (about 5 min on 2 cores).
DIST_PLATFORMS ?= linux_amd64 linux_arm64 darwin_arm64 windows_amd64
PKG_ARCHS      ?= amd64 arm64
IMAGE_REPO     ?= otelcol-bridge
# `make image-push IMAGE=<registry>/team/otelcol-bridge:1.2.3`
IMAGE          ?= $(IMAGE_REPO):$(VERSION)
# The SPDX expression of the image label and the packages' license field.
LICENSE_SPDX   ?= Apache-2.0
# Debian's ca-certificates bundle of the build machine goes into the image.
CA_BUNDLE      ?= /etc/ssl/certs/ca-certificates.crt

os_of   = $(word 1,$(subst _, ,$(1)))
arch_of = $(word 2,$(subst _, ,$(1)))
exe_of  = otelcol-bridge$(if $(filter windows,$(call os_of,$(1))),.exe)

$(RELEASE): $(wildcard tools/release/*.go) tools/release/go.mod tools/release/go.sum
	@mkdir -p $(dir $@)
	cd tools/release && go build -o $@ .

$(CYCLONEDX): tools/release/go.mod tools/release/go.sum
	cd tools/release && go build -o $@ github.com/CycloneDX/cyclonedx-gomod/cmd/cyclonedx-gomod

# dist/bin/<os>_<arch>/otelcol-bridge[.exe]: the host's is bin/otelcol-bridge (built once);
# the others are cross builds with the same flags.
define cross_build
	@mkdir -p $(dir $@)
	@if [ "$*" = "$(HOST_PLATFORM)" ]; then cp $(BINARY) $@; else \
	  echo "cross build $*"; \
	  cd $(DISTRO_DIR) && CGO_ENABLED=0 GOOS=$(call os_of,$*) GOARCH=$(call arch_of,$*) \
	    go build -trimpath -ldflags='$(GO_LDFLAGS)' -o $@ .; fi
endef
$(DIST)/bin/%/otelcol-bridge: $(BINARY)
	$(cross_build)
$(DIST)/bin/%/otelcol-bridge.exe: $(BINARY)
	$(cross_build)

# CycloneDX SBOM of the modules linked into each binary (read from its build info).
.SECONDEXPANSION:
$(DIST)/bin/%/sbom.cdx.json: $$(DIST)/bin/$$*/$$(call exe_of,$$*) $(CYCLONEDX)
	$(CYCLONEDX) bin -json -std -noserial -notimestamp -version $(VERSION) -output $@ $<

IMAGE_PLATFORMS ?= linux_amd64 linux_arm64
IMAGE_INPUTS := $(foreach p,$(IMAGE_PLATFORMS),$(DIST)/bin/$(p)/otelcol-bridge $(DIST)/bin/$(p)/sbom.cdx.json)

.PHONY: image
image: $(RELEASE) $(IMAGE_INPUTS) distro/config.container.yaml ## OCI image index linux/amd64+arm64 without a Docker engine: dist/image/oci and docker-loadable tarballs
	$(RELEASE) image --out $(DIST)/image --repo $(IMAGE_REPO) --version $(VERSION) --revision $(COMMIT) \
	  --licenses $(LICENSE_SPDX) --source-date-epoch $(SOURCE_DATE_EPOCH) --ca-bundle $(CA_BUNDLE) \
	  --config distro/config.container.yaml \
	  $(foreach p,$(IMAGE_PLATFORMS),--binary $(subst _,/,$(p))=$(DIST)/bin/$(p)/otelcol-bridge --sbom $(subst _,/,$(p))=$(DIST)/bin/$(p)/sbom.cdx.json)

.PHONY: image-push
image-push: $(RELEASE) ## push the image index of `make image` to IMAGE=registry/name:tag (credentials of docker login)
	@test -d $(DIST)/image/oci || { echo "run make image first"; exit 1; }
	$(RELEASE) push --layout $(DIST)/image/oci --image $(IMAGE)

archive_of = $(DIST)/otelcol-bridge_$(VERSION)_$(1).$(if $(filter windows,$(call os_of,$(1))),zip,tar.gz)
ARCHIVES := $(foreach p,$(DIST_PLATFORMS),$(call archive_of,$(p)))
SBOMS    := $(foreach p,$(DIST_PLATFORMS),$(DIST)/otelcol-bridge_$(VERSION)_$(p).sbom.cdx.json)

.PHONY: dist
dist: $(RELEASE) ## archives (DIST_PLATFORMS), .deb and .rpm (PKG_ARCHS), SBOMs and SHA256SUMS in dist/
	@rm -f $(DIST)/otelcol-bridge_* $(DIST)/otelcol-bridge-* $(DIST)/SHA256SUMS
	@$(MAKE) --no-print-directory $(foreach p,$(DIST_PLATFORMS),$(DIST)/bin/$(p)/$(call exe_of,$(p)) $(DIST)/bin/$(p)/sbom.cdx.json)
	@for p in $(DIST_PLATFORMS); do \
	  os=$${p%_*}; exe=otelcol-bridge; ext=tar.gz; \
	  if [ "$$os" = windows ]; then exe=otelcol-bridge.exe; ext=zip; fi; \
	  $(RELEASE) archive --out $(DIST)/otelcol-bridge_$(VERSION)_$$p.$$ext --exe $$exe \
	    --source-date-epoch $(SOURCE_DATE_EPOCH) \
	    --file $$exe=$(DIST)/bin/$$p/$$exe --file config.yaml=distro/config.yaml --file README.md=README.md; \
	  cp $(DIST)/bin/$$p/sbom.cdx.json $(DIST)/otelcol-bridge_$(VERSION)_$$p.sbom.cdx.json; \
	done
	@for a in $(PKG_ARCHS); do for f in deb rpm; do \
	  VERSION=$(VERSION) ARCH=$$a BINARY=$(DIST)/bin/linux_$$a/otelcol-bridge SBOM=$(DIST)/bin/linux_$$a/sbom.cdx.json \
	    $(RELEASE) package --config packaging/nfpm.yaml --format $$f --out $(DIST); \
	done; done
	cd $(DIST) && $(RELEASE) checksums --out SHA256SUMS otelcol-bridge_* otelcol-bridge-*
	@cd $(DIST) && ls -l $$(awk '{print $$2}' SHA256SUMS)

# The release tests need root for dpkg; they run in CI after make test.
RELEASE_TEST_PLATFORMS ?= linux_amd64 linux_arm64

.PHONY: release-test
release-test: ## make image + make dist (Linux platforms) and their tests: image contents, Dockerfile equivalence, push, dpkg -i
	$(MAKE) image
	$(MAKE) dist DIST_PLATFORMS="$(RELEASE_TEST_PLATFORMS)"
	cd tools/release && go vet -tags release ./...
	cd tools/release && DIST_DIR=$(DIST) REPO_ROOT=$(CURDIR) VERSION=$(VERSION) COMMIT=$(COMMIT) \
	  SOURCE_DATE_EPOCH=$(SOURCE_DATE_EPOCH) IMAGE_REPO=$(IMAGE_REPO) IMAGE_PLATFORMS="$(IMAGE_PLATFORMS)" \
	  go test -count=1 -tags release -timeout 20m ./...
