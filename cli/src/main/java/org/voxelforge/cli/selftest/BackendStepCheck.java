package org.voxelforge.cli.selftest;

import java.util.Locale;
import java.util.Map;
import org.voxelforge.core.Device;
import org.voxelforge.core.MemoryFormat;
import org.voxelforge.core.cuda.CudaBackend;

/**
 * The CUDA backend end to end: {@link UNetCheck}'s training step (DynamicUNet forward with
 * instance norm and LeakyReLU, Dice + cross-entropy, backward) with everything on a device,
 * against the same step on the CPU. Loss within 1e-4 relative; each gradient within 1e-3 of its
 * largest |value| (float32 sums in another order, over a whole network), that scale floored at
 * 1e-3 of the largest gradient of the network: a conv bias before instance norm has a gradient
 * that is zero in exact arithmetic, so both sides hold rounding noise there. Reports the ops that
 * ran on the host instead of the device. The channels-last variant runs the device step with the
 * network's input packed channels-last (every op there keeps the layout: on a GPU, cuDNN's NHWC
 * convolutions) and also fails when the logits come back in another layout.
 */
final class BackendStepCheck {
    static final String NAME = " backend unet step vs cpu", CHANNELS_LAST_NAME = " backend unet step channels-last vs cpu";

    private BackendStepCheck() {}

    static SelfTestCheck of(String label, Device device, int size) {
        String name = label + NAME;
        return SelfTestCheck.of(name, () -> run(name, device, size, MemoryFormat.CONTIGUOUS));
    }

    static SelfTestCheck channelsLast(String label, Device device, int size) {
        String name = label + CHANNELS_LAST_NAME;
        return SelfTestCheck.of(name, () -> run(name, device, size, MemoryFormat.CHANNELS_LAST));
    }

    /** The ops that ran on the host instead of the device since {@code before} (CudaBackend's counts): "op xN, ..." or "none". */
    static String hostOps(Map<String, Long> before) {
        StringBuilder host = new StringBuilder();
        CudaBackend.hostFallbacks().forEach((op, n) -> {
            long d = n - before.getOrDefault(op, 0L);
            if (d > 0) host.append(host.isEmpty() ? "" : ", ").append(op).append(" x").append(d);
        });
        return host.isEmpty() ? "none" : host.toString();
    }

    private static SelfTestResult run(String name, Device device, int size, MemoryFormat format) {
        int stages = 3;
        long seed = 40;
        Map<String, Long> before = CudaBackend.hostFallbacks();
        UNetCheck.Step want = UNetCheck.step(size, stages, seed), got = UNetCheck.step(size, stages, seed, device, format);
        if (got.logitsFormat() != format) {
            return SelfTestResult.fail(name, "the logits came back " + got.logitsFormat().label() + " from a " + format.label() + " network on "
                    + device + ": an op lost the layout");
        }
        if (!(Math.abs(want.loss() - got.loss()) <= 1e-4 * (1 + Math.abs(want.loss())))) {
            return SelfTestResult.fail(name, "loss " + got.loss() + " on " + device + ", " + want.loss() + " on the CPU");
        }
        double global = 0;
        for (float[] w : want.grads()) if (w != null) for (float v : w) global = Math.max(global, Math.abs(v));
        double worst = 0;
        String where = "";
        for (int i = 0; i < want.names().size(); i++) {
            float[] w = want.grads().get(i), g = got.grads().get(i);
            if (w == null && g == null) continue;
            if (w == null || g == null) return SelfTestResult.fail(name, want.names().get(i) + " has a gradient on one side only");
            double scale = 0, err = 0;
            for (float v : w) scale = Math.max(scale, Math.abs(v));
            for (int j = 0; j < w.length; j++) {
                if (Float.isNaN(g[j])) return SelfTestResult.fail(name, want.names().get(i) + "[" + j + "] is NaN on " + device);
                err = Math.max(err, Math.abs(w[j] - g[j]));
            }
            double rel = err / Math.max(scale, 1e-3 * global);
            if (rel > worst) {
                worst = rel;
                where = want.names().get(i);
            }
        }
        String detail = String.format(Locale.ROOT, "%s, %d^3, %d stages: loss %.6f (cpu %.6f); worst gradient error %.2e of its scale (%s); host ops: %s",
                format.label(), size, stages, got.loss(), want.loss(), worst, where, hostOps(before));
        return worst <= 1e-3 ? SelfTestResult.pass(name, detail) : SelfTestResult.fail(name, detail);
    }
}
