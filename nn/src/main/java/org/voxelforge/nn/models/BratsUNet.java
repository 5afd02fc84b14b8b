package org.voxelforge.nn.models;

import java.util.ArrayList;
import java.util.List;
import org.voxelforge.autograd.Variable;
import org.voxelforge.core.Conv3dParams;
import org.voxelforge.core.DType;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.core.UpsampleMode;
import org.voxelforge.nn.Module;
import org.voxelforge.nn.layers.CBAM;
import org.voxelforge.nn.layers.Conv3d;
import org.voxelforge.nn.layers.MaxPool3d;
import org.voxelforge.nn.layers.ReLU;
import org.voxelforge.nn.layers.Sequential;
import org.voxelforge.nn.layers.Upsample;

/**
 * The U-Net of the open BraTS 2020 solution (Henry et al., "Brain tumor segmentation with
 * self-ensembled, deeply-supervised 3D U-net neural networks"), written from the paper's
 * description: width w (48), features f = [w, 2w, 4w, 8w], every conv 3x3x3 without bias then
 * norm then ReLU ("ConvNormAct"), max pooling down, trilinear upsampling (align_corners true) up.
 * <pre>
 *   encoder1..4   UBlock(in -> f_i/2 -> f_i)   (two ConvNormAct; "equi" variant: f_i -> f_i)     MaxPool3d(2) between
 *   bottom        UBlock(f3 -> f3 -> f3) with dilation 2 in both convs (the pseudo fifth stage)
 *   bottom_2      ConvNormAct(2 f3 -> f2) on [down4, bottom]
 *   decoder3      UBlock(2 f2 -> f2 -> f1) on [down3, up(bottom_2)]
 *   decoder2      UBlock(2 f1 -> f1 -> f0) on [down2, up(decoder3)]
 *   decoder1      UBlock(2 f0 -> f0 -> f0/2) on [down1, up(decoder2)]
 *   outconv       Conv3d(f0/2 -> classes, 1x1x1, bias)
 *   deep supervision heads (1x1x1, bias, then trilinear upsampling to full size):
 *     deep_bottom (f3, x8), deep_bottom2 (f2, x8), deep3 (f1, x4), deep2 (f0, x2)
 *   cbam (option): CBAM(f_i, reduction min(16, f_i)) after each encoder block, as the paper's attention variant
 * </pre>
 * Names: encoderN.ConvBnRelu{1,2}.{conv,norm}, bottom..., outconv, deep_*, cbamN.channel_mlp/spatial_conv.
 */
public final class BratsUNet extends Module {
    public record Options(int inChannels, int numClasses, int width, NormKind norm, boolean equi, boolean cbam,
                          boolean deepSupervision, DType dtype, long seed) {
        public Options {
            if (inChannels < 1 || numClasses < 1 || width < 2 || width % 2 != 0) {
                throw new IllegalArgumentException("BratsUNet.Options: channels >= 1 and an even width >= 2 required, got " + this);
            }
            if (norm != NormKind.GROUP && norm != NormKind.INSTANCE && norm != NormKind.INSTANCE_AFFINE) {
                throw new IllegalArgumentException("BratsUNet.Options: norm must be GROUP or INSTANCE(_AFFINE), got " + norm);
            }
        }

        /** 4 MRI modalities, 3 tumour regions, width 48, group norm, deep supervision, no CBAM. */
        public static Options paper() { return new Options(4, 3, 48, NormKind.GROUP, false, false, true, DType.FLOAT32, 0); }
    }

    private final Module[] encoders = new Module[4];
    private final Module[] cbams = new Module[4];
    private final Module bottom, bottom2, decoder3, decoder2, decoder1;
    private final Conv3d outconv;
    private final Sequential deepBottom, deepBottom2, deep3, deep2;
    private final MaxPool3d pool = new MaxPool3d(2);
    private final Upsample up2 = Upsample.scale(UpsampleMode.TRILINEAR, true, 2);

