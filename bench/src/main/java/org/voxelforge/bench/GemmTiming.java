package org.voxelforge.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.voxelforge.core.cpu.Sgemm;

/**
 * A quick plain-main twin of {@link GemmBenchmark} (no JMH, no OpenBLAS): square float32
 * {@code C = A * B} for each n on 1 and 2 threads; prints the median and best GFLOP/s of
 * {@code reps} timed runs after {@code warm} untimed ones. For checking a kernel change in a
 * minute; {@code bench/scripts/run-gemm.sh} is the measurement of record.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED
 * -cp engine-core/target/classes:bench/target/classes org.voxelforge.bench.GemmTiming [warm=20] [reps=15] [n...=256 1024]}
 */
public final class GemmTiming {
    private GemmTiming() {}

    public static void main(String[] args) {
        int warm = args.length > 0 ? Integer.parseInt(args[0]) : 20, reps = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        int[] sizes = args.length > 2 ? Arrays.stream(args, 2, args.length).mapToInt(Integer::parseInt).toArray() : new int[] {256, 1024};
        System.out.printf("sgemm %s%n", Sgemm.kernelName());
        for (int n : sizes) {
            try (Arena arena = Arena.ofShared()) {
                MemorySegment a = random(arena, n * n, 1), b = random(arena, n * n, 2), c = arena.allocate(4L * n * n, 64);
                for (int threads = 1; threads <= 2; threads++) {
                    int w = n >= 1024 ? Math.max(2, warm / 8) : warm, r = n >= 1024 ? Math.max(3, reps / 3) : reps;
                    double[] ms = new double[r];
                    for (int i = 0; i < w + r; i++) {
                        long t0 = System.nanoTime();
                        Sgemm.sgemm(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n, threads);
                        if (i >= w) ms[i - w] = (System.nanoTime() - t0) / 1e6;
                    }
                    Arrays.sort(ms);
                    double flop = 2.0 * n * n * n;
                    System.out.printf("n=%5d threads=%d  median %8.2f ms  %6.1f GFLOP/s  (best %6.1f GFLOP/s, %d runs after %d warm-up)%n",
                            n, threads, ms[r / 2], flop / (ms[r / 2] * 1e6), flop / (ms[0] * 1e6), r, w);
                }
            }
        }
    }

    private static MemorySegment random(Arena arena, int count, long seed) {
        MemorySegment s = arena.allocate(4L * count, 64);
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = 0; i < count; i++) s.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) (rng.nextDouble() * 2 - 1));
        return s;
    }
}
