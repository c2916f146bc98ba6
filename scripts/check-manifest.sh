#!/usr/bin/env bash
# Fails when the committed ocb output in distro/otelcol-bridge differs from what ocb
# generates from builder-config.yaml today: a manifest change is always a deliberate diff.
# usage: check-manifest.sh OCB_BINARY
set -euo pipefail
ocb=$1
top=$(git rev-parse --show-toplevel)
cd "$top"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# A copy of the working tree (tracked and untracked, not ignored) so the local replace resolves.
git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t "$tmp" 2>/dev/null || true
generated=(main.go main_windows.go components.go go.mod go.sum)
for f in "${generated[@]}"; do rm -f "$tmp/distro/otelcol-bridge/$f"; done

(cd "$tmp" && "$top/scripts/ocb-generate.sh" "$ocb" builder-config.yaml >/dev/null)

status=0
for f in "${generated[@]}"; do
  if ! diff -u "distro/otelcol-bridge/$f" "$tmp/distro/otelcol-bridge/$f" >"$tmp/$f.diff"; then
    echo "drift: distro/otelcol-bridge/$f differs from what ocb generates (run 'make generate' and commit):"
    head -40 "$tmp/$f.diff"
    status=1
  fi
done
[ -f "$tmp/distro/otelcol-bridge/main_others.go" ] && { echo "main_others.go was not removed"; status=1; }
[ "$status" = 0 ] && echo "manifest check: distro/otelcol-bridge matches builder-config.yaml"
exit $status
