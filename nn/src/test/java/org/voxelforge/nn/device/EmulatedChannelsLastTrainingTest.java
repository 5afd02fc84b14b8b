package org.voxelforge.nn.device;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.voxelforge.autograd.Variable;
import org.voxelforge.core.DType;
import org.voxelforge.core.Device;
import org.voxelforge.core.MemoryFormat;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;
import org.voxelforge.core.cuda.CudaBackend;
import org.voxelforge.core.cuda.EmulatedKernels;
import org.voxelforge.nn.Module;
import org.voxelforge.nn.layers.NormActivationFusion;
import org.voxelforge.nn.loss.DeepSupervisionLoss;
import org.voxelforge.nn.loss.Losses;
import org.voxelforge.nn.models.DynamicUNet;

/**
 * A network computing channels-last end to end on the CUDA backend (over the emulator): the same
 * DynamicUNet twice from one seed, one fed NCDHW, one with {@code inputFormat(CHANNELS_LAST)};
 * every block's output (convs, fused norm + LeakyReLU, transposed convs, heads) must be
 * channels-last in the second, with the deep-supervision Dice + CE loss and every parameter
 * gradient equal to the NCDHW run's within float32 reordering, and no op on the host.
 */
class EmulatedChannelsLastTrainingTest {
    static final int SIZE = 8, BATCH = 2;

    @Test void channelsLastStaysChannelsLastAndMatchesNcdhw() {
        for (int channels : new int[] {2, 1}) check(channels); // 1: a packed [N, 1, D, H, W] input must still lead to channels-last
    }

    private void check(int inChannels) {
        EmulatedKernels.Availability a = EmulatedKernels.availability();
        Assumptions.assumeTrue(a.available(), "kernel emulator unavailable: " + a.reason());
        DynamicUNet.Plan plan = DynamicUNet.Plan.isotropic(inChannels, 3, 3).withFeatures(4, 16).withSeed(11);
        String old = System.getProperty("voxelforge.cuda.hostFallback");
        System.setProperty("voxelforge.cuda.hostFallback", "error");
        try (TensorScope outer = new TensorScope(); DynamicUNet ncdhw = new DynamicUNet(plan); DynamicUNet last = new DynamicUNet(plan)) {
            ncdhw.to(Device.EMULATOR);
            last.to(Device.EMULATOR);
            last.inputFormat(MemoryFormat.CHANNELS_LAST);
            List<String> notChannelsLast = new ArrayList<>();
            int[] seen = {0};
            hookBlocks(last, "", (name, y) -> {
                seen[0]++;
                if (y.rank() == 5 && y.memoryFormat() != MemoryFormat.CHANNELS_LAST) {
                    notChannelsLast.add(name + " " + y.describe() + " strides " + java.util.Arrays.toString(y.strides()));
                }
            });
            Tensor image = image(inChannels).to(Device.EMULATOR), labels = labels().to(Device.EMULATOR);
            CudaBackend.resetHostFallbacks();
            double lossNcdhw = lossAndGrads(ncdhw, image, labels), lossLast = lossAndGrads(last, image, labels);
            assertTrue(seen[0] > 10, "the hooks saw the blocks (" + seen[0] + ")");
            assertEquals(List.of(), notChannelsLast.subList(0, Math.min(4, notChannelsLast.size())),
                    notChannelsLast.size() + " blocks' outputs lost the channels-last layout (input channels " + inChannels + "); the first");
            assertEquals(lossNcdhw, lossLast, 1e-5 * (1 + Math.abs(lossNcdhw)), "loss");
            Map<String, Variable> pn = ncdhw.namedParameters(), pl = last.namedParameters();
            for (String name : pn.keySet()) {
                Tensor gn = pn.get(name).grad(), gl = pl.get(name).grad();
                if (gn == null) { // a head nnU-Net's deep-supervision weights leave out
                    assertNull(gl, name + " has no gradient in NCDHW");
                    continue;
                }
                assertNotNull(gl, name + " has a gradient");
                assertTrue(gl.isContiguous(), name + ": parameter gradients stay contiguous, got strides " + java.util.Arrays.toString(gl.strides()));
                float[] want = gn.toFloatArray(), got = gl.toFloatArray();
                double scale = 0;
                for (float v : want) scale = Math.max(scale, Math.abs(v));
                for (int i = 0; i < want.length; i++) assertEquals(want[i], got[i], 1e-4 * (1 + scale), name + " grad [" + i + "]");
            }
            assertEquals(Map.of(), CudaBackend.hostFallbacks(), "ops that ran on the host");
        } finally {
            if (old == null) System.clearProperty("voxelforge.cuda.hostFallback");
            else System.setProperty("voxelforge.cuda.hostFallback", old);
        }
    }

    /** Hooks every descendant but norms and activations (a hook there would stop the norm + activation fusion). */
    private static void hookBlocks(Module m, String prefix, java.util.function.BiConsumer<String, Tensor> seen) {
        for (Map.Entry<String, Module> e : m.children().entrySet()) {
            Module c = e.getValue();
            String name = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            if (!(c instanceof NormActivationFusion.Norm) && !(c instanceof NormActivationFusion.Activation)) {
                c.registerForwardHook((mod, in, out) -> {
                    seen.accept(name, out.value());
                    return null;
                });
            }
            hookBlocks(c, name, seen);
        }
    }

    private static double lossAndGrads(DynamicUNet net, Tensor image, Tensor labels) {
        try (TensorScope s = new TensorScope()) {
            net.zeroGrad();
            List<Variable> heads = net.forwardDeep(Variable.constant(image));
            Variable loss = DeepSupervisionLoss.nnUNet(Losses.create("dice_ce"), heads.size()).compute(heads, labels, null);
            loss.backward();
            return loss.value().item();
        }
    }

    private static Tensor image(int channels) {
        return TensorScope.untrack(new RandomGenerator(3).fill(RandomGenerator.Distribution.NORMAL, 0, 1, DType.FLOAT32,
                BATCH, channels, SIZE, SIZE, SIZE));
    }

    private static Tensor labels() {
        long[] l = new long[BATCH * SIZE * SIZE * SIZE];
        RandomGenerator r = new RandomGenerator(4);
        for (int i = 0; i < l.length; i++) l[i] = (long) Math.floor(3 * Math.abs(r.nextGaussian()) / 2.5) % 3;
        return TensorScope.untrack(Tensor.ofLongs(l, BATCH, SIZE, SIZE, SIZE));
    }
}
