#!/usr/bin/env bash
# nibabel (reference NIfTI reader and its test files) and mricron-data (real brain volumes) for the data module's tests.
exec "$(dirname "$0")/apt-install.sh" python3-nibabel mricron-data
