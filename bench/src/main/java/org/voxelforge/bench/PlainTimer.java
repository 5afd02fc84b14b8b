package org.voxelforge.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
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
        for (int i = 0; i < 2; i++) sink = work.get();
        double[] ms = new double[runs];
        double cpuBest = Double.MAX_VALUE;
        for (int i = 0; i < runs; i++) {
            long c0 = processCpuNanos();
            long t0 = System.nanoTime();
            sink = work.get();
            ms[i] = (System.nanoTime() - t0) / 1e6;
            cpuBest = Math.min(cpuBest, (processCpuNanos() - c0) / 1e6);
        }
        Arrays.sort(ms);
        return new double[] {ms[0], ms[runs / 2], cpuBest};
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /**
     * CPU time of all live threads, in nanoseconds. The process CPU time of the OS bean comes in
     * 10 ms ticks on this kind of machine, coarser than a deep conv layer (~30 ms); per-thread CPU
     * clocks are exact. Threads that end between two readings drop out, so time work done on
     * threads that outlive it (the shared pool).
     */
    static long processCpuNanos() {
        long sum = 0;
        for (long id : THREADS.getAllThreadIds()) {
            long t = THREADS.getThreadCpuTime(id);
            if (t > 0) sum += t;
        }
        return sum;
    }
}
