#!/usr/bin/env bash
# Installs the Debian packages whose files the data module's tests compare against:
# python3-nibabel (the reference reader, plus its NIfTI test files) and mricron-data
# (real brain volumes). Idempotent: does nothing when both are installed, and runs
# apt-get update only when a package cannot be found in the current lists.
set -euo pipefail

PKGS=(python3-nibabel mricron-data)
missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-test-deps: ${PKGS[*]} already installed"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive

need_update=0
for p in "${missing[@]}"; do
  if ! apt-cache show "$p" >/dev/null 2>&1; then need_update=1; fi
done
if [ "$need_update" -eq 1 ]; then
  $SUDO apt-get update
fi
$SUDO apt-get install -y --no-install-recommends "${missing[@]}"
echo "install-test-deps: installed ${missing[*]}"
