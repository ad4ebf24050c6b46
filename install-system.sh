#!/usr/bin/env bash
# System packages the tests need and pip cannot provide: LibreOffice (the exported .docx
# must convert without repair), poppler (PDF → text and PNG) and Chromium (browser tests).
# Installed with apt-get when missing and we are root; otherwise the tests that need them
# are skipped and say why.
set -euo pipefail
missing=()
command -v soffice >/dev/null || missing+=(libreoffice-writer-nogui)
command -v pdftoppm >/dev/null || missing+=(poppler-utils)
command -v chromium >/dev/null || missing+=(chromium chromium-driver)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null; then
  echo "Paquets système absents (${missing[*]}) : les tests qui en ont besoin seront ignorés." >&2
  exit 0
fi
echo "Installation des paquets système : ${missing[*]}…" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
