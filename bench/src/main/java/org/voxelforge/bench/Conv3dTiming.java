package org.voxelforge.bench;

import org.voxelforge.core.Backends;
import org.voxelforge.core.Parallel;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.cpu.Sgemm;

/**
 * A plain-main twin of {@link Conv3dBenchmark} for machines where the JMH runner is not set
 * up: times each shape's forward (and backward at small sizes) and prints the best of a few
 * runs after one warm-up, in the same format as bench/scripts/torch_conv3d.py.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED
 * -cp engine-core/target/classes:bench/target/classes org.voxelforge.bench.Conv3dTiming [reps] [SHAPE...]}
 */
public final class Conv3dTiming {
    private Conv3dTiming() {}

    public static void main(String[] args) {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        System.out.printf("voxelforge conv3d float32, %d threads, sgemm kernel: %s%n", Parallel.threads(), Sgemm.kernelName());
        Conv3dShapes[] shapes = Conv3dShapes.values();
        if (args.length > 1) {
            shapes = new Conv3dShapes[args.length - 1];
            for (int i = 1; i < args.length; i++) shapes[i - 1] = Conv3dShapes.valueOf(args[i]);
        }
        for (Conv3dShapes s : shapes) {
            try (Tensor x = s.input(); Tensor w = s.weight()) {
                double[] fwd = best(reps, () -> Backends.cpu().conv3d(x, w, null, Conv3dShapes.PARAMS).close());
                report(s, "forward", fwd);
                if (s.size <= 64) {
                    try (Tensor g = s.gradOutput()) {
                        double[] bwd = best(reps, () -> {
                            Backends.cpu().conv3dBackwardData(g, w, x.shape(), Conv3dShapes.PARAMS).close();
                            Backends.cpu().conv3dBackwardWeight(g, x, w.shape(), Conv3dShapes.PARAMS).close();
                        });
                        report(s, "backward", new double[] {bwd[0] / 2, bwd[1] / 2}); // per pass: both cost a forward's FLOPs
                    }
                }
            }
        }
    }

    private static void report(Conv3dShapes s, String pass, double[] ms) {
        System.out.printf("%-8s %-9s %9.1f ms wall %9.1f ms cpu  %6.1f GFLOP/s per cpu-second%n",
                s.name(), pass, ms[0], ms[1], s.flops() / (ms[1] * 1e6));
    }

    /**
     * Fastest of {@code reps} runs after one warm-up run: {wall ms, process cpu ms}. CPU time is
     * the fair figure on a shared machine, where wall time mostly measures the other tenants.
     */
    private static double[] best(int reps, Runnable r) {
        r.run();
        double wall = Double.MAX_VALUE, cpu = Double.MAX_VALUE;
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime(), c0 = PlainTimer.processCpuNanos();
            r.run();
            wall = Math.min(wall, (System.nanoTime() - t0) / 1e6);
            cpu = Math.min(cpu, (PlainTimer.processCpuNanos() - c0) / 1e6);
        }
        return new double[] {wall, cpu};
    }
}
