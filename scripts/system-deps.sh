#!/usr/bin/env bash
# Installs the native libraries WeasyPrint needs, only where they are missing:
# Pango (layout), HarfBuzz's subsetter (fast font subsetting) and fonts covering
# Latin with diacritics, Greek, Cyrillic and Georgian; and Chromium for the web
# pages' browser tests. Needs root (or sudo) only
# when something is actually missing.
set -euo pipefail

needed=()
# grep without -q: under pipefail, grep -q exiting early fails the pipe with SIGPIPE.
have_lib() { ldconfig -p 2>/dev/null | grep "$1" >/dev/null; }
have_lib 'libpango-1.0.so'       || needed+=(libpango-1.0-0 libpangoft2-1.0-0)
have_lib 'libharfbuzz-subset.so' || needed+=(libharfbuzz-subset0)
have_lib 'libharfbuzz.so'        || needed+=(libharfbuzz0b)
# The documents embed Noto Serif/Sans (+ Georgian) for text and DejaVu Sans Mono for ids
# (contracts/templates/documents.css); both packages are checked by the files used.
fc-list 2>/dev/null | grep -i 'DejaVuSansMono\.ttf' >/dev/null || needed+=(fonts-dejavu-core)
fc-list 2>/dev/null | grep -i 'NotoSerifGeorgian' >/dev/null || needed+=(fonts-noto-core)
command -v qpdf >/dev/null 2>&1 || needed+=(qpdf)
command -v pdftoppm >/dev/null 2>&1 || needed+=(poppler-utils)
# The web pages' end-to-end tests drive Debian's Chromium through Playwright (no browser
# download); without it they are skipped with the reason.
command -v chromium >/dev/null 2>&1 || needed+=(chromium)

if [ ${#needed[@]} -eq 0 ]; then
  echo "system-deps: all native libraries present"
  exit 0
fi

echo "system-deps: installing ${needed[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "system-deps: please install as root: apt-get install ${needed[*]}" >&2
    exit 1
  fi
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "system-deps: no apt-get here; install the equivalents of: ${needed[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${needed[@]}"
