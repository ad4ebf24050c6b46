#!/usr/bin/env bash
# Install Canevas (with the local-model extra) and run the whole test suite:
# ruff, mypy, then pytest, including one path through a real local LLM server, the
# LibreOffice conversion of exported documents and the browser tests.
set -euo pipefail
cd "$(dirname "$0")"
export CANEVAS_WITH_LLM=1 CANEVAS_REQUIRE_REAL_LLM=1
source ./install.sh
./install-system.sh
ruff check .
mypy
lint-imports
pytest "$@"
