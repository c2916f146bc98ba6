# otelcol-bridge — build, run and test. `make help` lists the targets.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

OCB_VERSION   := v0.158.0
HELM_VERSION  := v3.22.0
TOOLS_BIN     := $(CURDIR)/.tools/bin
OCB           := $(TOOLS_BIN)/builder
DISTRO_DIR    := distro/otelcol-bridge
BINARY        := $(CURDIR)/bin/otelcol-bridge
CONFIG        ?= distro/config.yaml
GO_TEST_FLAGS ?= -race -count=1

# The checksum database has no entry for these modules although the Go module proxy
# serves them; go.sum still pins their hashes (docs/en/versions.md).
export GONOSUMDB := github.com/open-telemetry/opentelemetry-collector-contrib/extension/jaegerremotesampling,github.com/open-telemetry/opentelemetry-collector-contrib/internal/datadog,github.com/DataDog/datadog-agent/pkg/util/hostname/validate
export GOFLAGS   := -buildvcs=false

# Everything the binary is built from: the generated distro plus our own module.
BUILD_INPUTS := $(shell find distro components receiver processor exporter extension -name '*.go' -not -name '*_test.go' 2>/dev/null) \
                go.mod go.sum $(DISTRO_DIR)/go.mod $(DISTRO_DIR)/go.sum

.PHONY: help
help: ## list the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

.PHONY: run
run: build ## build if needed, then run the distro on distro/config.yaml (Ctrl-C stops it)
	@mkdir -p data # the file exporters write ./data/{traces,metrics,logs}.jsonl
	exec $(BINARY) --config $(CONFIG)

.PHONY: build
build: $(BINARY) ## build bin/otelcol-bridge from the committed ocb sources

# Build metadata that `otelcol-bridge --version` prints (distro/otelcol-bridge/buildinfo.go).
# VERSION: the release tag (v1.2.3 -> 1.2.3) when HEAD has one, else the manifest's version.
# BUILD_DATE is the commit's date, not the wall clock, so that rebuilding a commit gives the
# same bytes (-trimpath, no VCS stamping, fixed ldflags); SOURCE_DATE_EPOCH does the same
# for image, archive and package timestamps.
MANIFEST_VERSION  := $(shell awk '$$1 == "version:" {print $$2; exit}' builder-config.yaml)
GIT_TAG           := $(shell git describe --tags --exact-match --match 'v[0-9]*' 2>/dev/null)
VERSION           ?= $(if $(GIT_TAG),$(GIT_TAG:v%=%),$(MANIFEST_VERSION))
COMMIT            ?= $(shell git rev-parse HEAD 2>/dev/null || echo unknown)$(shell git diff --quiet HEAD -- 2>/dev/null || echo -dirty)
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)
BUILD_DATE        ?= $(shell date -u -d @$(SOURCE_DATE_EPOCH) +%Y-%m-%dT%H:%M:%SZ)
export SOURCE_DATE_EPOCH
GO_LDFLAGS        := -s -w -X main.version=$(VERSION) -X main.commit=$(COMMIT) -X main.buildDate=$(BUILD_DATE)
# Rewritten only when the flags change, so a new commit relinks the binary.
BUILD_STAMP       := bin/.ldflags

.PHONY: FORCE
$(BUILD_STAMP): FORCE
	@mkdir -p $(dir $@)
	@echo '$(GO_LDFLAGS)' | cmp -s - $@ || echo '$(GO_LDFLAGS)' > $@

$(BINARY): $(BUILD_INPUTS) $(BUILD_STAMP)
	@mkdir -p $(dir $@)
	cd $(DISTRO_DIR) && CGO_ENABLED=0 go build -trimpath -ldflags='$(GO_LDFLAGS)' -o $@ .

MDATAGEN := $(TOOLS_BIN)/mdatagen
HELM     := $(TOOLS_BIN)/helm
JAEGER   := $(TOOLS_BIN)/jaeger
# Prometheus for the metrics e2e tests, built from its Go module (tools/prometheus): no root,
# no apt. PROMETHEUS_BIN=/usr/bin/prometheus uses an installed one instead.
PROMETHEUS_BIN ?= $(TOOLS_BIN)/prometheus

# mdatagen is built from tools/go.mod (`go install mdatagen@version` fails: the proxy has no
# version list for it, which `go install` needs for its deprecation check).
$(MDATAGEN): tools/go.mod tools/go.sum
	cd tools && go build -o $(MDATAGEN) go.opentelemetry.io/collector/cmd/mdatagen