    public BratsUNet(Options o) {
        RandomGenerator rng = new RandomGenerator(o.seed());
        int w = o.width();
        int[] f = {w, 2 * w, 4 * w, 8 * w};
        int in = o.inChannels();
        for (int i = 0; i < 4; i++) {
            encoders[i] = registerModule("encoder" + (i + 1), ublock(in, o.equi() ? f[i] : f[i] / 2, f[i], 1, o, rng));
            if (o.cbam()) cbams[i] = registerModule("cbam" + (i + 1), new CBAM(f[i], Math.min(16, f[i]), 7, o.dtype(), rng));
            in = f[i];
        }
        bottom = registerModule("bottom", ublock(f[3], f[3], f[3], 2, o, rng));
        bottom2 = registerModule("bottom_2", cna(2 * f[3], f[2], 1, o, rng));
        decoder3 = registerModule("decoder3", ublock(2 * f[2], f[2], f[1], 1, o, rng));
        decoder2 = registerModule("decoder2", ublock(2 * f[1], f[1], f[0], 1, o, rng));
        decoder1 = registerModule("decoder1", ublock(2 * f[0], f[0], f[0] / 2, 1, o, rng));
        outconv = registerModule("outconv", head(f[0] / 2, o, rng));
        if (o.deepSupervision()) {
            deepBottom = registerModule("deep_bottom", new Sequential(head(f[3], o, rng), Upsample.scale(UpsampleMode.TRILINEAR, true, 8)));
            deepBottom2 = registerModule("deep_bottom2", new Sequential(head(f[2], o, rng), Upsample.scale(UpsampleMode.TRILINEAR, true, 8)));
            deep3 = registerModule("deep3", new Sequential(head(f[1], o, rng), Upsample.scale(UpsampleMode.TRILINEAR, true, 4)));
            deep2 = registerModule("deep2", new Sequential(head(f[0], o, rng), Upsample.scale(UpsampleMode.TRILINEAR, true, 2)));
        } else {
            deepBottom = deepBottom2 = deep3 = deep2 = null;
        }
    }

    private static ConvNormAct cna(int in, int out, int dilation, Options o, RandomGenerator rng) {
        return new ConvNormAct(in, out, new int[] {3}, new int[] {1}, dilation, false, o.norm(), new ReLU(), o.dtype(), rng);
    }

    private static Module ublock(int in, int mid, int out, int dilation, Options o, RandomGenerator rng) {
        Sequential s = new Sequential();
        s.add("ConvBnRelu1", cna(in, mid, dilation, o, rng));
        s.add("ConvBnRelu2", cna(mid, out, dilation, o, rng));
        return s;
    }

    private static Conv3d head(int in, Options o, RandomGenerator rng) {
        return new Conv3d(in, o.numClasses(), new int[] {1}, Conv3dParams.DEFAULT, true, o.dtype(), rng);
    }

    private record Features(Variable out, Variable bottom, Variable bottom2, Variable up3, Variable up2) {}

    private Features run(Variable x) {
        if (x.rank() != 5 || x.dim(2) % 8 != 0 || x.dim(3) % 8 != 0 || x.dim(4) % 8 != 0) {
            throw new IllegalArgumentException("BratsUNet: input must be [N, C, D, H, W] with D, H, W divisible by 8, got " + x.value().describe());
        }
        Variable[] down = new Variable[4];
        for (int i = 0; i < 4; i++) {
            x = encoders[i].apply(i == 0 ? x : pool.apply(x));
            if (cbams[i] != null) x = cbams[i].apply(x);
            down[i] = x;
        }
        Variable b = bottom.apply(down[3]);
        Variable b2 = bottom2.apply(Variable.concat(List.of(down[3], b), 1));
        Variable u3 = decoder3.apply(Variable.concat(List.of(down[2], up2.apply(b2)), 1));
        Variable u2 = decoder2.apply(Variable.concat(List.of(down[1], up2.apply(u3)), 1));
        Variable u1 = decoder1.apply(Variable.concat(List.of(down[0], up2.apply(u2)), 1));
        return new Features(outconv.apply(u1), b, b2, u3, u2);
    }

    @Override public Variable forward(Variable x) { return run(x).out(); }

    /**
     * The main output then the deep-supervision outputs, all at full resolution, highest-resolution
     * source first: [out, deep2(up2), deep3(up3), deep_bottom2(bottom_2), deep_bottom(bottom)].
     */
    public List<Variable> forwardDeep(Variable x) {
        if (deep2 == null) throw new IllegalStateException("BratsUNet was built without deep supervision heads");
        Features r = run(x);
        List<Variable> outs = new ArrayList<>();
        outs.add(r.out());
        outs.add(deep2.apply(r.up2()));
        outs.add(deep3.apply(r.up3()));
        outs.add(deepBottom2.apply(r.bottom2()));
        outs.add(deepBottom.apply(r.bottom()));
        return outs;
    }
}
