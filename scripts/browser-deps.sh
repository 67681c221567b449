#!/usr/bin/env bash
# Browser tests drive the system Chromium (never a downloaded build); pages and PDFs need CJK fonts;
# poppler-utils lets tests read a PDF back (pdftotext, pdffonts).
set -euo pipefail
if [ -x /usr/lib/chromium/chromium ] && command -v pdftotext >/dev/null && fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then
  exit 0
fi
if [ "$(id -u)" != "0" ]; then
  echo "browser-deps: run 'sudo apt-get install -y chromium fonts-noto-cjk poppler-utils' first" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium fonts-noto-cjk poppler-utils >/dev/null
