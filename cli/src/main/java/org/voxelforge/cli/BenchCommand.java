package org.voxelforge.cli;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.voxelforge.autograd.Variable;
import org.voxelforge.core.Backends;
import org.voxelforge.core.Conv3dParams;
import org.voxelforge.core.DType;
import org.voxelforge.core.Device;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;
import org.voxelforge.core.cuda.CachingAllocator;
import org.voxelforge.core.cuda.CudaBackend;
import org.voxelforge.nn.loss.DeepSupervisionLoss;
import org.voxelforge.nn.loss.Losses;
import org.voxelforge.nn.models.DynamicUNet;
import org.voxelforge.nn.optim.Adam;
import org.voxelforge.nn.optim.Optimizer;
import org.voxelforge.nn.optim.SGD;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Timing on any device from the self-contained distribution (a GPU machine has no JDK or Maven):
 * {@code train-step}, nnU-Net's U-Net one training step at a time as the GPU issue specifies
 * (4 input channels, deep supervision, Dice + CE, SGD), {@code predict}, sliding-window inference
 * of one 4-channel case (240 x 240 x 155 by default, overlap 0.5, Gaussian weighting) with the same
 * network, and {@code conv3d}, one layer forward and backward. Each prints every repetition, then the median of the last half; on a CUDA-backend
 * device also the allocator's peak and the ops that ran on the host. The PyTorch peers
 * (bench/scripts/torch_unet_step.py, torch_conv3d.py) take the same arguments.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Time a U-Net training step (train-step), whole-case inference (predict), one conv3d layer (conv3d) or the exact "
                + "distance transform of a --patch^3 mask (edt), or the norm and loss kernels against the copy bandwidth (norm-loss) "
                + "on a device; for the GPU benchmarks.")
