package org.voxelforge.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;
import org.voxelforge.core.Parallel;
import org.voxelforge.data.distance.EuclideanDistanceTransform;

/**
 * Exact EDT of a 256^3 mask of six spheres, anisotropic spacing (1.0, 0.8, 1.2): distances
 * inside the spheres ("inside") and to the spheres from everywhere else ("outside").
 * Peer: {@code scipy.ndimage.distance_transform_edt(mask, sampling=...)} in
 * bench/scripts/scipy_peers.py. Floor: each pass reads and writes the 134 MB double array
 * once (~0.8 GB over 3 passes plus the final sqrt), ~0.1 s at 10 GB/s.
 *
 * <p>JMH: the thread count is fixed per JVM ({@code voxelforge.threads}), so each method
 * forks with its own: {@code java -jar bench/target/benchmarks.jar EdtBenchmark}. The plain
 * harness ({@link #main}) also prints process CPU time, steadier on a shared machine:
 * {@code java --add-modules jdk.incubator.vector -Dvoxelforge.threads=1 -cp ... org.voxelforge.bench.EdtBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 3)
public class EdtBenchmark {
    static final int[] DIMS = {256, 256, 256};
    static final double[] SPACING = {1.0, 0.8, 1.2};

    @Param({"inside", "outside"})
    public String mask;
    byte[] data;

    @Setup
    public void setup() {
        data = DataBenchVolumes.spheres(mask.equals("inside"));
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g", "-Dvoxelforge.threads=1"})
    public double[] edt1Thread() {
        return EuclideanDistanceTransform.distances(data, DIMS, SPACING);
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g", "-Dvoxelforge.threads=2"})
    public double[] edt2Threads() {
        return EuclideanDistanceTransform.distances(data, DIMS, SPACING);
    }

    /** Plain harness: best and median of {@code runs} (default 5) after 2 warm-up runs. */
    public static void main(String[] args) {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        for (String m : new String[] {"inside", "outside"}) {
            EdtBenchmark b = new EdtBenchmark();
            b.mask = m;
            b.setup();
            double[] ms = PlainTimer.time(runs, b::edt1Thread);
            System.out.printf("edt 256^3 %-7s threads=%d wall best %.1f ms median %.1f ms, cpu %.1f ms%n", m, Parallel.threads(), ms[0], ms[1], ms[2]);
        }
    }
}
