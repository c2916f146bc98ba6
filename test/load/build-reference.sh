#!/usr/bin/env bash
# Builds the same-release reference distribution (reference-builder-config.yaml) into
# test/load/.build/: ocb generates the sources, then `go build` compiles them.
# usage: test/load/build-reference.sh [OCB_BINARY]     (run from anywhere)
#        REF_NAME=otelcol-samecomponents test/load/build-reference.sh
#   REF_NAME picks the manifest: otelcol-reference (default) is reference-builder-config.yaml,
#   otelcol-samecomponents is samecomponents-builder-config.yaml (the size/RSS comparison of
#   test/load/size.sh). REF_LDFLAGS (default '-s -w', as `make build`) and REF_SUFFIX (appended
#   to the binary's name) let size.sh build a copy that keeps its symbol table for `go tool nm`.
#
# Same two workarounds as scripts/ocb-generate.sh (docs/en/versions.md): ocb runs with
# --skip-compilation and its known pkg/winperfcounters download failure is accepted, and
# GONOSUMDB lists the modules the checksum database has no entry for (contrib's datadog
# receiver needs two of them). The binary is rebuilt only when the manifest is newer.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
ocb=${1:-$root/.tools/bin/builder}
name=${REF_NAME:-otelcol-reference}
case $name in
  otelcol-reference) manifest=test/load/reference-builder-config.yaml ;;
  otelcol-samecomponents) manifest=test/load/samecomponents-builder-config.yaml ;;
  *) echo "unknown REF_NAME $name" >&2; exit 1 ;;
esac
ldflags=${REF_LDFLAGS--s -w}
out=test/load/.build/$name
bin=test/load/.build/bin/$name${REF_SUFFIX:-}

export GONOSUMDB=${GONOSUMDB:-github.com/open-telemetry/opentelemetry-collector-contrib/extension/jaegerremotesampling,github.com/open-telemetry/opentelemetry-collector-contrib/internal/datadog,github.com/DataDog/datadog-agent/pkg/util/hostname/validate}
export GOFLAGS=${GOFLAGS:--buildvcs=false}

if [[ -x $bin && $bin -nt $manifest ]]; then
  echo "reference build is up to date: $bin"
  exit 0
fi
# ocb is rerun only when its sources are older than the manifest (go.sum is written by its
# go mod tidy, so a failed run leaves it old).
if [[ -f $out/go.sum && $out/go.sum -nt $manifest && $out/main.go -nt $manifest ]]; then
  echo "ocb: sources in $out are up to date"
elif [[ ! -x $ocb ]]; then
  echo "ocb not found at $ocb (run \`make ocb\`)" >&2
  exit 1
else
  mkdir -p "$out"
  log=$(mktemp)
  trap 'rm -f "$log"' EXIT
  echo "ocb: generating $out from $manifest"
  if ! "$ocb" --config "$manifest" --skip-compilation >"$log" 2>&1; then
    if grep '^Error:' "$log" | grep -q 'failed to download go modules.*pkg/winperfcounters@'; then
      echo "ocb: accepted the known pkg/winperfcounters download failure (Windows-only module)"
    else
      cat "$log" >&2
      echo "ocb failed; see above" >&2
      exit 1
    fi
  fi
fi
mkdir -p "$(dirname "$bin")"
echo "go build: $bin (a cold build takes several minutes on 2 cores)"
(cd "$out" && CGO_ENABLED=0 go build -trimpath -ldflags="$ldflags" -o "$root/$bin" .)
echo "built $bin"
