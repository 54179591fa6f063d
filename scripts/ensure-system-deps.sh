#!/usr/bin/env bash
# Installs the Debian packages the test suite drives: Chromium (browser tests), CJK fonts
# (readable Chinese in screenshots), docker-compose (validates docker-compose.yml; no
# Docker engine is needed for `config`) and LibreOffice with poppler (the tests print every
# generated .xlsx and .docx to PDF and read its text, as an office would). Does nothing when they are already there.
# Needs root (CI runs as root); elsewhere it says what to install and exits 0, and the tests
# that need a missing tool are skipped with that reason (outside CI).
set -euo pipefail

need=()
[ -x /usr/bin/chromium ] || need+=(chromium chromium-driver)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || need+=(fonts-noto-cjk)
command -v docker-compose >/dev/null 2>&1 || need+=(docker-compose)
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"; }
installed libreoffice-calc-nogui || need+=(libreoffice-calc-nogui)
installed libreoffice-writer-nogui || need+=(libreoffice-writer-nogui)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" != "0" ]; then
  echo "ensure-system-deps: missing ${need[*]}; install them with: sudo apt-get install ${need[*]}" >&2
  exit 0
fi
echo "ensure-system-deps: installing ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" fontconfig >/dev/null
