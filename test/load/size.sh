#!/usr/bin/env bash
# Binary size and memory of otelcol-bridge vs a same-release contrib build with the same
# contrib/core components (samecomponents-builder-config.yaml). `make bench` runs it after the
# scenarios; it can be run alone (after `make build`):
#
#   test/load/size.sh [extra flags of test/load/size, e.g. -reps 3]
#
# Builds (once; rebuilt when the manifest changes) the contrib build stripped, as `make build`
# ships ours, and copies of both binaries that keep their symbol tables for `go tool nm`, then
# runs test/load/size (build tag bench): sizes, idle VmRSS and VmHWM after a fixed OTLP load,
# both on test/load/configs/receivers-batch-nop.yaml, and symbol sizes summed by package path.
# Writes test/load/out/size.md.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
export GOFLAGS=${GOFLAGS:--buildvcs=false}

if [[ ! -x bin/otelcol-bridge ]]; then
  echo "bin/otelcol-bridge is missing: run \`make build\` first" >&2
  exit 1
fi
REF_NAME=otelcol-samecomponents test/load/build-reference.sh
REF_NAME=otelcol-samecomponents REF_LDFLAGS= REF_SUFFIX=.syms test/load/build-reference.sh
syms=test/load/.build/bin/otelcol-bridge.syms
if [[ ! -x $syms || bin/otelcol-bridge -nt $syms ]]; then
  echo "go build: $syms (bin/otelcol-bridge with its symbol table, for go tool nm)"
  mkdir -p "$(dirname "$syms")"
  (cd distro/otelcol-bridge && CGO_ENABLED=0 go build -trimpath -o "$root/$syms" .)
fi
go build -tags bench -o test/load/.build/bin/size ./test/load/size
exec test/load/.build/bin/size -root "$root" "$@"
