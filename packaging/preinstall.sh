#!/bin/sh
# Creates the otelcol-bridge system user and group the service runs as (kept on removal,
# as Debian policy asks, so files it owns never fall to a reused id).
set -e
if ! getent group otelcol-bridge >/dev/null; then
  groupadd --system otelcol-bridge
fi
if ! getent passwd otelcol-bridge >/dev/null; then
  useradd --system --gid otelcol-bridge --home-dir /var/lib/otelcol-bridge --no-create-home \
    --shell /usr/sbin/nologin --comment "otelcol-bridge collector" otelcol-bridge
fi
