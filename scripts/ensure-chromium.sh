#!/usr/bin/env bash
# Browser tests drive Debian's Chromium (/usr/bin/chromium). Install it when it is
# missing and we may (CI, or root); otherwise the browser tests skip with a message.
set -euo pipefail
if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "${CI:-}" = "true" ] || [ "$(id -u)" = "0" ]; then
  if [ "$(id -u)" = "0" ]; then SUDO=""; else SUDO="sudo"; fi
  echo "installing Debian chromium for the browser tests…" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
else
  echo "chromium not found: browser tests will be skipped (apt-get install chromium)" >&2
fi
