#!/usr/bin/env bash
# Install Canevas, then open the web app (http://127.0.0.1:7860, Ctrl+C to stop).
#   ./run.sh              the demo base of a fictional association (in .demo-data/)
#   ./run.sh DOSSIER      your own documents: DOSSIER is indexed (again only what changed)
#                         into your data directory (CANEVAS_DATA_DIR, else
#                         ~/.local/share/canevas), then the app opens on it
set -euo pipefail
cd "$(dirname "$0")"
folder=""
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
  folder="$(cd "$1" 2>/dev/null && pwd)" || {
    echo "Dossier introuvable : $1" >&2
    exit 2
  }
  shift
fi
source ./install.sh
if [ -n "$folder" ]; then
  echo "Indexation de $folder (seuls les fichiers nouveaux ou modifiés sont traités)…" >&2
  canevas ingest "$folder" || echo "Certains fichiers n'ont pas pu être ajoutés (voir ci-dessus) ; l'application s'ouvre quand même." >&2
  exec canevas serve --open "$@"
fi
data="${CANEVAS_DATA_DIR:-.demo-data}"
canevas --data-dir "$data" demo
exec canevas --data-dir "$data" serve --open "$@"
