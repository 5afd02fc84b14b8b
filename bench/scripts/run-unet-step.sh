#!/usr/bin/env bash
# One U-Net training step on the CPU, VoxelForge (TrainStepTiming) against PyTorch (torch_unet_step.py:
# the same architecture, input, loss and optimizer), one after the other in one script, 2 threads each.
# Writes both raw outputs, the load and the commit, and the ratio of steady times to
# bench/results/unet-step-<stamp>.txt.
#
# Usage: bench/scripts/run-unet-step.sh [base=32] [stages=4] [patch=64] [batch=2] [steps=8] [max=320]
# Env:   JAVA (a JDK >= 25), PYTHON (a Python with torch; default /usr/bin/python3)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
. "$root/bench/scripts/common.sh"
args=("${1:-32}" "${2:-4}" "${3:-64}" "${4:-2}" "${5:-8}" "${6:-320}")
build_bench
out="$root/bench/results/unet-step-$stamp.txt"
ours="$(mktemp)" theirs="$(mktemp)"
trap 'rm -f "$ours" "$theirs"' EXIT
{
  echo "# commit: $(git rev-parse HEAD)$(git diff --quiet || echo ' (dirty)')"
  echo "# arguments (base stages patch batch steps max): ${args[*]}"
  echo "# load before run: $(cat /proc/loadavg)"
  echo "# VoxelForge:"
  "$java_bin" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
      -cp bench/target/benchmarks.jar org.voxelforge.bench.TrainStepTiming "${args[@]}" 2>/dev/null | tee "$ours"
  echo "# PyTorch:"
  "$python_bin" bench/scripts/torch_unet_step.py "${args[@]}" | tee "$theirs"
  echo "# load after run: $(cat /proc/loadavg)"
  for what in wall cpu; do
    a=$(sed -n "s/^$what: steady \([0-9.]*\) ms.*/\1/p" "$ours")
    b=$(sed -n "s/^$what: steady \([0-9.]*\) ms.*/\1/p" "$theirs")
    awk -v w="$what" -v a="$a" -v b="$b" 'BEGIN { printf "steady %s ms/step: VoxelForge %.0f, PyTorch %.0f, ratio %.2f (lower is faster)\n", w, a, b, a / b }'
  done
} | tee "$out"
echo "wrote $out"