.PHONY: mdatagen
mdatagen: $(MDATAGEN) ## regenerate internal/metadata, the generated tests, documentation.md and README status tables of our components
	./scripts/mdatagen-all.sh $(MDATAGEN)

.PHONY: generate-check
generate-check: $(MDATAGEN) ## fail when mdatagen's output (code, docs, README status tables) differs from the tree
	./scripts/check-generated.sh $(MDATAGEN)

$(OCB):
	GOBIN=$(TOOLS_BIN) go install go.opentelemetry.io/collector/cmd/builder@$(OCB_VERSION)

.PHONY: ocb
ocb: $(OCB) ## install ocb (the OpenTelemetry Collector Builder) at the pinned version

.PHONY: generate
generate: $(OCB) ## regenerate distro/otelcol-bridge from builder-config.yaml with ocb
	./scripts/ocb-generate.sh $(OCB) builder-config.yaml

.PHONY: check-manifest
check-manifest: $(OCB) ## fail when distro/otelcol-bridge differs from what ocb generates from the manifest
	./scripts/check-manifest.sh $(OCB)

.PHONY: fmt
fmt: ## gofmt every Go file
	gofmt -w $$(git ls-files '*.go')

.PHONY: lint
lint: ## gofmt and go vet must be clean
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "not gofmt-formatted:"; echo "$$out"; exit 1; fi
	go vet ./...
	go vet -tags e2e ./test/e2e/...
	go vet -tags bench ./test/load/...
	go vet -tags chaos ./test/chaos/...
	cd examples/demo && go vet ./... && go vet -tags e2e ./...

.PHONY: unit
unit: ## unit tests of our own module (race detector on); the Helm tests run in helm-test
	go test $(GO_TEST_FLAGS) $$(go list ./... | grep -v /test/helm)
	@# The zero-allocation tests skip themselves under -race (sync.Pool drops items there): run them again without it.
	go test -count=1 -run 'Alloc' ./components/... ./processor/...

# Jaeger v2, the new backend of the migration e2e test, built in its own module (tools/jaeger)
# so its collector versions never meet ours.
$(JAEGER): tools/jaeger/go.mod tools/jaeger/go.sum
	cd tools/jaeger && go build -o $(JAEGER) github.com/jaegertracing/jaeger/cmd/jaeger

# remove_all_sd leaves out the cloud service discoveries (the tests use static targets), which
# halves the build. Without the builtinassets tag the web UI is not embedded; the tests use the API only.
$(TOOLS_BIN)/prometheus: tools/prometheus/go.mod tools/prometheus/go.sum
	cd tools/prometheus && CGO_ENABLED=0 go build -trimpath -tags remove_all_sd -o $@ github.com/prometheus/prometheus/cmd/prometheus

# promtool, from the same Prometheus module and version as $(PROMETHEUS_BIN) (and, like it,
# without the cloud service discoveries): it checks and unit-tests the alerting rules of
# examples/operations. PROMTOOL_BIN=/usr/bin/promtool uses an installed one.
PROMTOOL_BIN ?= $(TOOLS_BIN)/promtool
$(TOOLS_BIN)/promtool: tools/prometheus/go.mod tools/prometheus/go.sum
	cd tools/prometheus && CGO_ENABLED=0 go build -trimpath -tags remove_all_sd -o $@ github.com/prometheus/prometheus/cmd/promtool

$(HELM):
	GOBIN=$(TOOLS_BIN) go install helm.sh/helm/v3/cmd/helm@$(HELM_VERSION)

# The rules above are on absolute paths; these let the docs say `make .tools/bin/jaeger`
# (docs/en/quickstart.md) and have it work from the top of the checkout.
.tools/bin/jaeger: $(JAEGER)
.tools/bin/helm: $(HELM)

.PHONY: helm-test
helm-test: $(HELM) build ## Helm chart: lint, goldens, strict Kubernetes decoding, otelcol-bridge validate, invalid values
	HELM_BIN=$(HELM) OTELCOL_BRIDGE_BINARY=$(BINARY) go test $(GO_TEST_FLAGS) ./test/helm/

.PHONY: helm-golden
helm-golden: $(HELM) ## regenerate helm/otelcol-bridge/tests/golden from the examples (review the diff)
	HELM_BIN=$(HELM) go test -count=1 ./test/helm/ -run TestExamplesMatchGolden -update


