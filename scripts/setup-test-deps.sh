#!/usr/bin/env bash
# Installs the system tools the tests use: poppler-utils (pdftotext,
# pdftoppm) to read the PDFs layanan issues. Safe to run again.
set -euo pipefail
if command -v pdftotext >/dev/null && command -v pdftoppm >/dev/null; then
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq poppler-utils
