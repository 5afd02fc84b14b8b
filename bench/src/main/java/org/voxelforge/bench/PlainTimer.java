package org.voxelforge.bench;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * Timing for the plain-main harnesses: 2 warm-up calls, then best and median wall-clock time,
 * and the process CPU time of the best run. On a shared, overloaded machine the CPU time
 * (summed over threads) is the steadier figure; wall time is what a user waits.
 */
final class PlainTimer {
    static volatile Object sink; // keeps results alive so the work is not optimized away

    private PlainTimer() {}

    /** Returns {best wall, median wall, CPU of the fastest-CPU run} in milliseconds. */
    static double[] time(int runs, Supplier<?> work) {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        for (int i = 0; i < 2; i++) sink = work.get();
        double[] ms = new double[runs];
        double cpuBest = Double.MAX_VALUE;
        for (int i = 0; i < runs; i++) {
            long c0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            sink = work.get();
            ms[i] = (System.nanoTime() - t0) / 1e6;
            cpuBest = Math.min(cpuBest, (os.getProcessCpuTime() - c0) / 1e6);
        }
        Arrays.sort(ms);
        return new double[] {ms[0], ms[runs / 2], cpuBest};
    }
}
