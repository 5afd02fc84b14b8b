package org.voxelforge.nn.models;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;
import org.voxelforge.autograd.Variable;
import org.voxelforge.core.DType;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.nn.Module;
import org.voxelforge.nn.layers.Conv3d;
import org.voxelforge.nn.layers.ConvTranspose3d;
import org.voxelforge.nn.layers.LeakyReLU;
import org.voxelforge.nn.layers.Sequential;

/**
 * nnU-Net's dynamic U-Net ({@code PlainConvUNet}, or {@code ResidualEncoderUNet} with
 * {@link Plan#residualEncoder}), configured by a {@link Plan} of per-stage kernels and strides.
 *
 * <p>Layers, for S stages with features f_s = min(base * 2^s, max) (or base for "pocket"):
 * <pre>
 *   encoder.stages.s.0     StackedConvBlocks(convsPerStage, f_{s-1} -> f_s, kernel_s, stride_s on the first conv)
 *                          each conv: Conv3d(bias) -> InstanceNorm3d(affine) -> LeakyReLU(0.01)
 *   (residual encoder:)    encoder.stem = StackedConvBlocks(1, in -> f_0, kernel_0, stride 1)
 *                          encoder.stages.s = StackedResidualBlocks: blocks.b = BasicBlockD(f_{s-1} -> f_s, stride_s on b = 0)
 *   decoder, for d = 0 .. S-2 (lowest resolution first), with s = S-2-d the encoder stage it joins:
 *     decoder.transpconvs.d   ConvTranspose3d(f_{s+1} -> f_s, kernel = stride = stride_{s+1}, bias)
 *     decoder.stages.d        StackedConvBlocks(convsPerDecoderStage, 2 f_s -> f_s, kernel_s, stride 1) on [up, skip_s]
 *     decoder.seg_layers.d    Conv3d(f_s -> classes, 1x1x1, bias)
 * </pre>
 * Parameter names are exactly PyTorch's {@code named_parameters()} of the nnU-Net
 * (dynamic_network_architectures) classes, so weights map one to one (nnU-Net's decoder also
 * holds a reference to the encoder; PyTorch lists those parameters once, under encoder).
 *
 * <p>{@link #forward} returns the full-resolution logits; {@link #forwardDeep} returns one
 * output per decoder stage, highest resolution first, for deep supervision.
 */
public final class DynamicUNet extends Module {

