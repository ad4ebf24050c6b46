#!/usr/bin/env bash
# Install Canevas, build the demo knowledge base, answer a sample question, then open the
# web app on it (http://127.0.0.1:7860, Ctrl+C to stop).
set -euo pipefail
cd "$(dirname "$0")"
source ./install.sh
data="${CANEVAS_DATA_DIR:-.demo-data}"
canevas --data-dir "$data" demo
exec canevas --data-dir "$data" serve --open "$@"
