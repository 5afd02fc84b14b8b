#!/usr/bin/env bash
# Native peers of the benchmarks: OpenBLAS (GEMM).
exec "$(dirname "$0")/../../.ci/apt-install.sh" libopenblas0-pthread
