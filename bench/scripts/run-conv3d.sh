#!/usr/bin/env bash
# conv3d on the CPU, VoxelForge (Conv3dTiming) against PyTorch's CPU conv3d (torch_conv3d.py) on the
# same shapes and thread count, one after the other in one script. Writes the raw output of both,
# the machine's load and the commit, and a ratio table (VoxelForge CPU time / PyTorch CPU time,
# below 1 means faster) to bench/results/conv3d-<stamp>.txt.
#
# Usage: bench/scripts/run-conv3d.sh [reps] [SHAPE...]     (shapes: see Conv3dShapes; default all)
# Env:   JAVA (a JDK >= 25), PYTHON (a Python with torch; default /usr/bin/python3),
#        JAVA_OPTS (extra JVM options for our side, e.g. -Dvoxelforge.conv.rowPath=never)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
. "$root/bench/scripts/common.sh"
reps="${1:-3}"
shift || true
build_bench
out="$root/bench/results/conv3d-$stamp.txt"
ours="$(mktemp)" theirs="$(mktemp)"
trap 'rm -f "$ours" "$theirs"' EXIT
{
  echo "# commit: $(git rev-parse HEAD)$(git diff --quiet || echo ' (dirty)')"
  echo "# cpu: $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), $(nproc) cores"
  echo "# load before run: $(cat /proc/loadavg)"
  echo "# VoxelForge:${JAVA_OPTS:+ (JAVA_OPTS=$JAVA_OPTS)}"
  # shellcheck disable=SC2086 # JAVA_OPTS holds several options
  "$java_bin" ${JAVA_OPTS:-} --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
      -cp bench/target/benchmarks.jar org.voxelforge.bench.Conv3dTiming "$reps" "$@" 2>/dev/null | tee "$ours"
  echo "# PyTorch:"
  "$python_bin" bench/scripts/torch_conv3d.py "$reps" "$@" | tee "$theirs"
  echo "# load after run: $(cat /proc/loadavg)"
  echo
  echo "| shape | pass | VoxelForge ms cpu | PyTorch ms cpu | ratio (lower is faster) |"
  echo "|---|---|---|---|---|"
  join <(awk '/ms cpu/ {print $1"_"$2, $6}' "$ours" | sort) <(awk '/ms cpu/ {print $1"_"$2, $6}' "$theirs" | sort) |
    awk '{split($1, k, "_"); printf "| %s_%s | %s | %s | %s | %.2f |\n", k[1], k[2], k[3], $2, $3, $2 / $3}'
} | tee "$out"
echo "wrote $out"
