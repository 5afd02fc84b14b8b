#!/usr/bin/env bash
# Compiles the kernel sources with g++ into the host emulator, a shared library that runs each
# kernel on the CPU (kernels/README.md, section Emulator): the very translation unit nvcc compiles
# (voxelforge.cu, included by emu/registry.cpp with VF_EMULATE defined) plus the emulator's runtime.
# The library goes where the jar picks it up as a resource. Without g++ the build goes on and the
# emulator tests are skipped with that reason.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/target/classes/org/voxelforge/kernels/emu/linux-x86_64"
CXX="${CXX:-$(command -v g++ || true)}"
if [ -z "$CXX" ]; then
  echo "[kernels] g++ not found: skipping the host emulator (its tests will be skipped)"
  exit 0
fi
if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  echo "[kernels] the host emulator is built for linux-x86_64 only: skipping it on $(uname -s)-$(uname -m)"
  exit 0
fi
mkdir -p "$out"
src="$here/src/main/cuda"
lib="$out/libvoxelforge-emu.so"
# Rebuild only when a source (or this script) is newer than the library.
if [ -f "$lib" ] && [ -z "$(find "$src" "$0" -newer "$lib" -print -quit)" ]; then
  echo "[kernels] libvoxelforge-emu.so is up to date"
  exit 0
fi
# The SHA-256 of every source (sorted by path relative to src/main/cuda, contents concatenated) goes
# into the library (vfemu_source_digest), so tests can tell a stale library from a current one.
digest=$(cd "$src" && find . -type f \( -name '*.cu' -o -name '*.cuh' -o -name '*.h' -o -name '*.cpp' \) | LC_ALL=C sort | xargs cat | sha256sum | cut -c1-64)
# -Wno-unknown-pragmas: g++ does not know CUDA's `#pragma unroll`.
"$CXX" -O2 -std=c++20 -shared -fPIC -fvisibility=hidden -DVF_EMULATE -DVF_EMU_SOURCE_DIGEST="\"$digest\"" \
  -Wall -Wextra -Werror -Wno-unknown-pragmas \
  -o "$lib.tmp" "$src/emu/registry.cpp" "$src/emu/vf_emu_runtime.cpp" || {
    echo "[kernels] g++ failed to build the host emulator" >&2
    exit 1
  }
mv "$lib.tmp" "$lib"
echo "[kernels] built libvoxelforge-emu.so ($(stat -c %s "$lib") bytes, $(nm -D --defined-only "$lib" | grep -c ' T vfemu_') C API functions)"
