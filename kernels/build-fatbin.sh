#!/usr/bin/env bash
# Compiles kernels/src/main/cuda/voxelforge.cu into one fatbin (SASS for sm_80 and sm_90, plus
# compute_90 PTX that newer GPUs JIT) and puts it where the jar picks it up as a resource.
# Without nvcc the build goes on and the CUDA backend reports that its kernels are missing.
# The ptxas resource report (registers, spills) is written to target/ptxas-report.txt.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/target/classes/org/voxelforge/kernels"
NVCC="${NVCC:-$(command -v nvcc || true)}"
[ -z "$NVCC" ] && [ -x /usr/local/cuda/bin/nvcc ] && NVCC=/usr/local/cuda/bin/nvcc
if [ -z "$NVCC" ]; then
  echo "[kernels] nvcc not found: skipping the fatbin (the CPU backend is unaffected)"
  exit 0
fi
if [ "${VOXELFORGE_SKIP_KERNELS:-}" = "1" ]; then
  echo "[kernels] VOXELFORGE_SKIP_KERNELS=1: skipping the fatbin"
  exit 0
fi
mkdir -p "$out"
src="$here/src/main/cuda/voxelforge.cu"
fatbin="$out/voxelforge.fatbin"
# Rebuild only when a source is newer than the fatbin.
if [ -f "$fatbin" ] && [ -z "$(find "$here/src/main/cuda" -newer "$fatbin" -print -quit)" ]; then
  echo "[kernels] voxelforge.fatbin is up to date"
  exit 0
fi
"$NVCC" -fatbin -O3 -std=c++17 \
  -gencode arch=compute_80,code=sm_80 \
  -gencode arch=compute_90,code=sm_90 \
  -gencode arch=compute_90,code=compute_90 \
  -Xptxas -v -o "$fatbin.tmp" "$src" 2> "$here/target/ptxas-report.txt" || {
    cat "$here/target/ptxas-report.txt" >&2
    echo "[kernels] nvcc failed" >&2
    exit 1
  }
mv "$fatbin.tmp" "$fatbin"
spills=$(grep -c "bytes spill stores" "$here/target/ptxas-report.txt" || true)
nonzero=$(grep -E "[1-9][0-9]* bytes spill stores" "$here/target/ptxas-report.txt" | wc -l || true)
echo "[kernels] built voxelforge.fatbin ($(stat -c %s "$fatbin") bytes); ptxas report: target/ptxas-report.txt ($nonzero of $spills kernel variants spill)"
