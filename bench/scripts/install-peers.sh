#!/usr/bin/env bash
# Installs the native peers the benchmarks compare against (Debian packages). Idempotent:
# a package that is already installed is left alone; waits for a dpkg lock held by
# another apt run instead of failing. Needs root (or sudo).
set -euo pipefail

PACKAGES=(libopenblas0-pthread)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "peers already installed: ${PACKAGES[*]}"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get -o DPkg::Lock::Timeout=600 update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -q "${missing[@]}"
echo "installed: ${missing[*]}"
