#!/usr/bin/env bash
# SciPy and NumPy for /usr/bin/python3: the peers of the EDT, zoom and .npy cross-checks.
exec "$(dirname "$0")/apt-install.sh" python3-scipy python3-numpy
