#!/usr/bin/env bash
# Installs Debian's SciPy and NumPy for /usr/bin/python3, the peer the data module's
# cross-check tests call (ScipyPeer). Idempotent: does nothing when both are installed; waits
# for a dpkg lock held by another apt run instead of failing. Needs root (or sudo).
set -euo pipefail

PACKAGES=(python3-scipy python3-numpy)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "already installed: ${PACKAGES[*]}"
else
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get -o DPkg::Lock::Timeout=600 update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${missing[@]}"
  echo "installed: ${missing[*]}"
fi
/usr/bin/python3 -c 'import scipy, numpy; print("scipy", scipy.__version__, "numpy", numpy.__version__)'
