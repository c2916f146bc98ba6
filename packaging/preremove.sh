#!/bin/sh
# Stops the service before its files go. On an upgrade (deb: "upgrade", rpm: $1 >= 1) the
# service keeps its enablement and postinstall restarts it.
set -e
if [ -d /run/systemd/system ]; then
  case "$1" in
    remove|0) systemctl disable --now otelcol-bridge.service || true ;;
    *) systemctl stop otelcol-bridge.service || true ;;
  esac
fi
