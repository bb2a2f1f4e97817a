#!/usr/bin/env bash
# deps.sh: the Debian packages and toolchains the whole test suite needs.
#
#   scripts/deps.sh          install what is missing (as root, with apt-get), or say in one line
#                            what to install and exit 1
#   scripts/deps.sh check    only say what is missing (exit 1 if anything is)
#
# Go comes with the machine (go.mod's version); everything else is a Debian package.
set -euo pipefail

# command:package pairs; a package is installed when its command is missing.
NEEDS=(
  chromium:chromium
  kcat:kcat
  pdftoppm:poppler-utils
  pdffonts:poppler-utils
  make:make
  java:openjdk-17-jdk-headless
  javac:openjdk-17-jdk-headless
  mvn:maven
  hugo:hugo
  openssl:openssl
  npm:npm
  curl:curl
  jq:jq
  node:nodejs
  npm:npm
)

# Packages without a command of their own, installed when dpkg does not list them: the fonts
# the PDF books fall back on for every script (Latin, Greek, Cyrillic, Arabic, Hebrew, Indic …
# in noto-core; Chinese, Japanese, Korean in noto-cjk; emoji in noto-color-emoji). Without
# them Chromium prints a topic named in Chinese or with an emoji as empty boxes.
PACKAGES=(
  fonts-noto-core
  fonts-noto-cjk
  fonts-noto-color-emoji
)

log() { printf 'deps: %s\n' "$*" >&2; }

missing_packages() {
  local pair cmd pkg out=()
  for pair in "${NEEDS[@]}"; do
    cmd=${pair%%:*} pkg=${pair#*:}
    command -v "$cmd" >/dev/null 2>&1 && continue
    [[ " ${out[*]} " == *" $pkg "* ]] || out+=("$pkg")
  done
  for pkg in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" && continue
    out+=("$pkg")
  done
  echo "${out[*]}"
}

command -v go >/dev/null || { log "go not found: install Go (go.mod names the version)"; exit 1; }

missing=$(missing_packages)
if [[ -z "$missing" ]]; then
  log "all Debian packages present"
  exit 0
fi
if [[ "${1:-}" == check ]]; then
  log "missing: $missing"
  exit 1
fi
if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null; then
  log "missing: $missing — install them with: sudo apt-get install -y --no-install-recommends $missing"
  exit 1
fi
log "installing: $missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
still=$(missing_packages)
[[ -z "$still" ]] || { log "still missing after apt-get: $still"; exit 1; }
log "installed: $missing"
