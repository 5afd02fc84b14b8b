package org.voxelforge.nn.models;

import java.util.ArrayList;
import java.util.List;
import org.voxelforge.autograd.Variable;
import org.voxelforge.core.Conv3dParams;
import org.voxelforge.core.DType;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.nn.Module;
import org.voxelforge.nn.layers.Conv3d;
import org.voxelforge.nn.layers.ConvTranspose3d;
import org.voxelforge.nn.layers.MaxPool3d;
import org.voxelforge.nn.layers.ReLU;
import org.voxelforge.nn.layers.Sequential;

/**
 * The classic 3D U-Net of Cicek et al. 2016, with "same" padding (the paper uses valid
 * convolutions and crops the skips; padding changes no parameter count). With base b (32 in the
 * paper) and 4 levels:
 * <pre>
 *   encoders.0   conv(in -> b) conv(b -> 2b)                    then MaxPool3d(2)
 *   encoders.1   conv(2b -> 2b) conv(2b -> 4b)                  then MaxPool3d(2)
 *   encoders.2   conv(4b -> 4b) conv(4b -> 8b)                  then MaxPool3d(2)
 *   encoders.3   conv(8b -> 8b) conv(8b -> 16b)                 (bottom)
 *   upconvs.i    ConvTranspose3d(C -> C, 2, stride 2) keeping the channels (C = 16b, 8b, 4b)
 *   decoders.i   conv(C + C/2 -> C/2) conv(C/2 -> C/2) on [up, skip] (C/2 = the skip's channels)
 *   head         Conv3d(2b -> classes, 1x1x1)
 *   conv = Conv3d(3x3x3, padding 1, bias) -> BatchNorm3d -> ReLU; names encoders.i.convs.j.{conv,norm}
 * </pre>
 */
public final class UNet3D extends Module {
    /** @param levels resolution levels (4 in the paper), @param base first conv's channels (32) */
    public record Options(int inChannels, int numClasses, int base, int levels, NormKind norm, DType dtype, long seed) {
        public Options {
            if (inChannels < 1 || numClasses < 1 || base < 1 || levels < 2) {
                throw new IllegalArgumentException("UNet3D.Options: channels >= 1 and levels >= 2 required, got " + this);
            }
        }

        /** The paper's network: base 32, 4 levels, BatchNorm. */
        public static Options paper(int inChannels, int numClasses) {
            return new Options(inChannels, numClasses, 32, 4, NormKind.BATCH, DType.FLOAT32, 0);
        }
    }

    private final Sequential encoders, upconvs, decoders;
    private final Conv3d head;
    private final MaxPool3d pool = new MaxPool3d(2);
    private final int levels;

    public UNet3D(Options o) {
        RandomGenerator rng = new RandomGenerator(o.seed());
        levels = o.levels();
        encoders = registerModule("encoders", new Sequential());
        upconvs = registerModule("upconvs", new Sequential());
        decoders = registerModule("decoders", new Sequential());
        int in = o.inChannels();
        int[] out = new int[levels];
        for (int l = 0; l < levels; l++) {
            int mid = o.base() << l;         // b, 2b, 4b, 8b
            out[l] = 2 * mid;                // 2b, 4b, 8b, 16b
            encoders.add(block(in, mid, out[l], o, rng));
            in = out[l];
        }
        for (int l = levels - 2; l >= 0; l--) {
            int c = out[l + 1];
            upconvs.add(ConvTranspose3d.upsampling(c, c, new int[] {2}, true, o.dtype(), rng));
            decoders.add(block(c + out[l], out[l], out[l], o, rng));
        }
        head = registerModule("head", new Conv3d(o.base() * 2, o.numClasses(), new int[] {1}, Conv3dParams.DEFAULT, true, o.dtype(), rng));
    }

    private static Module block(int in, int mid, int out, Options o, RandomGenerator rng) {
        Sequential convs = new Sequential();
        convs.add(new ConvNormAct(in, mid, new int[] {3}, new int[] {1}, 1, true, o.norm(), new ReLU(), o.dtype(), rng));
        convs.add(new ConvNormAct(mid, out, new int[] {3}, new int[] {1}, 1, true, o.norm(), new ReLU(), o.dtype(), rng));
        return new DynamicUNet.Named("convs", convs);
    }

    @Override public Variable forward(Variable x) {
        List<Variable> skips = new ArrayList<>();
        for (int l = 0; l < levels; l++) {
            if (l > 0) x = pool.apply(x);
            x = encoders.get(l).apply(x);
            skips.add(x);
        }
        for (int d = 0; d < levels - 1; d++) {
            Variable up = upconvs.get(d).apply(x);
            x = decoders.get(d).apply(Variable.concat(List.of(up, skips.get(levels - 2 - d)), 1));
        }
        return head.apply(x);
    }
}
