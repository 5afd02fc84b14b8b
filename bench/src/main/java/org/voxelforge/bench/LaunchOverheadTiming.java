package org.voxelforge.bench;

import java.lang.foreign.MemorySegment;
import org.voxelforge.core.cuda.KernelLauncher;

/**
 * The Java half of one kernel launch: packing a typical argument list (an int, three pointers,
 * two int64s) into cuLaunchKernel's {@code void**} in a confined arena, handed to a launcher that
 * does nothing. The driver's half (cuCtxSetCurrent, cuLaunchKernel) needs a GPU; issue #5's goal
 * is under 10 microseconds for both together.
 *
 * <p>Run: {@code java --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar org.voxelforge.bench.LaunchOverheadTiming}
 */
public final class LaunchOverheadTiming {
    private LaunchOverheadTiming() {}

    private static long sink;

    public static void main(String[] args) {
        KernelLauncher noop = new KernelLauncher() {
            @Override public void launch(String kernel, int gx, int gy, int gz, int bx, int by, int bz, int shared, long stream,
                                         MemorySegment params) {
                sink += params.address();
            }

            @Override public int multiprocessors() { return 132; }
        };
        int n = 2_000_000;
        double best = Double.MAX_VALUE;
        for (int rep = 0; rep < 5; rep++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                long p = 256L * i;
                noop.launch("vf_binary_f32", 100, 1, 1, 256, 1, 1, 0, 0L, k -> k.i32(2).ptr(p).ptr(p + 64).i64(1).ptr(p + 128).i64(1000));
            }
            best = Math.min(best, (System.nanoTime() - t0) / (double) n);
        }
        System.out.printf("Java side of one kernel launch (6 arguments, no-op launcher): %.0f ns (best of 5 x %d)%n", best, n);
        if (sink == 42) System.out.println(); // keeps the launcher's work alive
    }
}
