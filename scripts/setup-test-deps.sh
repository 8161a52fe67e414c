#!/usr/bin/env bash
# Installs the system tools the tests use, safe to run again:
# - poppler-utils (pdftotext, pdftoppm) to read the PDFs layanan issues;
# - chromium and chromium-driver (Debian's) for the browser suite
#   (crates/layanan/tests/browser.rs);
# - axe-core (npm) for its accessibility checks, unpacked outside the clone
#   at $LAYANAN_AXE_JS (default /var/tmp/layanan-axe/axe.min.js).
set -euo pipefail
AXE_VERSION=4.10.3
AXE_JS="${LAYANAN_AXE_JS:-/var/tmp/layanan-axe/axe.min.js}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

missing=()
command -v pdftotext >/dev/null && command -v pdftoppm >/dev/null || missing+=(poppler-utils)
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [ ! -s "$AXE_JS" ]; then
  echo "fetching axe-core $AXE_VERSION from npm"
  dir="$(mktemp -d)"
  (cd "$dir" && npm pack --silent "axe-core@$AXE_VERSION" >/dev/null && tar xzf axe-core-*.tgz)
  mkdir -p "$(dirname "$AXE_JS")"
  cp "$dir/package/axe.min.js" "$AXE_JS"
  rm -rf "$dir"
fi