public final class BenchCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "train-step, predict, conv3d, edt or norm-loss.")
    String what;

    @Option(names = "--device", defaultValue = "cpu", description = DeviceFlag.DESCRIPTION)
    String device;

    @Option(names = "--features", split = ",", defaultValue = "32,320", description = "Base and maximum features (train-step) (default: ${DEFAULT-VALUE}).")
    int[] features;

    @Option(names = "--stages", defaultValue = "5", description = "U-Net stages (train-step) (default: ${DEFAULT-VALUE}).")
    int stages;

    @Option(names = "--patch", defaultValue = "128", description = "Patch (train-step) or volume (conv3d, edt) edge (default: ${DEFAULT-VALUE}).")
    int patch;

    @Option(names = "--batch", defaultValue = "2", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--channels", defaultValue = "32", description = "conv3d: input and output channels (default: ${DEFAULT-VALUE}).")
    int channels;

    @Option(names = "--optimizer", defaultValue = "sgd", description = "train-step: sgd (nnU-Net's, Nesterov 0.99) or adam (default: ${DEFAULT-VALUE}).")
    String optimizer;

    @Option(names = "--precision", defaultValue = "fp32", description = "train-step, predict: fp32 or bf16 (autocast) (default: ${DEFAULT-VALUE}).")
    String precision;

    @Option(names = "--volume", split = ",", defaultValue = "240,240,155", description = "predict: the case's size X,Y,Z (default: ${DEFAULT-VALUE}).")
    int[] volume;

    @Option(names = "--channels-last", description = "train-step, predict: " + DeviceFlag.CHANNELS_LAST)
    boolean channelsLast;

    @Option(names = "--steps", defaultValue = "20", description = "Repetitions (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--output", description = "edt: write the distances (float32 .npy) for bench/scripts/cupy_edt.py to compare.")
    java.nio.file.Path output;

    @Override public Integer call() {
        Device d = DeviceFlag.parse(device);
        if (steps < 2) throw new IllegalArgumentException("--steps must be >= 2, got " + steps);
        System.out.printf(Locale.ROOT, "bench %s on %s%s%n", what, d,
                d.isCpu() ? "" : " (" + ((CudaBackend) Backends.forDevice(d)).accelerator().describe() + ")");
        CudaBackend.resetHostFallbacks();
        double[] ms = switch (what) {
            case "train-step" -> trainStep(d);
            case "conv3d" -> conv3d(d);
            case "predict" -> predict(d);
            case "edt" -> EdtBench.run(d, patch, steps, output);
            case "norm-loss" -> BandwidthBench.run(d, batch, channels, patch, steps);
            default -> throw new IllegalArgumentException("bench: unknown '" + what + "'; expected train-step, predict, conv3d, edt or norm-loss");
        };
        double[] tail = Arrays.copyOfRange(ms, ms.length / 2, ms.length);
        Arrays.sort(tail);
        System.out.printf(Locale.ROOT, "steady: %.2f ms (median of the last %d)%n", tail[tail.length / 2], tail.length);
        if (d.isCpu()) {
            System.out.printf(Locale.ROOT, "host memory: peak live %.1f MiB%n", org.voxelforge.core.NativeMemory.peakBytes() / 1048576.0);
        } else {
            CachingAllocator a = ((CudaBackend) Backends.forDevice(d)).accelerator().allocator();
            System.out.println("device memory: " + a.stats());
            System.out.println("host fallbacks: " + CudaBackend.hostFallbacks());
        }
        return 0;
    }

    private double[] trainStep(Device d) {
        if (features.length != 2) throw new IllegalArgumentException("--features needs base,max");
        int channels = 4, classes = 4;
        DynamicUNet.Plan plan = DynamicUNet.Plan.isotropic(channels, classes, stages).withFeatures(features[0], features[1]).withSeed(1);
        System.out.printf(Locale.ROOT, "DynamicUNet %d stages, features %d..%d, input [%d, %d, %d^3], Dice+CE with deep supervision, %s, %s, %s%n",
                stages, features[0], features[1], batch, channels, patch, optimizer, precision, memoryFormat(d).label());
        double[] ms = new double[steps];
        boolean bf16 = TrainingFlags.bf16(precision);
        try (TensorScope outer = new TensorScope(); DynamicUNet net = new DynamicUNet(plan)) {
            net.to(d);
            net.inputFormat(memoryFormat(d));
            Optimizer opt = switch (optimizer) {
                case "sgd" -> new SGD(net.trainableParameters(), 1e-2, 0.99, true, 3e-5);
                case "adam" -> new Adam(net.trainableParameters(), 1e-3);
                default -> throw new IllegalArgumentException("--optimizer: expected sgd or adam, got " + optimizer);
            };
            try (opt) {
                RandomGenerator rng = new RandomGenerator(5);
                Tensor images = rng.fill(RandomGenerator.Distribution.NORMAL, 0, 1, DType.FLOAT32, batch, channels, patch, patch, patch).to(d);
                Tensor labels = Tensor.ofLongs(shellLabels(batch, patch, classes), batch, patch, patch, patch).to(d);
                DeepSupervisionLoss loss = null;
                net.train(true);
                for (int s = 0; s < steps; s++) {
                    long t0 = System.nanoTime();
                    double value;
                    try (TensorScope scope = new TensorScope()) {
                        opt.zeroGrad();
                        Variable l;
                        try (org.voxelforge.autograd.Autocast a = bf16 ? org.voxelforge.autograd.Autocast.bf16() : null) {
                            List<Variable> heads = net.forwardDeep(Variable.constant(images));
                            if (loss == null) loss = DeepSupervisionLoss.nnUNet(Losses.create("dice_ce"), heads.size());
                            l = loss.compute(heads, labels, null);
                        }
                        l.backward();
                        opt.step();
                        value = l.value().item(); // waits for the device
                    }
                    ms[s] = (System.nanoTime() - t0) / 1e6;
                    System.out.printf(Locale.ROOT, "step %3d  %9.2f ms  loss %.6f%n", s + 1, ms[s], value);
                }
            }
        }
        return ms;
    }

    /** --channels-last, refused on the CPU as train and predict refuse it (MemoryFormats.check). */
    private org.voxelforge.core.MemoryFormat memoryFormat(Device d) {
        org.voxelforge.core.MemoryFormat f = DeviceFlag.memoryFormat(channelsLast);
        org.voxelforge.train.pipeline.MemoryFormats.check(f, d);
        return f;
    }

    /** Whole-case inference: the trained-shape U-Net in eval mode over one random 4-channel volume. */
    private double[] predict(Device d) {
        if (features.length != 2 || volume.length != 3) throw new IllegalArgumentException("--features needs base,max and --volume X,Y,Z");
        DynamicUNet.Plan plan = DynamicUNet.Plan.isotropic(4, 4, stages).withFeatures(features[0], features[1]).withSeed(1);
        System.out.printf(Locale.ROOT, "sliding window: DynamicUNet %d stages, features %d..%d, patch %d^3, case [4, %d, %d, %d], overlap 0.5, "
                + "%d windows per call, Gaussian weights, softmax, %s, %s%n", stages, features[0], features[1], patch, volume[0], volume[1], volume[2], batch,
                precision, memoryFormat(d).label());
        double[] ms = new double[steps];
        try (TensorScope outer = new TensorScope(); DynamicUNet net = new DynamicUNet(plan)) {
            net.to(d);
            net.inputFormat(memoryFormat(d));
            Tensor image = new RandomGenerator(7).fill(RandomGenerator.Distribution.NORMAL, 0, 1, DType.FLOAT32, 4, volume[0], volume[1], volume[2]);
            var ensemble = new org.voxelforge.train.inference.ModelEnsemble(List.of(net), org.voxelforge.train.inference.Activation.SOFTMAX,
                    org.voxelforge.train.inference.TestTimeAugmentation.NONE, TrainingFlags.bf16(precision));
            var options = org.voxelforge.train.inference.SlidingWindow.Options.of(patch, patch, patch).withBatchSize(batch);
            for (int s = 0; s < steps; s++) {
                long t0 = System.nanoTime();
                int windows;
                try (TensorScope scope = new TensorScope();
                     var r = org.voxelforge.train.inference.SlidingWindow.predict(ensemble, image, options)) {
                    windows = r.stats().windows();
                }
                ms[s] = (System.nanoTime() - t0) / 1e6;
                System.out.printf(Locale.ROOT, "case %3d  %9.2f ms  (%d windows)%n", s + 1, ms[s], windows);
            }
        }
        return ms;
    }

    /**
     * Benchmark labels [batch, patch^3], row-major: 0..classes-1 in spherical shells around the
     * centre, shifted by one voxel in y per sample (TrainStepTiming and the PyTorch peers use the same).
     */
    public static long[] shellLabels(int batch, int patch, int classes) {
        long[] l = new long[batch * patch * patch * patch];
        double c = (patch - 1) / 2.0;
        for (int b = 0, i = 0; b < batch; b++)
            for (int z = 0; z < patch; z++)
                for (int y = 0; y < patch; y++)
                    for (int x = 0; x < patch; x++, i++) {
                        double r = Math.sqrt((z - c) * (z - c) + (y - c - b) * (y - c - b) + (x - c) * (x - c)) / patch;
                        l[i] = Math.min(classes - 1, (long) (r * 2 * classes));
                    }
        return l;
    }

    private double[] conv3d(Device d) {
        System.out.printf(Locale.ROOT, "conv3d %d -> %d channels, 3x3x3, pad 1, input [%d, %d, %d^3]: forward + backward data + backward weight%n",
                channels, channels, batch, channels, patch);
        double[] ms = new double[steps];
        RandomGenerator rng = new RandomGenerator(3);
        try (TensorScope outer = new TensorScope()) {
            Tensor x = rng.fill(RandomGenerator.Distribution.NORMAL, 0, 1, DType.FLOAT32, batch, channels, patch, patch, patch).to(d);
            Tensor w = rng.fill(RandomGenerator.Distribution.NORMAL, 0, 0.05, DType.FLOAT32, channels, channels, 3, 3, 3).to(d);
            var backend = Backends.forDevice(d);
            Conv3dParams p = Conv3dParams.of(1, 1);
            for (int s = 0; s < steps; s++) {
                long t0 = System.nanoTime();
                try (TensorScope scope = new TensorScope()) {
                    Tensor y = backend.conv3d(x, w, null, p);
                    Tensor gx = backend.conv3dBackwardData(y, w, x.shape(), p);
                    Tensor gw = backend.conv3dBackwardWeight(y, x, w.shape(), p);
                    gx.getFlat(0); // waits for the device
                    gw.getFlat(0);
                }
                ms[s] = (System.nanoTime() - t0) / 1e6;
                System.out.printf(Locale.ROOT, "rep %3d  %9.2f ms%n", s + 1, ms[s]);
            }
        }
        return ms;
    }
}
