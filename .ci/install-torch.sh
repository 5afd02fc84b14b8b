#!/usr/bin/env bash
# Installs PyTorch for the Debian system Python (/usr/bin/python3), the peer that
# PyTorchParityTest and bench/scripts/torch_conv3d.py compare against. Idempotent: does
# nothing when /usr/bin/python3 already imports torch; waits for a dpkg lock held by another
# apt run instead of failing. Needs root (or sudo).
set -euo pipefail

if /usr/bin/python3 -c 'import torch' >/dev/null 2>&1; then
  echo "torch already importable by /usr/bin/python3: $(/usr/bin/python3 -c 'import torch; print(torch.__version__)')"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get -o DPkg::Lock::Timeout=600 update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends python3-torch
/usr/bin/python3 -c 'import torch; print("installed torch", torch.__version__)'
