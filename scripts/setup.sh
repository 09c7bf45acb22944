#!/usr/bin/env bash
# Install everything the project needs into .venv. With --test also Debian's chromium (browser
# tests) and Debian's virtuoso-opensource (a SPARQL engine the API tests run against; the other,
# the Oxigraph server, comes from PyPI with the test extras). Safe to run again: it only installs
# what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

if [ "$want_test" = 1 ]; then
  missing=""
  [ -x /usr/bin/chromium ] || missing="$missing chromium"
  command -v virtuoso-t >/dev/null || missing="$missing virtuoso-opensource"
  if [ -n "$missing" ]; then
    echo "setup: installing Debian's$missing for the tests" >&2
    SUDO=""; [ "$(id -u)" != 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    # the Debian package would start a system-wide Virtuoso on port 8890: the tests start their own
    # (ports chosen free, on 127.0.0.1), so tell the package scripts not to start services
    own_policy=0
    if [ ! -e /usr/sbin/policy-rc.d ]; then
      printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
      $SUDO chmod +x /usr/sbin/policy-rc.d; own_policy=1
    fi
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
    if [ "$own_policy" = 1 ]; then $SUDO rm -f /usr/sbin/policy-rc.d; fi
  fi
fi

PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
extras=""; [ "$want_test" = 1 ] && extras="[test]"
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".${extras}" 2>&1 | grep -v "^WARNING: Location" || true
.venv/bin/python -c "import graph, api" # fail loudly if the install did not work
if [ "$want_test" = 1 ]; then
  .venv/bin/oxigraph --version >/dev/null  # fail loudly: the backend tests need the server binary
  command -v virtuoso-t >/dev/null
fi
