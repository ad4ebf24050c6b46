#!/usr/bin/env bash
# Install Canevas, build the demo knowledge base and answer a sample search.
set -euo pipefail
cd "$(dirname "$0")"
source ./install.sh
canevas --data-dir "${CANEVAS_DATA_DIR:-.demo-data}" demo "$@"
