#!/usr/bin/env bash
# What the browser tests need beyond `npm ci`: Debian's Chromium, driven by playwright-core.
# playwright-core downloads no browser of its own; the tests launch /usr/bin/chromium. CI runs as
# root on a fresh machine, so this installs it there; elsewhere it says what to run.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "e2e: $CHROMIUM is missing. Install Debian's chromium package first:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y chromium" >&2
  exit 1
fi

echo "e2e: installing Debian's chromium package"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
"$CHROMIUM" --version
