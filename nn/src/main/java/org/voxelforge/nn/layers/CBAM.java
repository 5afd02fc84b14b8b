package org.voxelforge.nn.layers;

import java.util.List;
import org.voxelforge.autograd.Variable;
import org.voxelforge.core.Conv3dParams;
import org.voxelforge.core.DType;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.nn.Module;

/**
 * Convolutional Block Attention Module (Woo et al. 2018) for 3D features [N, C, D, H, W]:
 * <pre>
 *   channel:  Mc = sigmoid(mlp(avgpool(x)) + mlp(maxpool(x)))      [N, C, 1, 1, 1]
 *             mlp = Conv3d(C, C/r, 1, no bias) -> ReLU -> Conv3d(C/r, C, 1, no bias)  (shared)
 *             x'  = x * Mc
 *   spatial:  Ms = sigmoid(Conv3d(2, 1, 7, padding 3, no bias)([mean_c(x'), max_c(x')]))   [N, 1, D, H, W]
 *             y   = x' * Ms
 * </pre>
 * Parameters (names as a PyTorch twin would give them): {@code channel_mlp.0.weight},
 * {@code channel_mlp.2.weight}, {@code spatial_conv.weight}. The MLP and spatial conv have no
 * bias, as in the common 1x1-conv CBAM implementations (the paper's MLP has one; the spatial
 * conv there is followed by BatchNorm, which we leave out).
 */
public final class CBAM extends Module {
    private final Sequential mlp;
    private final Conv3d spatial;
    private final int channels;

    public CBAM(int channels, int reduction, RandomGenerator rng) { this(channels, reduction, 7, DType.FLOAT32, rng); }

    public CBAM(int channels, int reduction, int spatialKernel, DType dtype, RandomGenerator rng) {
        if (reduction < 1 || channels < reduction) {
            throw new IllegalArgumentException("CBAM: reduction " + reduction + " must be in [1, channels=" + channels + "]");
        }
        if (spatialKernel % 2 == 0) throw new IllegalArgumentException("CBAM: spatial kernel must be odd, got " + spatialKernel);
        this.channels = channels;
        int hidden = channels / reduction;
        mlp = registerModule("channel_mlp", new Sequential(
                new Conv3d(channels, hidden, new int[] {1}, Conv3dParams.DEFAULT, false, dtype, rng),
                new ReLU(),
                new Conv3d(hidden, channels, new int[] {1}, Conv3dParams.DEFAULT, false, dtype, rng)));
        spatial = registerModule("spatial_conv",
                new Conv3d(2, 1, new int[] {spatialKernel}, Conv3dParams.of(1, spatialKernel / 2), false, dtype, rng));
    }

    @Override public Variable forward(Variable x) {
        Norms.requireChannels("CBAM(" + channels + ")", x, channels, 5);
        Variable avg = x.meanKeep(2, 3, 4);
        Variable max = x.max(true, 2, 3, 4);
        Variable mc = mlp.apply(avg).add(mlp.apply(max)).sigmoid();
        Variable xc = x.mul(mc);
        Variable pooled = Variable.concat(List.of(xc.meanKeep(1), xc.max(true, 1)), 1);
        Variable ms = spatial.apply(pooled).sigmoid();
        return xc.mul(ms);
    }
}