test/e2e/js/node_modules: test/e2e/js/package.json test/e2e/js/package-lock.json
	cd test/e2e/js && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

test/e2e/js-dd/node_modules: test/e2e/js-dd/package.json test/e2e/js-dd/package-lock.json
	cd test/e2e/js-dd && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

.PHONY: e2e
e2e: build $(JAEGER) $(PROMETHEUS_BIN) $(HELM) test/e2e/js/node_modules test/e2e/js-dd/node_modules ## end-to-end tests: the built binary on loopback, real client libraries in
	OTELCOL_BRIDGE_BINARY=$(BINARY) JAEGER_BIN=$(JAEGER) HELM_BIN=$(HELM) PROMETHEUS_BIN=$(PROMETHEUS_BIN) go test $(GO_TEST_FLAGS) -tags e2e -timeout 20m ./test/e2e/...

# ---- make demo: the shop of examples/demo (docs/en/demo.md) ----
# The demo is a Go module of its own (NATS, SQLite, dd-trace-go, zipkin-go, jaeger-client-go
# stay out of otelcol-bridge's version selection); its binaries go to a cache directory.
DEMO_DIR    := examples/demo
DEMO_BIN    := $(CURDIR)/.cache/demo/bin
DEMO_GO_SRC := $(shell find $(DEMO_DIR) -name '*.go' -not -name '*_test.go' 2>/dev/null) $(DEMO_DIR)/go.mod $(DEMO_DIR)/go.sum
DEMO_DEPS   := build $(JAEGER) $(PROMETHEUS_BIN) $(DEMO_BIN)/.built $(DEMO_DIR)/js/node_modules
# Extra launcher flags, e.g. DEMO_ARGS='-rate 10 -duration 5m' (`.cache/demo/bin/demo -h` lists them).
DEMO_ARGS   ?=

$(DEMO_BIN)/.built: $(DEMO_GO_SRC)
	@mkdir -p $(DEMO_BIN)
	cd $(DEMO_DIR) && CGO_ENABLED=0 go build -trimpath -o $(DEMO_BIN)/ ./cmd/...
	@touch $@

$(DEMO_DIR)/js/node_modules: $(DEMO_DIR)/js/package.json $(DEMO_DIR)/js/package-lock.json
	cd $(DEMO_DIR)/js && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

.PHONY: demo
demo: $(DEMO_DEPS) ## run the demo shop, the bridge, Jaeger v2 and Prometheus on localhost; prints the URLs; Ctrl-C stops all
	exec $(DEMO_BIN)/demo -bridge $(BINARY) -jaeger $(JAEGER) -prometheus $(PROMETHEUS_BIN) \
	  -js-dir $(DEMO_DIR)/js -config $(DEMO_DIR)/config.yaml -run-dir data/demo $(DEMO_ARGS)

# Needs Chromium (Debian: apt-get install chromium); not part of make test.
.PHONY: demo-screenshot
demo-screenshot: $(DEMO_DEPS) ## retake docs/images/demo-trace.png: the demo's latest complete trace in headless Chromium
	./scripts/demo-screenshot.sh $(DEMO_BIN)/demo docs/images/demo-trace.png -bridge $(BINARY) -jaeger $(JAEGER) \
	  -prometheus $(PROMETHEUS_BIN) -js-dir $(DEMO_DIR)/js -config $(DEMO_DIR)/config.yaml

.PHONY: demo-test
demo-test: $(DEMO_DEPS) ## the demo's unit tests and its e2e test (one trace across 5 services, 4 protocols, joined logs, clean Ctrl-C)
	cd $(DEMO_DIR) && DEMO_BIN_DIR=$(DEMO_BIN) OTELCOL_BRIDGE_BINARY=$(BINARY) JAEGER_BIN=$(JAEGER) PROMETHEUS_BIN=$(PROMETHEUS_BIN) \
	  go test $(GO_TEST_FLAGS) -tags e2e -timeout 5m -v ./...

# The fault-injection suite runs the chart's durability examples (rendered by helm) and
# examples/gateway/config.yaml through kill -9, outages, full queues, a full disk (tmpfs), SIGTERM,
# overload in a 512 MiB memory cgroup (cgroup v1; root for both) and a killed sampler; about 6
# minutes on 2 cores.
# Each scenario prints a `CHAOS scenario=...` summary line (docs/en/reliability.md quotes them);
# the full log goes to test/chaos/last-run.log. CHAOS_RUN=<regexp> runs some scenarios only.
CHAOS_RUN ?= .
.PHONY: chaos
chaos: $(HELM) build ## fault injection on the built binary: kill -9, outages, full queues, overload; counts every span
	HELM_BIN=$(HELM) OTELCOL_BRIDGE_BINARY=$(BINARY) go test -count=1 -v -tags chaos -timeout 15m -run '$(CHAOS_RUN)' ./test/chaos/ 2>&1 \
	  | tee $(CURDIR)/test/chaos/last-run.log | grep -E '^(CHAOS |--- |FAIL|ok|PASS)'

