package org.voxelforge.cli;

import java.util.Locale;
import org.voxelforge.core.Backends;
import org.voxelforge.core.DType;
import org.voxelforge.core.Device;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;
import org.voxelforge.core.cuda.CudaBackend;
import org.voxelforge.core.fused.DiceCe;

/**
 * {@code voxelforge bench norm-loss}: the memory-bound fused kernels against the device's own
 * copy bandwidth. Times, on [batch, channels, edge^3] float32: a device-to-device memcpy of the
 * tensor (the reference: 2 bytes moved per byte of tensor), group norm + LeakyReLU forward (reads
 * x twice, writes y: 3) and backward (reads x and dy twice, writes dx: 5), and the fused softmax
 * Dice + CE statistics (reads the logits and labels once) and backward (reads both, writes the
 * gradient) on [batch, classes, edge^3]. Each kernel's effective bandwidth is its minimum bytes
 * over its time; the goal is at least 70% of the copy's.
 */
final class BandwidthBench {
    private BandwidthBench() {}

    static double[] run(Device d, int batch, int channels, int edge, int steps) {
        if (d.isCpu()) throw new IllegalArgumentException("bench norm-loss: needs --device cuda or emulator (it measures device kernels)");
        CudaBackend cuda = (CudaBackend) Backends.forDevice(d);
        int s = edge * edge * edge, classes = 4;
        long bytes = 4L * batch * channels * s;
        System.out.printf(Locale.ROOT, "memory-bound kernels on [%d, %d, %d^3] float32 (%.1f MiB), Dice+CE on [%d, %d, %d^3]%n",
                batch, channels, edge, bytes / 1048576.0, batch, classes, edge);
        double[] copyMs = new double[steps], fwdMs = new double[steps], bwdMs = new double[steps], lossMs = new double[steps],
                lossBwdMs = new double[steps];
        try (TensorScope scope = new TensorScope()) {
            RandomGenerator rng = new RandomGenerator(3);
            Tensor x = rng.fill(RandomGenerator.Distribution.NORMAL, 0, 1, DType.FLOAT32, batch, channels, edge, edge, edge).to(d);
            Tensor dy = rng.fill(RandomGenerator.Distribution.NORMAL, 0, 1, DType.FLOAT32, batch, channels, edge, edge, edge).to(d);
            Tensor copy = Tensor.zeros(d, DType.FLOAT32, batch, channels, edge, edge, edge);
            Tensor gamma = Tensor.full(d, 1.0, DType.FLOAT32, channels), beta = Tensor.zeros(d, DType.FLOAT32, channels);
            Tensor logits = rng.fill(RandomGenerator.Distribution.NORMAL, 0, 1, DType.FLOAT32, batch, classes, edge, edge, edge).to(d);
            Tensor labels = Tensor.ofLongs(BenchCommand.shellLabels(batch, edge, classes), batch, edge, edge, edge).cast(DType.INT32).to(d);
            DiceCe.Geometry geo = new DiceCe.Geometry(batch, classes, s);
            DiceCe.Options options = DiceCe.Options.mist();
            for (int i = 0; i < steps; i++) {
                copyMs[i] = time(() -> {
                    cuda.accelerator().copyDeviceToDevice(copy.storage().pointer(), x.storage().pointer(), bytes);
                    return copy;
                });
                Tensor[][] fwd = new Tensor[1][];
                fwdMs[i] = time(() -> (fwd[0] = cuda.groupNormAct(x, gamma, beta, 8, 1e-5, 0.01))[0]);
                Tensor[][] bwd = new Tensor[1][];
                bwdMs[i] = time(() -> (bwd[0] = cuda.groupNormActBackward(x, dy, gamma, beta, fwd[0][1], fwd[0][2], 8, 0.01))[0]);
                double[][] stats = new double[1][];
                lossMs[i] = time(() -> {
                    stats[0] = cuda.diceCeStatistics(logits, labels, null); // returns on the host: has waited
                    return null;
                });
                DiceCe.Result r = DiceCe.finish(geo, stats[0], options, 1.0);
                Tensor[] g = new Tensor[1];
                lossBwdMs[i] = time(() -> g[0] = cuda.diceCeBackward(logits, labels, null, r, options.squared()));
                for (Tensor t : fwd[0]) t.close();
                for (Tensor t : bwd[0]) if (t != null) t.close();
                g[0].close();
                System.out.printf(Locale.ROOT, "rep %3d  copy %8.3f  norm fwd %8.3f  norm bwd %8.3f  dice+ce stats %8.3f  dice+ce bwd %8.3f ms%n",
                        i + 1, copyMs[i], fwdMs[i], bwdMs[i], lossMs[i], lossBwdMs[i]);
            }
        }
        long logitBytes = 4L * batch * classes * s, labelBytes = 4L * batch * s;
        double copyGbs = report("device-to-device copy", 2 * bytes, copyMs, 0);
        report("group norm + leaky relu forward", 3 * bytes, fwdMs, copyGbs);
        report("group norm + leaky relu backward", 5 * bytes, bwdMs, copyGbs);
        report("softmax dice + ce statistics", logitBytes + labelBytes, lossMs, copyGbs);
        report("softmax dice + ce backward", 2 * logitBytes + labelBytes, lossBwdMs, copyGbs);
        return fwdMs;
    }

    /**
     * Wall time of {@code r} in ms, including the wait for the device: reading one element of the
     * tensor it returns queues behind its kernels on the one stream (null: r has waited itself).
     */
    private static double time(java.util.function.Supplier<Tensor> r) {
        long t0 = System.nanoTime();
        Tensor out = r.get();
        if (out != null) out.getFlat(0);
        return (System.nanoTime() - t0) / 1e6;
    }

    private static double report(String what, long bytesMoved, double[] ms, double copyGbs) {
        double[] tail = java.util.Arrays.copyOfRange(ms, ms.length / 2, ms.length);
        java.util.Arrays.sort(tail);
        double med = tail[tail.length / 2], gbs = bytesMoved / (med * 1e-3) / 1e9;
        System.out.printf(Locale.ROOT, "steady %-34s %9.3f ms  %8.1f GB/s%s%n", what, med, gbs,
                copyGbs > 0 ? String.format(Locale.ROOT, "  (%.0f%% of the copy's)", 100 * gbs / copyGbs) : "");
        return gbs;
    }
}
