#!/usr/bin/env bash
# The OpenSearch cluster tests need a JDK 17+ and Maven (the node launcher is built from Maven
# Central jars). Install them when missing and we may (root, or CI); otherwise say what to install.
# Then build the launcher now, so the first cluster test does not spend a silent minute in mvn.
set -euo pipefail
cd "$(dirname "$0")/.."

java_ok() {
  command -v java >/dev/null 2>&1 || return 1
  local v
  v=$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1)
  [ -n "$v" ] && [ "$v" -ge 17 ]
}

if ! java_ok || ! command -v mvn >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] || [ "${CI:-}" = "true" ]; then
    if [ "$(id -u)" = "0" ]; then SUDO=""; else SUDO="sudo"; fi
    echo "installing openjdk-17-jdk-headless and maven for the OpenSearch cluster tests…" >&2
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq openjdk-17-jdk-headless maven >/dev/null
  else
    echo "java 17+ and/or mvn not found: install openjdk-17-jdk-headless and maven (the OpenSearch cluster tests need them)" >&2
    exit 0
  fi
fi

if [ -x .venv/bin/python ]; then PY=.venv/bin/python; else PY=python3; fi
start=$(date +%s)
if "$PY" -c 'import sys; from cluster import control; sys.exit(0 if control.launcher_is_stale() else 1)'; then
  if ! out=$("$PY" -m cluster build 2>&1); then
    echo "$out" >&2
    exit 1
  fi
  echo "OpenSearch node launcher built ($(( $(date +%s) - start ))s)" >&2
fi
