#!/usr/bin/env bash
# Install Canevas and run the whole test suite: ruff, mypy, then pytest.
set -euo pipefail
cd "$(dirname "$0")"
source ./install.sh
ruff check .
mypy
pytest "$@"
