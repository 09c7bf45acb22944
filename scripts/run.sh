#!/usr/bin/env bash
# The main job: install, build the graph from seeds/ into the embedded store, serve the API and
# the browser views on http://127.0.0.1:8000/ (override with HOST/PORT).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/cakg build
exec .venv/bin/cakg serve --host "${HOST:-127.0.0.1}" --port "${PORT:-8000}"