# ---- bindings: the C ABI library over components/ and its Python and Ruby bindings ----
# The one place that uses cgo (the collector binary stays CGO_ENABLED=0). docs/en/bindings.md.
BINDINGS_BUILD := bindings/c/build
LIBBRIDGE_SO   := $(BINDINGS_BUILD)/libotelcolbridge.so
LIBBRIDGE_A    := $(BINDINGS_BUILD)/libotelcolbridge.a
# The Go runtime is opaque to valgrind (its own stacks and heap look like invalid accesses)
# unless it is built with the valgrind tag, which makes it describe them to valgrind through
# client requests; only the test under valgrind uses this build.
LIBBRIDGE_VG   := $(BINDINGS_BUILD)/valgrind/libotelcolbridge.so
BINDINGS_SRC   := $(shell find bindings components -name '*.go' -not -name '*_test.go' 2>/dev/null) bindings/c/free.c go.mod go.sum
BINDINGS_CFLAGS := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O1 -g -Ibindings/c/include

$(LIBBRIDGE_SO): $(BINDINGS_SRC)
	CGO_ENABLED=1 go build -trimpath -ldflags='-s -w' -buildmode=c-shared -o $@ ./bindings/c

$(LIBBRIDGE_A): $(BINDINGS_SRC)
	CGO_ENABLED=1 go build -trimpath -buildmode=c-archive -o $@ ./bindings/c

$(LIBBRIDGE_VG): $(BINDINGS_SRC)
	CGO_ENABLED=1 go build -trimpath -tags valgrind -buildmode=c-shared -o $@ ./bindings/c

$(BINDINGS_BUILD)/test_otelcolbridge: bindings/c/test/test_otelcolbridge.c bindings/c/include/otelcolbridge.h $(LIBBRIDGE_SO)
	gcc $(BINDINGS_CFLAGS) -o $@ $< -L$(BINDINGS_BUILD) -lotelcolbridge -Wl,-rpath,'$$ORIGIN' -lpthread

# The same test linked statically against the c-archive: what a C program without a
# shared library gets.
$(BINDINGS_BUILD)/test_otelcolbridge_static: bindings/c/test/test_otelcolbridge.c bindings/c/include/otelcolbridge.h $(LIBBRIDGE_A)
	gcc $(BINDINGS_CFLAGS) -o $@ $< $(LIBBRIDGE_A) -lpthread

.PHONY: bindings
bindings: $(LIBBRIDGE_SO) $(LIBBRIDGE_A) ## build libotelcolbridge (.so and .a, header in bindings/c/include) for C, Python and Ruby

.PHONY: bindings-test
# have_tool,TOOL,WHAT: true when TOOL is installed. valgrind, python3 and ruby are beyond what a
# fresh machine has (Go, make, git, Node.js): without one, a developer's `make test` skips WHAT and
# says so; in CI (CI set; .ci/run installs them) a missing one fails the run, never a silent skip.
have_tool = { command -v $(1) >/dev/null 2>&1 || { if [ -n "$${CI:-}" ]; then echo "bindings-test: $(1) is required in CI" >&2; exit 1; fi; echo "bindings-test: SKIPPED $(2): $(1) is not installed"; false; }; }

