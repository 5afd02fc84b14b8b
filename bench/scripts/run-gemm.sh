#!/usr/bin/env bash
# Builds the benchmarks jar and runs GemmBenchmark (VoxelForge Sgemm vs OpenBLAS cblas_sgemm,
# same JVM, same native operands, 1 and 2 threads) with short settings, then prints GFLOP/s
# and the VoxelForge/OpenBLAS ratio. Raw JMH output and CSV go to bench/results/.
#
# Usage: bench/scripts/run-gemm.sh [extra JMH args, e.g. -p n=1024 -p threads=2]
# Env:   JMH_OPTS (default "-wi 3 -i 5 -w 1 -r 1 -f 1"), JAVA (a JDK >= 25)
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"

. "$root/bench/scripts/common.sh"

"$root/bench/scripts/install-peers.sh" || echo "warning: could not install OpenBLAS; its benchmarks will fail" >&2
build_bench

out="$root/bench/results/gemm-$stamp"
{
  echo "# commit: $(git rev-parse HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (dirty)')"
  echo "# date: $stamp"
  echo "# java: $("$java_bin" -version 2>&1 | head -1)"
  echo "# openblas: $(dpkg-query -W -f='${Package} ${Version}' libopenblas0-pthread 2>/dev/null || echo unknown)"
  echo "# load before run: $(cat /proc/loadavg)"
  "$java_bin" -cp bench/target/benchmarks.jar org.voxelforge.bench.GemmPeak
  # shellcheck disable=SC2086
  "$java_bin" -jar bench/target/benchmarks.jar GemmBenchmark ${JMH_OPTS:--wi 3 -i 5 -w 1 -r 1 -f 1} \
      -rf csv -rff "$out.csv" "$@"
} 2>&1 | tee "$out.txt"

# GFLOP/s = 2 n^3 / time; JMH reports ms/op. CSV columns: Benchmark,Mode,Threads,Samples,Score,Error,Unit,n,threads
echo
echo "| n | threads | VoxelForge GFLOP/s | OpenBLAS GFLOP/s | ratio |" | tee "$out.table.md"
echo "|---|---|---|---|---|" | tee -a "$out.table.md"
awk -F, 'NR > 1 {
    gsub(/"/, "");
    split($1, parts, "."); impl = parts[length(parts)];
    n = $(NF-1); t = $NF; ms = $5;
    gf[n "," t "," impl] = 2 * n * n * n / (ms * 1e-3) / 1e9; keys[n "," t] = 1
  } END {
    for (k in keys) {
      split(k, p, ",");
      v = gf[k ",voxelforge"]; o = gf[k ",openblas"];
      printf "| %d | %d | %.1f | %.1f | %.2f |\n", p[1], p[2], v, o, (o > 0 ? v / o : 0)
    }
  }' "$out.csv" | sort -t'|' -k2,2n -k3,3n | tee -a "$out.table.md"
echo "raw output: $out.txt, $out.csv, $out.table.md"
