#!/usr/bin/env bash
# Builds the same-release reference distribution (reference-builder-config.yaml) into
# test/load/.build/: ocb generates the sources, then `go build` compiles them.
# usage: test/load/build-reference.sh [OCB_BINARY]     (run from anywhere)
#
# Same two workarounds as scripts/ocb-generate.sh (docs/en/versions.md): ocb runs with
# --skip-compilation and its known pkg/winperfcounters download failure is accepted, and
# GONOSUMDB lists the modules the checksum database has no entry for (contrib's datadog
# receiver needs two of them). The binary is rebuilt only when the manifest is newer.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
ocb=${1:-$root/.tools/bin/builder}
manifest=test/load/reference-builder-config.yaml
out=test/load/.build/otelcol-reference
bin=test/load/.build/bin/otelcol-reference

export GONOSUMDB=${GONOSUMDB:-github.com/open-telemetry/opentelemetry-collector-contrib/extension/jaegerremotesampling,github.com/open-telemetry/opentelemetry-collector-contrib/internal/datadog,github.com/DataDog/datadog-agent/pkg/util/hostname/validate}
export GOFLAGS=${GOFLAGS:--buildvcs=false}

if [[ -x $bin && $bin -nt $manifest ]]; then
  echo "reference build is up to date: $bin"
  exit 0
fi
if [[ ! -x $ocb ]]; then
  echo "ocb not found at $ocb (run \`make ocb\`)" >&2
  exit 1
fi

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
mkdir -p "$(dirname "$bin")"
echo "go build: $bin (a cold build takes several minutes on 2 cores)"
(cd "$out" && CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o "$root/$bin" .)
echo "built $bin"
