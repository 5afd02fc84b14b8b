#!/usr/bin/env bash
# Installs PyTorch (Debian's python3-torch) for the parity tests, unless /usr/bin/python3 already has it.
set -euo pipefail
if ! /usr/bin/python3 -c 'import torch' >/dev/null 2>&1; then
    apt-get install -y --no-install-recommends python3-torch
fi