bindings-test: $(LIBBRIDGE_SO) $(LIBBRIDGE_VG) $(BINDINGS_BUILD)/test_otelcolbridge $(BINDINGS_BUILD)/test_otelcolbridge_static ## C (under valgrind), Python and Ruby tests of libotelcolbridge against the Go engine's answers
	@# The checked-in header is what cgo generates; a change of an exported signature must update it.
	diff -u bindings/c/include/otelcolbridge.h $(LIBBRIDGE_SO:.so=.h) || { echo "bindings/c/include/otelcolbridge.h is stale: cp $(LIBBRIDGE_SO:.so=.h) bindings/c/include/otelcolbridge.h"; exit 1; }
	go test -count=1 ./bindings/...
	$(BINDINGS_BUILD)/test_otelcolbridge components/convert/testdata/captures
	$(BINDINGS_BUILD)/test_otelcolbridge_static components/convert/testdata/captures
	@# valgrind, two runs (why two: docs/en/bindings.md, "Memory checking").
	@# 1. Memory errors, against the -tags valgrind build, whose runtime describes its stacks
	@#    and heap to valgrind. asyncpreemptoff: signal-based preemption writes a frame below
	@#    the goroutine stack the runtime described, which valgrind would call invalid. No
	@#    leak check here: valgrind 3.19's leak checker aborts on that runtime's block list.
	if $(call have_tool,valgrind,the valgrind runs); then \
	GODEBUG=asyncpreemptoff=1 LD_LIBRARY_PATH=$(dir $(LIBBRIDGE_VG)) valgrind --leak-check=no \
	  --error-exitcode=1 --suppressions=bindings/c/test/valgrind.supp -q \
	  $(BINDINGS_BUILD)/test_otelcolbridge components/convert/testdata/captures; fi
	@# 2. Leaks, against the shipped library: every malloc'd output must be freed. Only
	@#    "definitely lost" fails: the Go runtime's threads never exit, so their TLS blocks are
	@#    "possibly lost" at exit, and that is not a leak of anything the caller was given.
	if $(call have_tool,valgrind,the valgrind runs); then \
	valgrind --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite \
	  --error-exitcode=1 --suppressions=bindings/c/test/valgrind-leaks.supp -q \
	  $(BINDINGS_BUILD)/test_otelcolbridge components/convert/testdata/captures; fi
	if $(call have_tool,python3,the Python binding tests); then \
	  OTELCOLBRIDGE_LIB=$(CURDIR)/$(LIBBRIDGE_SO) python3 -m unittest discover -s bindings/python/tests; fi
	if $(call have_tool,ruby,the Ruby binding tests); then \
	  OTELCOLBRIDGE_LIB=$(CURDIR)/$(LIBBRIDGE_SO) ruby -Ibindings/ruby/lib bindings/ruby/test/test_otelcolbridge.rb; fi

.PHONY: bindings-bench
bindings-bench: $(LIBBRIDGE_SO) ## per-call overhead from C, Python and Ruby and the Python benchmark of docs/en/bindings.md (not in make test)
	gcc $(BINDINGS_CFLAGS) -O2 -o $(BINDINGS_BUILD)/bench_otelcolbridge bindings/c/test/bench_otelcolbridge.c -L$(BINDINGS_BUILD) -lotelcolbridge -Wl,-rpath,'$$ORIGIN'
	$(BINDINGS_BUILD)/bench_otelcolbridge
	OTELCOLBRIDGE_LIB=$(CURDIR)/$(LIBBRIDGE_SO) python3 bindings/python/bench.py
	OTELCOLBRIDGE_LIB=$(CURDIR)/$(LIBBRIDGE_SO) ruby -Ibindings/ruby/lib bindings/ruby/bench.rb

# The alerting rules users load into Prometheus (docs/en/operations.md). The e2e test
# TestOperationsRulesMetricNames (run by `make e2e`) checks their metric names against the binary.
.PHONY: operations-test
operations-test: $(PROMTOOL_BIN) ## alerting rules of examples/operations: promtool check rules + the rules unit tests
	$(PROMTOOL_BIN) check rules examples/operations/alerts.yaml
	$(PROMTOOL_BIN) test rules examples/operations/alerts_test.yaml

.PHONY: test
test: lint unit check-manifest generate-check bindings-test operations-test e2e demo-test helm-test chaos ## everything CI runs: lint, unit, manifest and generated-code drift, bindings, alerting rules, e2e, the demo, Helm chart, fault injection

.PHONY: bench
bench: build $(OCB) ## side-by-side benchmarks vs a same-release contrib build + go test -bench + size/RSS vs contrib with our component set; writes test/load/out/ (not part of make test)
	./test/load/bench.sh

.PHONY: bench-size
bench-size: build $(OCB) ## only the size/RSS step of make bench: vs a same-release contrib build with our contrib/core components; writes test/load/out/size.md
	./test/load/size.sh

.PHONY: fuzz
fuzz: ## run every Go fuzz target for FUZZTIME each (default 30s); not part of make test
	./scripts/fuzz.sh

include release.mk

.PHONY: clean
clean: ## remove build output, release artifacts and the default config's ./data
	rm -rf bin data dist bindings/c/build .cache/demo