    /**
     * @param kernelSizes per stage (D, H, W)
     * @param strides per stage (D, H, W), the first all ones
     * @param blocksPerStage residual blocks per encoder stage (residual encoder only; else ignored)
     * @param pocket keep the feature count at {@code baseFeatures} in every stage
     */
    public record Plan(int inChannels, int numClasses, int[][] kernelSizes, int[][] strides, int baseFeatures, int maxFeatures,
                       int convsPerStage, int convsPerDecoderStage, boolean residualEncoder, int[] blocksPerStage,
                       boolean pocket, DType dtype, long seed) {
        public Plan {
            if (kernelSizes.length != strides.length || kernelSizes.length < 2) {
                throw new IllegalArgumentException("DynamicUNet.Plan: needs >= 2 stages with one kernel and one stride each, got "
                        + kernelSizes.length + " kernels and " + strides.length + " strides");
            }
            for (int s = 0; s < strides.length; s++) {
                if (kernelSizes[s].length != 3 || strides[s].length != 3) {
                    throw new IllegalArgumentException("DynamicUNet.Plan: stage " + s + " kernel " + Arrays.toString(kernelSizes[s])
                            + " and stride " + Arrays.toString(strides[s]) + " need 3 values (D, H, W)");
                }
            }
            if (Arrays.stream(strides[0]).anyMatch(v -> v != 1)) {
                throw new IllegalArgumentException("DynamicUNet.Plan: the first stage's stride must be [1, 1, 1], got " + Arrays.toString(strides[0]));
            }
            if (residualEncoder && (blocksPerStage == null || blocksPerStage.length != strides.length)) {
                throw new IllegalArgumentException("DynamicUNet.Plan: a residual encoder needs blocksPerStage for each of the "
                        + strides.length + " stages, got " + Arrays.toString(blocksPerStage));
            }
            if (inChannels < 1 || numClasses < 1 || baseFeatures < 1 || maxFeatures < baseFeatures || convsPerStage < 1 || convsPerDecoderStage < 1) {
                throw new IllegalArgumentException("DynamicUNet.Plan: channel counts and conv counts must be >= 1 and max >= base features");
            }
        }

        /** nnU-Net's defaults: 32 base features doubling to 320, two convs per stage in encoder and decoder, float32, seed 0. */
        public static Plan nnUNet(int inChannels, int numClasses, int[][] kernelSizes, int[][] strides) {
            return new Plan(inChannels, numClasses, kernelSizes, strides, 32, 320, 2, 2, false, null, false, DType.FLOAT32, 0);
        }

        /** {@code stages} stages of 3x3x3 kernels, stride 2 after the first. */
        public static Plan isotropic(int inChannels, int numClasses, int stages) {
            int[][] k = new int[stages][], s = new int[stages][];
            for (int i = 0; i < stages; i++) {
                k[i] = new int[] {3, 3, 3};
                s[i] = i == 0 ? new int[] {1, 1, 1} : new int[] {2, 2, 2};
            }
            return nnUNet(inChannels, numClasses, k, s);
        }

        public Plan withFeatures(int base, int max) {
            return new Plan(inChannels, numClasses, kernelSizes, strides, base, max, convsPerStage, convsPerDecoderStage, residualEncoder, blocksPerStage, pocket, dtype, seed);
        }

        /** nnU-Net ResEnc: a stem, then BasicBlockD blocks per stage, and {@code decoderConvs} convs per decoder stage. */
        public Plan withResidualEncoder(int[] blocks, int decoderConvs) {
            return new Plan(inChannels, numClasses, kernelSizes, strides, baseFeatures, maxFeatures, convsPerStage, decoderConvs, true, blocks.clone(), pocket, dtype, seed);
        }

        public Plan withPocket(boolean on) {
            return new Plan(inChannels, numClasses, kernelSizes, strides, baseFeatures, maxFeatures, convsPerStage, convsPerDecoderStage, residualEncoder, blocksPerStage, on, dtype, seed);
        }

        public Plan withDtype(DType dt) {
            return new Plan(inChannels, numClasses, kernelSizes, strides, baseFeatures, maxFeatures, convsPerStage, convsPerDecoderStage, residualEncoder, blocksPerStage, pocket, dt, seed);
        }

        public Plan withSeed(long sd) {
            return new Plan(inChannels, numClasses, kernelSizes, strides, baseFeatures, maxFeatures, convsPerStage, convsPerDecoderStage, residualEncoder, blocksPerStage, pocket, dtype, sd);
        }

        public int stages() { return strides.length; }

        /** Feature count of each stage. */
        public int[] features() {
            int[] f = new int[stages()];
            for (int s = 0; s < f.length; s++) f[s] = pocket ? baseFeatures : (int) Math.min((long) baseFeatures << s, maxFeatures);
            return f;
        }
    }

    private final Plan plan;
    private final Encoder encoder;
    private final Decoder decoder;

    public DynamicUNet(Plan plan) {
        this.plan = plan;
        RandomGenerator rng = new RandomGenerator(plan.seed());
        Supplier<Module> nonlin = () -> new LeakyReLU(0.01);
        encoder = registerModule("encoder", new Encoder(plan, nonlin, rng));
        decoder = registerModule("decoder", new Decoder(plan, nonlin, rng));
    }

    public Plan plan() { return plan; }

    /** Full-resolution logits [N, classes, D, H, W]. */
    @Override public Variable forward(Variable x) {
        checkInput(x);
        return decoder.decode(encoder.skips(x), false).getFirst();
    }

    /** Logits of every decoder stage, highest resolution first (stage sizes follow the strides). */
    public List<Variable> forwardDeep(Variable x) {
        x = inInputFormat(x);
        checkInput(x);
        return decoder.decode(encoder.skips(x), true);
    }

    private void checkInput(Variable x) {
        int[] t = totalStride();
        if (x.rank() != 5 || x.dim(1) != plan.inChannels() || x.dim(2) % t[0] != 0 || x.dim(3) % t[1] != 0 || x.dim(4) % t[2] != 0) {
            throw new IllegalArgumentException("DynamicUNet: input must be [N, " + plan.inChannels() + ", D, H, W] with D, H, W divisible by the total stride "
                    + Arrays.toString(t) + ", got " + x.value().describe());
        }
    }

    /** Product of the strides per axis: input sizes must divide by it. */
    public int[] totalStride() {
        int[] t = {1, 1, 1};
        for (int[] s : plan.strides()) for (int a = 0; a < 3; a++) t[a] *= s[a];
        return t;
    }

