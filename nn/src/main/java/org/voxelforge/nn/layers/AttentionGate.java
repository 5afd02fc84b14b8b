package org.voxelforge.nn.layers;

import org.voxelforge.autograd.Variable;
import org.voxelforge.core.Conv3dParams;
import org.voxelforge.core.DType;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.nn.Module;

/**
 * Additive attention gate of Attention U-Net (Oktay et al. 2018) for a skip feature x
 * [N, Fx, D, H, W] and a gating feature g [N, Fg, D, H, W] of the same spatial size (the caller
 * upsamples g first):
 * <pre>
 *   alpha = sigmoid(psi(relu(W_g g + W_x x)))      [N, 1, D, H, W]
 *   out   = x * alpha
 * </pre>
 * W_x = Conv3d(Fx, Fint, 1, no bias), W_g = Conv3d(Fg, Fint, 1, bias), psi = Conv3d(Fint, 1, 1,
 * bias): the bias choices of the authors' grid attention block (theta without, phi and psi with).
 * Their strided W_x and output transform are left out. Parameter names: {@code W_x.weight},
 * {@code W_g.weight}, {@code W_g.bias}, {@code psi.weight}, {@code psi.bias}.
 *
 * <p>It takes two inputs, so call {@link #gate(Variable, Variable)}; the one-input
 * {@link #forward} is refused.
 */
public final class AttentionGate extends Module {
    private final Conv3d wx, wg, psi;

    public AttentionGate(int gatingChannels, int skipChannels, int interChannels, RandomGenerator rng) {
        this(gatingChannels, skipChannels, interChannels, DType.FLOAT32, rng);
    }

    public AttentionGate(int gatingChannels, int skipChannels, int interChannels, DType dtype, RandomGenerator rng) {
        int[] one = {1};
        wx = registerModule("W_x", new Conv3d(skipChannels, interChannels, one, Conv3dParams.DEFAULT, false, dtype, rng));
        wg = registerModule("W_g", new Conv3d(gatingChannels, interChannels, one, Conv3dParams.DEFAULT, true, dtype, rng));
        psi = registerModule("psi", new Conv3d(interChannels, 1, one, Conv3dParams.DEFAULT, true, dtype, rng));
    }

    /** The attention coefficients alpha [N, 1, D, H, W]. */
    public Variable coefficients(Variable g, Variable x) {
        if (g.rank() != 5 || x.rank() != 5 || g.dim(0) != x.dim(0) || g.dim(2) != x.dim(2) || g.dim(3) != x.dim(3) || g.dim(4) != x.dim(4)) {
            throw new IllegalArgumentException("AttentionGate: gating " + g.value().describe() + " and skip " + x.value().describe()
                    + " must be [N, C, D, H, W] with the same N, D, H, W; upsample the gating signal first");
        }
        return psi.apply(wg.apply(g).add(wx.apply(x)).relu()).sigmoid();
    }

    /** x scaled by the attention coefficients computed from g and x. */
    public Variable gate(Variable g, Variable x) { return x.mul(coefficients(g, x)); }

    @Override public Variable forward(Variable x) {
        throw new UnsupportedOperationException("AttentionGate needs a gating signal and a skip feature: call gate(g, x)");
    }
}
