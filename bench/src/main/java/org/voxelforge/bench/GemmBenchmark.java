package org.voxelforge.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.voxelforge.core.cpu.Sgemm;

/**
 * Square float32 GEMM, C = A * B (n x n, row-major), VoxelForge's {@link Sgemm} against
 * OpenBLAS's {@code cblas_sgemm} called through FFM in the same JVM, on the same native
 * operands and the same number of threads. GFLOP/s = 2 n^3 / time (bench/scripts/run-gemm.sh
 * computes it from the JMH output). The floor is the machine's peak: see {@link GemmPeak}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class GemmBenchmark {
    @Param({"256", "1024", "2048"})
    public int n;

    @Param({"1", "2"})
    public int threads;

    private Arena arena;
    private MemorySegment a, b, c;
    private OpenBlas openblas;

    @Setup(Level.Trial)
    public void setup(BenchmarkParams params) {
        arena = Arena.ofShared();
        long count = (long) n * n;
        a = arena.allocate(ValueLayout.JAVA_FLOAT, count);
        b = arena.allocate(ValueLayout.JAVA_FLOAT, count);
        c = arena.allocate(ValueLayout.JAVA_FLOAT, count);
        SplittableRandom r = new SplittableRandom(42);
        for (long i = 0; i < count; i++) {
            a.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) (r.nextDouble() - 0.5));
            b.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) (r.nextDouble() - 0.5));
        }
        // OpenBLAS only in its own fork: once started, its idle worker threads busy-wait, and on a
        // 2-core machine they starve our pool (measured: 256^3 on 2 threads 0.7 ms -> 14 ms).
        if (params.getBenchmark().endsWith(".openblas")) {
            openblas = OpenBlas.load();
            openblas.setThreads(threads);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() { arena.close(); }

    @Benchmark
    public MemorySegment voxelforge() {
        Sgemm.sgemm(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n, threads);
        return c;
    }

    @Benchmark
    public MemorySegment openblas() {
        openblas.sgemm(false, false, n, n, n, 1f, a, n, b, n, 0f, c, n);
        return c;
    }
}
