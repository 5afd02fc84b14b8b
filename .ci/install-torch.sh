#!/usr/bin/env bash
# PyTorch for /usr/bin/python3: the peer of the PyTorch parity tests (conv, losses, optimizers, models).
exec "$(dirname "$0")/apt-install.sh" python3-torch
