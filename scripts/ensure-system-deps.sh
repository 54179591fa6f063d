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
command -v npm >/dev/null 2>&1 || need+=(nodejs npm)

# axe-core (the npm registry's package, pinned by tests/a11y/package-lock.json) for the
# accessibility browser tests: `npm ci` only when node_modules is missing or the lock changed.
a11y_deps() {
  local dir lock stamp
  dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/tests/a11y"
  lock="$dir/package-lock.json"
  stamp="$dir/node_modules/.installed-lock.json"
  [ -f "$lock" ] || return 0
  if [ -f "$stamp" ] && cmp -s "$lock" "$stamp"; then
    return 0
  fi
  if ! command -v npm >/dev/null 2>&1; then
    echo "ensure-system-deps: npm is missing; the accessibility tests need: npm ci --prefix tests/a11y" >&2
    return 0
  fi
  echo "ensure-system-deps: npm ci --prefix tests/a11y (axe-core)"
  npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error && cp "$lock" "$stamp"
}
trap a11y_deps EXIT

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
