#!/usr/bin/env bash
# Runs every Go fuzz target of our module for FUZZTIME each (default 30s).
# `go test` already replays each target's seed corpus in `make unit`; this explores beyond it.
# usage: FUZZTIME=2m scripts/fuzz.sh [package-pattern]
set -euo pipefail
fuzztime=${FUZZTIME:-30s}
filter=${1:-.}
cd "$(git rev-parse --show-toplevel)"
status=0
while IFS= read -r line; do
  file=${line%%:*}
  name=$(sed -E 's/^.*func (Fuzz[A-Za-z0-9_]+).*/\1/' <<<"$line")
  pkg=./$(dirname "$file")
  [[ "$pkg" =~ $filter ]] || continue
  echo "== $pkg $name ($fuzztime)"
  if ! go test -run='^$' -fuzz="^${name}\$" -fuzztime="$fuzztime" "$pkg"; then
    status=1
  fi
done < <(git ls-files -co --exclude-standard '*_test.go' | xargs grep -H '^func Fuzz' | grep -v node_modules)
exit $status
