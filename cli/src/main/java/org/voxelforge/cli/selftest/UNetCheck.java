package org.voxelforge.cli.selftest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.voxelforge.autograd.Variable;
import org.voxelforge.core.Device;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;
import org.voxelforge.nn.loss.DiceCeLoss;
import org.voxelforge.nn.models.DynamicUNet;

/**
 * A tiny DynamicUNet training step end to end (forward, Dice + cross-entropy, backward): the
 * loss must be finite, every gradient finite, and the gradient must reach the first conv. Then
 * determinism: two steps from the same seed give bitwise the same loss and gradients (the CPU
 * kernels sum in a fixed order whatever the thread count, so any difference is a bug).
 */
final class UNetCheck {
    private UNetCheck() {}

    /**
     * One step's loss and every parameter's gradient (null for the deep-supervision heads, which
     * the full-resolution forward does not use), by name in registration order, and the memory
     * format the logits came back in.
     */
    record Step(double loss, List<String> names, List<float[]> grads, org.voxelforge.core.MemoryFormat logitsFormat) {}

    static List<SelfTestCheck> all(int size, int stages, long seed) {
        String step = "cpu unet train step " + size + "^3", repro = "cpu unet reproducible (bitwise)";
        return List.of(SelfTestCheck.of(step, () -> trainStep(step, size, stages, seed)),
                SelfTestCheck.of(repro, () -> reproducible(repro, size, stages, seed)));
    }

    static Step step(int size, int stages, long seed) { return step(size, stages, seed, Device.CPU); }

    /** The same step with the network, image and labels on {@code device} (built on the CPU from the seed, then moved). */
    static Step step(int size, int stages, long seed, Device device) {
        return step(size, stages, seed, device, org.voxelforge.core.MemoryFormat.CONTIGUOUS);
    }

    /** The same step with the network computing in {@code format} ({@link org.voxelforge.nn.Module#inputFormat}). */
    static Step step(int size, int stages, long seed, Device device, org.voxelforge.core.MemoryFormat format) {
        DynamicUNet.Plan plan = DynamicUNet.Plan.isotropic(1, 2, stages).withFeatures(4, 16).withSeed(seed);
        try (TensorScope scope = new TensorScope(); DynamicUNet net = new DynamicUNet(plan)) {
            net.to(device);
            net.inputFormat(format);
            RandomGenerator rng = new RandomGenerator(seed + 1);
            Tensor image = rng.normal(0, 1, 1, 1, size, size, size);
            long[] labels = new long[size * size * size];
            double c = (size - 1) / 2.0, r = size / 4.0;
            for (int z = 0, i = 0; z < size; z++) for (int y = 0; y < size; y++) for (int x = 0; x < size; x++, i++) {
                labels[i] = (z - c) * (z - c) + (y - c) * (y - c) + (x - c) * (x - c) < r * r ? 1 : 0;
            }
            Variable logits = net.apply(Variable.constant(image.to(device)));
            Variable loss = DiceCeLoss.mist().compute(logits, Tensor.ofLongs(labels, 1, size, size, size).to(device), null);
            loss.backward();
            List<String> names = new ArrayList<>();
            List<float[]> grads = new ArrayList<>();
            for (Map.Entry<String, Variable> e : net.namedParameters().entrySet()) {
                names.add(e.getKey());
                Tensor g = e.getValue().grad();
                grads.add(g == null ? null : g.toFloatArray());
            }
            return new Step(loss.value().item(), names, grads, logits.value().memoryFormat());
        }
    }

    private static SelfTestResult trainStep(String name, int size, int stages, long seed) {
        Step s = step(size, stages, seed);
        if (!Double.isFinite(s.loss())) return SelfTestResult.fail(name, "loss is " + s.loss());
        double sq = 0;
        int withGrad = 0;
        for (int i = 0; i < s.names().size(); i++) {
            float[] g = s.grads().get(i);
            if (g == null) continue;
            withGrad++;
            for (float v : g) {
                if (!Float.isFinite(v)) return SelfTestResult.fail(name, "parameter " + s.names().get(i) + " has a gradient of " + v);
                sq += (double) v * v;
            }
        }
        // the first parameter is the first conv's weight: the gradient must have travelled the whole net
        float[] first = s.grads().getFirst();
        boolean reached = false;
        if (first != null) for (float v : first) reached |= v != 0;
        if (!reached) return SelfTestResult.fail(name, "the gradient of " + s.names().getFirst() + " (the first layer) is all zero");
        return SelfTestResult.pass(name, String.format(java.util.Locale.ROOT, "%d stages, features 4..16; loss %.5f; %d of %d parameter tensors"
                + " in the graph, gradient norm %.4g", stages, s.loss(), withGrad, s.names().size(), Math.sqrt(sq)));
    }

    private static SelfTestResult reproducible(String name, int size, int stages, long seed) {
        Step a = step(size, stages, seed), b = step(size, stages, seed);
        if (Double.doubleToRawLongBits(a.loss()) != Double.doubleToRawLongBits(b.loss())) {
            return SelfTestResult.fail(name, "loss " + a.loss() + " then " + b.loss());
        }
        for (int i = 0; i < a.names().size(); i++) {
            float[] ga = a.grads().get(i), gb = b.grads().get(i);
            if (ga == null && gb == null) continue; // not in the graph either time
            if (ga == null || gb == null) return SelfTestResult.fail(name, "parameter " + a.names().get(i) + " got a gradient only once");
            for (int j = 0; j < ga.length; j++) {
                if (Float.floatToRawIntBits(ga[j]) != Float.floatToRawIntBits(gb[j])) {
                    return SelfTestResult.fail(name, "gradient of " + a.names().get(i) + "[" + j + "] is " + ga[j] + " then " + gb[j]);
                }
            }
        }
        return SelfTestResult.pass(name, "two steps from seed " + seed + ": loss " + a.loss() + " both times, every gradient equal");
    }
}
