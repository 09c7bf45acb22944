#!/usr/bin/env bash
# The whole test suite: install (with chromium), build the real graph from seeds/ (every locator
# is checked against ../shared/seeds), then run the tests, the doctests and the notebooks.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
export CAKG_DATA_DIR="${CAKG_DATA_DIR:-$PWD/data}"
.venv/bin/cakg build
exec .venv/bin/python -m pytest -p no:cacheprovider --doctest-modules graph api bench tests "$@"