    /** The encoder: stem (residual only) and stages; its forward returns the bottleneck. */
    static final class Encoder extends Module {
        private final StackedConvBlocks stem;
        private final Sequential stages;

        Encoder(Plan p, Supplier<Module> nonlin, RandomGenerator rng) {
            int[] f = p.features();
            int in = p.inChannels();
            if (p.residualEncoder()) {
                stem = registerModule("stem", new StackedConvBlocks(1, in, f[0], p.kernelSizes()[0], new int[] {1}, true,
                        NormKind.INSTANCE_AFFINE, nonlin, p.dtype(), rng));
                in = f[0];
            } else {
                stem = null;
            }
            stages = registerModule("stages", new Sequential());
            for (int s = 0; s < p.stages(); s++) {
                if (p.residualEncoder()) {
                    Sequential blocks = new Sequential();
                    for (int b = 0; b < p.blocksPerStage()[s]; b++) {
                        blocks.add(new BasicBlockD(b == 0 ? in : f[s], f[s], p.kernelSizes()[s], b == 0 ? p.strides()[s] : new int[] {1},
                                true, NormKind.INSTANCE_AFFINE, nonlin, p.dtype(), rng));
                    }
                    stages.add(new Named("blocks", blocks));
                } else {
                    stages.add(new Sequential(new StackedConvBlocks(p.convsPerStage(), in, f[s], p.kernelSizes()[s], p.strides()[s], true,
                            NormKind.INSTANCE_AFFINE, nonlin, p.dtype(), rng)));
                }
                in = f[s];
            }
        }

        /** The output of every stage, highest resolution first. */
        List<Variable> skips(Variable x) {
            if (stem != null) x = stem.apply(x);
            List<Variable> out = new ArrayList<>();
            for (Module st : stages.layers()) {
                x = st.apply(x);
                out.add(x);
            }
            return out;
        }

        @Override public Variable forward(Variable x) { return skips(x).getLast(); }
    }

    /** A module that holds one child under a given name and applies it (nnU-Net's StackedResidualBlocks.blocks). */
    static final class Named extends Module {
        private final Module inner;

        Named(String name, Module inner) { this.inner = registerModule(name, inner); }

        @Override public Variable forward(Variable x) { return inner.apply(x); }
    }

    /** The decoder: transposed convs, conv stages and segmentation heads, lowest resolution first. */
    static final class Decoder extends Module {
        private final Sequential stages, transpconvs, segLayers;

        Decoder(Plan p, Supplier<Module> nonlin, RandomGenerator rng) {
            int[] f = p.features();
            int n = p.stages();
            stages = registerModule("stages", new Sequential());
            transpconvs = registerModule("transpconvs", new Sequential());
            segLayers = registerModule("seg_layers", new Sequential());
            for (int d = 0; d < n - 1; d++) {
                int below = f[n - 1 - d], skip = f[n - 2 - d];
                int[] stride = p.strides()[n - 1 - d];
                transpconvs.add(ConvTranspose3d.upsampling(below, skip, stride, true, p.dtype(), rng));
                stages.add(new StackedConvBlocks(p.convsPerDecoderStage(), 2 * skip, skip, p.kernelSizes()[n - 2 - d], new int[] {1}, true,
                        NormKind.INSTANCE_AFFINE, nonlin, p.dtype(), rng));
                segLayers.add(new Conv3d(skip, p.numClasses(), new int[] {1}, org.voxelforge.core.Conv3dParams.DEFAULT, true, p.dtype(), rng));
            }
        }

        /** Logits, highest resolution first: all decoder stages when {@code deep}, else only the last. */
        List<Variable> decode(List<Variable> skips, boolean deep) {
            Variable x = skips.getLast();
            List<Variable> outs = new ArrayList<>();
            int n = stages.size();
            for (int d = 0; d < n; d++) {
                Variable up = transpconvs.get(d).apply(x);
                x = stages.get(d).apply(Variable.concat(List.of(up, skips.get(skips.size() - 2 - d)), 1));
                if (deep || d == n - 1) outs.add(segLayers.get(d).apply(x));
            }
            Collections.reverse(outs);
            return outs;
        }

        @Override public Variable forward(Variable x) {
            throw new UnsupportedOperationException("DynamicUNet.Decoder needs the encoder's skips; call DynamicUNet.forward");
        }
    }
}
