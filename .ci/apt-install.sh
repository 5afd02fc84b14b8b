#!/usr/bin/env bash
# Installs the named Debian packages if any is missing (idempotent). Runs apt-get update only
# when a package is unknown to the current lists, waits for a dpkg lock held by another apt run
# instead of failing, and needs root (or sudo). Used by .ci/install-*.sh and the bench scripts.
#   .ci/apt-install.sh python3-torch python3-scipy
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: $0 PACKAGE..." >&2; exit 2; }
missing=()
for p in "$@"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "already installed: $*"
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
apt=($SUDO apt-get -o DPkg::Lock::Timeout=600 -q)
for p in "${missing[@]}"; do
  if ! apt-cache show "$p" >/dev/null 2>&1; then "${apt[@]}" update; break; fi
done
"${apt[@]}" install -y --no-install-recommends "${missing[@]}"
echo "installed: ${missing[*]}"
