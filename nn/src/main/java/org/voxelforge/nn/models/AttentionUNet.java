package org.voxelforge.nn.models;

import java.util.ArrayList;
import java.util.List;
import org.voxelforge.autograd.Variable;
import org.voxelforge.core.Conv3dParams;
import org.voxelforge.core.DType;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.nn.Module;
import org.voxelforge.nn.layers.AttentionGate;
import org.voxelforge.nn.layers.Conv3d;
import org.voxelforge.nn.layers.ConvTranspose3d;
import org.voxelforge.nn.layers.MaxPool3d;
import org.voxelforge.nn.layers.ReLU;
import org.voxelforge.nn.layers.Sequential;

/**
 * Attention U-Net (Oktay et al. 2018): a U-Net whose skip features pass through an
 * {@link AttentionGate} gated by the upsampled decoder feature. With features f_0..f_L:
 * <pre>
 *   encoders.i     two ConvNormAct(3x3x3, bias, norm, ReLU): f_{i-1} -> f_i -> f_i; MaxPool3d(2) before i > 0
 *   for each decoder level d (lowest first), joining encoder level s = L-1-d:
 *     upconvs.d    ConvTranspose3d(f_{s+1} -> f_s, 2, stride 2)       g = upconvs.d(x)
 *     gates.d      AttentionGate(F_g = f_s, F_x = f_s, F_int = max(1, f_s/2))   x_s' = gate(g, skip_s)
 *     decoders.d   two ConvNormAct: 2 f_s -> f_s -> f_s on [x_s', g]
 *   head           Conv3d(f_0 -> classes, 1x1x1, bias)
 * </pre>
 */
public final class AttentionUNet extends Module {
    public record Options(int inChannels, int numClasses, int[] features, NormKind norm, DType dtype, long seed) {
        public Options {
            if (inChannels < 1 || numClasses < 1 || features == null || features.length < 2) {
                throw new IllegalArgumentException("AttentionUNet.Options: channels >= 1 and >= 2 feature levels required");
            }
            features = features.clone();
        }

        /** Features 32, 64, 128, 256, 512 with BatchNorm. */
        public static Options standard(int inChannels, int numClasses) {
            return new Options(inChannels, numClasses, new int[] {32, 64, 128, 256, 512}, NormKind.BATCH, DType.FLOAT32, 0);
        }
    }

    private final Sequential encoders, upconvs, gates, decoders;
    private final Conv3d head;
    private final MaxPool3d pool = new MaxPool3d(2);
    private final int levels;

    public AttentionUNet(Options o) {
        RandomGenerator rng = new RandomGenerator(o.seed());
        int[] f = o.features();
        levels = f.length;
        encoders = registerModule("encoders", new Sequential());
        upconvs = registerModule("upconvs", new Sequential());
        gates = registerModule("gates", new Sequential());
        decoders = registerModule("decoders", new Sequential());
        int in = o.inChannels();
        for (int i = 0; i < levels; i++) {
            encoders.add(block(in, f[i], o, rng));
            in = f[i];
        }
        for (int s = levels - 2; s >= 0; s--) {
            upconvs.add(ConvTranspose3d.upsampling(f[s + 1], f[s], new int[] {2}, true, o.dtype(), rng));
            gates.add(new AttentionGate(f[s], f[s], Math.max(1, f[s] / 2), o.dtype(), rng));
            decoders.add(block(2 * f[s], f[s], o, rng));
        }
        head = registerModule("head", new Conv3d(f[0], o.numClasses(), new int[] {1}, Conv3dParams.DEFAULT, true, o.dtype(), rng));
    }

    private static Module block(int in, int out, Options o, RandomGenerator rng) {
        return new Sequential(
                new ConvNormAct(in, out, new int[] {3}, new int[] {1}, 1, true, o.norm(), new ReLU(), o.dtype(), rng),
                new ConvNormAct(out, out, new int[] {3}, new int[] {1}, 1, true, o.norm(), new ReLU(), o.dtype(), rng));
    }

    @Override public Variable forward(Variable x) {
        List<Variable> skips = new ArrayList<>();
        for (int i = 0; i < levels; i++) {
            x = encoders.get(i).apply(i == 0 ? x : pool.apply(x));
            skips.add(x);
        }
        for (int d = 0; d < levels - 1; d++) {
            Variable g = upconvs.get(d).apply(x);
            Variable gated = ((AttentionGate) gates.get(d)).gate(g, skips.get(levels - 2 - d));
            x = decoders.get(d).apply(Variable.concat(List.of(gated, g), 1));
        }
        return head.apply(x);
    }
}
