package org.voxelforge.bench;

import java.util.Arrays;
import java.util.List;
import org.voxelforge.autograd.Variable;
import org.voxelforge.core.DType;
import org.voxelforge.core.Parallel;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;
import org.voxelforge.core.cpu.Sgemm;
import org.voxelforge.nn.loss.DeepSupervisionLoss;
import org.voxelforge.nn.loss.Losses;
import org.voxelforge.nn.models.DynamicUNet;
import org.voxelforge.nn.optim.Adam;

/**
 * JIT warm-up of a whole training step: prints the wall time of every step (forward of all
 * deep-supervision heads, nnU-Net dice_ce deep-supervision loss, backward, Adam) of a small
 * DynamicUNet on one fixed synthetic batch (wall and process CPU time), then a bitwise fingerprint of the trained weights, the
 * steady time (median of the last 10 steps),
 * the first step from which steps stay near it, and the total of the first 50 steps. Run it with
 * and without JIT flags (e.g. {@code -XX:-TieredCompilation}, {@code -XX:+PrintCompilation}) to
 * see how long the kernels take to reach their compiled speed.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED
 * -cp <classes of engine-core, autograd, nn, bench> org.voxelforge.bench.TrainStepTiming
 * [baseFeatures=8] [stages=4] [patch=32] [batch=2] [steps=60] [maxFeatures=64]}
 * (input channels and classes are both 4).
 */
public final class TrainStepTiming {
    private static final int CHANNELS = 4, CLASSES = 4;

    private TrainStepTiming() {}

    public static void main(String[] args) {
        int base = arg(args, 0, 8), stages = arg(args, 1, 4), patch = arg(args, 2, 32), batch = arg(args, 3, 2);
        int steps = arg(args, 4, 60), maxFeatures = arg(args, 5, 64);
        System.out.printf("train step timing: DynamicUNet features %d..%d, %d stages, input [%d, %d, %d, %d, %d], %d threads, sgemm %s%n",
                base, maxFeatures, stages, batch, CHANNELS, patch, patch, patch, Parallel.threads(), Sgemm.kernelName());
        DynamicUNet.Plan plan = DynamicUNet.Plan.isotropic(CHANNELS, CLASSES, stages).withFeatures(base, maxFeatures).withSeed(1);
        double[] ms = new double[steps], cpu = new double[steps];
        try (TensorScope outer = new TensorScope(); DynamicUNet net = new DynamicUNet(plan);
             Adam opt = new Adam(net.trainableParameters(), 1e-3)) {
            RandomGenerator rng = new RandomGenerator(5);
            Tensor images = rng.fill(RandomGenerator.Distribution.NORMAL, 0, 1, DType.FLOAT32, batch, CHANNELS, patch, patch, patch);
            Tensor labels = Tensor.ofLongs(org.voxelforge.cli.BenchCommand.shellLabels(batch, patch, CLASSES), batch, patch, patch, patch);
            DeepSupervisionLoss deepLoss = null;
            net.train(true);
            for (int s = 0; s < steps; s++) {
                long t0 = System.nanoTime(), c0 = PlainTimer.processCpuNanos();
                double loss;
                try (TensorScope scope = new TensorScope()) {
                    opt.zeroGrad();
                    List<Variable> heads = net.forwardDeep(Variable.constant(images));
                    if (deepLoss == null) deepLoss = DeepSupervisionLoss.nnUNet(Losses.create("dice_ce"), heads.size());
                    Variable l = deepLoss.compute(heads, labels, null);
                    l.backward();
                    opt.step();
                    loss = l.value().item();
                }
                ms[s] = (System.nanoTime() - t0) / 1e6;
                cpu[s] = (PlainTimer.processCpuNanos() - c0) / 1e6;
                System.out.printf("step %3d  %8.1f ms wall  %8.1f ms cpu  loss %.9f%n", s + 1, ms[s], cpu[s], loss);
            }
            // a bitwise fingerprint of the trained weights: equal across runs, JIT flags and kernel rewrites
            long h = 1;
            for (Variable p : net.trainableParameters()) for (double v : p.value().toDoubleArray()) h = 31 * h + Double.doubleToLongBits(v);
            System.out.printf("parameter fingerprint %016x%n", h);
        }
        summarize("wall", ms);
        summarize("cpu", cpu);
    }

    /** CPU time of the whole process (all threads, JIT compilers included): on a shared machine wall time also measures the neighbours. */

    /** Steady = median of the last 10 steps; warm from the first step after which no step exceeds 1.25x steady. */
    static void summarize(String what, double[] ms) {
        int n = ms.length, tail = Math.min(10, n);
        double[] last = Arrays.copyOfRange(ms, n - tail, n);
        Arrays.sort(last);
        double steady = last[tail / 2];
        int warm = n;
        while (warm > 0 && ms[warm - 1] <= 1.25 * steady) warm--;
        double first50 = 0;
        for (int i = 0; i < Math.min(50, n); i++) first50 += ms[i];
        System.out.printf("%s: steady %.1f ms/step (median of last %d); within 1.25x of steady from step %d on; first %d steps %.1f s%n",
                what, steady, tail, warm + 1, Math.min(50, n), first50 / 1e3);
    }

    private static int arg(String[] args, int i, int fallback) { return args.length > i ? Integer.parseInt(args[i]) : fallback; }
}
