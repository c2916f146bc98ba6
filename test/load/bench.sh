#!/usr/bin/env bash
# `make bench`: builds the same-release reference distribution (once; reused while
# reference-builder-config.yaml is unchanged) and the bench driver, then runs the scenarios
# against bin/otelcol-bridge and the reference build, interleaved, and the go benchmarks of
# components/..., and writes test/load/out/benchmarks.md (+ .zh.md, results.json). Last,
# test/load/size.sh compares binary size and idle/peak RSS with a same-release contrib build of
# the same contrib/core components and writes test/load/out/size.md.
#
# Environment:
#   BENCH_PIN=1      pin each collector to CPU 1 and the driver (load generator) to CPU 0
#   BENCH_ARGS=...   extra driver flags, e.g. '-reps 1 -duration 4s' or '-only saturation'
#                    (test/load/.build/bin/bench -h lists them)
#   BENCH_SIZE=0     skip the size/RSS step (test/load/size.sh)
#   SIZE_ARGS=...    flags of the size step, e.g. '-reps 3' (test/load/.build/bin/size -h)
# Expects bin/otelcol-bridge to exist (`make bench` depends on `make build`).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

if [[ ! -x bin/otelcol-bridge ]]; then
  echo "bin/otelcol-bridge is missing: run \`make build\` first" >&2
  exit 1
fi
test/load/build-reference.sh
mkdir -p test/load/.build/bin
go build -tags bench -o test/load/.build/bin/bench ./test/load
# Benchmark a snapshot: a rebuild of bin/otelcol-bridge during the run must not mix binaries.
cp bin/otelcol-bridge test/load/.build/bin/otelcol-bridge

args=(-ours test/load/.build/bin/otelcol-bridge)
driver=(test/load/.build/bin/bench)
if [[ ${BENCH_PIN:-} == 1 ]]; then
  if command -v taskset >/dev/null && (( $(nproc) >= 2 )); then
    args+=(-pin 1)
    driver=(taskset -c 0 "${driver[@]}")
  else
    echo "BENCH_PIN=1 needs taskset and 2 CPUs; running unpinned" >&2
  fi
fi
# shellcheck disable=SC2206 # BENCH_ARGS is split into flags on purpose
"${driver[@]}" -root "$root" "${args[@]}" ${BENCH_ARGS:-}
if [[ ${BENCH_SIZE:-1} != 0 ]]; then
  # shellcheck disable=SC2086 # SIZE_ARGS is split into flags on purpose
  test/load/size.sh ${SIZE_ARGS:-}
fi
