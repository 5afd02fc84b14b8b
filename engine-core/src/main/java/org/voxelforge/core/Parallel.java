package org.voxelforge.core;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.RecursiveAction;

/**
 * One shared worker pool for all CPU kernels, sized to the machine (or to the system property
 * {@code voxelforge.threads}). Work below a grain size stays on the calling thread, so small
 * tensors pay no scheduling cost. Results never depend on the number of threads: a kernel
 * splits its index range, never its arithmetic order within an output element.
 */
public final class Parallel {
    private static final int THREADS = Integer.getInteger("voxelforge.threads", Runtime.getRuntime().availableProcessors());
    private static final ForkJoinPool POOL = new ForkJoinPool(Math.max(1, THREADS),
            pool -> {
                var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
                t.setName("voxelforge-cpu-" + t.getPoolIndex());
                t.setDaemon(true);
                return t;
            }, null, false);

    /** Body of a parallel loop over {@code [start, end)}. */
    @FunctionalInterface
    public interface RangeBody {
        void run(long start, long end);
    }

    private Parallel() {}

    public static int threads() { return Math.max(1, THREADS); }

    /**
     * Runs {@code body} over {@code [0, n)} split into at most {@code threads()} chunks of at
     * least {@code grain} elements each. Chunks run on the pool; the caller waits.
     */
    public static void forRange(long n, long grain, RangeBody body) {
        if (n <= 0) return;
        int chunks = (int) Math.min(threads(), Math.max(1, n / Math.max(1, grain)));
        if (chunks <= 1 || ForkJoinTask.inForkJoinPool() && Thread.currentThread().getName().startsWith("voxelforge-cpu")) {
            body.run(0, n); // nested parallel loops run serially inside a worker
            return;
        }
        long per = (n + chunks - 1) / chunks;
        ForkJoinTask<?>[] tasks = new ForkJoinTask<?>[chunks];
        for (int c = 0; c < chunks; c++) {
            long s = c * per, e = Math.min(n, s + per);
            tasks[c] = new RecursiveAction() {
                @Override protected void compute() { if (s < e) body.run(s, e); }
            };
        }
        POOL.invoke(new RecursiveAction() {
            @Override protected void compute() { invokeAll(tasks); }
        });
    }

    /** Runs {@code body} once for each chunk index in {@code [0, chunks)} on the pool. */
    public static void forEachChunk(int chunks, java.util.function.IntConsumer body) {
        forRange(chunks, 1, (s, e) -> {
            for (long i = s; i < e; i++) body.accept((int) i);
        });
    }
}
