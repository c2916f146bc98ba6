#!/bin/sh
# The state directory and its ./data (the default config's file exporters write there and
# do not create it), then start the service when systemd runs this machine (not in a
# container build or a chroot).
set -e
install -d -o otelcol-bridge -g otelcol-bridge -m 0750 /var/lib/otelcol-bridge /var/lib/otelcol-bridge/data
if [ -d /run/systemd/system ]; then
  systemctl daemon-reload
  systemctl enable otelcol-bridge.service
  systemctl restart otelcol-bridge.service
fi
