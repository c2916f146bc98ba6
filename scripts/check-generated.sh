#!/usr/bin/env bash
# Fails when mdatagen's output differs from what is in the tree: it regenerates every
# component in place (scripts/mdatagen-all.sh) and compares each file of the component
# directories, tracked or untracked, with its content from before the run. An edited
# metadata.yaml without its regenerated code, a hand-edited generated file or a README
# status table that no longer matches metadata.yaml is a visible diff, as check-manifest
# does for ocb. Comparing with the tree (not HEAD) lets it run on uncommitted work.
# usage: check-generated.sh MDATAGEN_BINARY
set -euo pipefail
mdatagen=$(realpath "$1")
top=$(git rev-parse --show-toplevel)
cd "$top"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

dirs=(receiver processor exporter extension)
component_files() {
  git ls-files -co --exclude-standard -- "${dirs[@]}" | sort -u | while IFS= read -r f; do [ -e "$f" ] && echo "$f"; done
}

component_files >"$tmp/before.list"
mkdir "$tmp/before"
xargs -a "$tmp/before.list" -d '\n' cp --parents -t "$tmp/before"

"$top/scripts/mdatagen-all.sh" "$mdatagen" >/dev/null
component_files >"$tmp/after.list"

status=0
if ! diff -u "$tmp/before.list" "$tmp/after.list" >"$tmp/list.diff"; then
  echo "drift: mdatagen added (+) or removed (-) files:"
  grep -E '^[+-][^+-]' "$tmp/list.diff"
  status=1
fi
while IFS= read -r f; do
  [ -f "$tmp/before/$f" ] || continue
  if ! diff -u --label "$f (before)" --label "$f (mdatagen)" "$tmp/before/$f" "$f" >"$tmp/file.diff"; then
    echo "drift: $f differs from what mdatagen generates:"
    head -40 "$tmp/file.diff"
    status=1
  fi
done <"$tmp/after.list"
if [ "$status" = 0 ]; then
  echo "generate check: mdatagen output matches every metadata.yaml"
else
  echo "the tree now holds mdatagen's output: review it (git diff) and commit it"
fi
exit $status
