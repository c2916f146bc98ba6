#!/bin/sh
# The unit file is gone: tell systemd. The conffiles in /etc/otelcol-bridge, the state in
# /var/lib/otelcol-bridge and the system user stay (dpkg --purge deletes the conffiles).
set -e
if [ -d /run/systemd/system ]; then
  systemctl daemon-reload || true
fi
if [ "$1" = purge ]; then
  rm -rf /var/lib/otelcol-bridge
fi
