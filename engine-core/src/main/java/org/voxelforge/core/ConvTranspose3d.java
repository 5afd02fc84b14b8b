package org.voxelforge.core;

/**
 * Transposed 3D convolution (PyTorch's {@code conv_transpose3d}) built from the convolution
 * primitives of {@link Backend}, not a primitive of its own: its forward is the convolution's
 * backward-data, with the weight [Cin, Cout/groups, kD, kH, kW] read as a convolution weight
 * whose "output" channels are this op's inputs. Its backward passes are then a plain conv3d
 * (for the input) and the convolution's backward-weight with the roles of data and gradient
 * swapped (for the weight): <conv(g, w), x> = <g, convT(x, w)> makes both exact adjoints.
 */
public final class ConvTranspose3d {
    private ConvTranspose3d() {}

    /** Output [N, Cout, D', H', W'] with D' = (D-1)s - 2p + d(k-1) + outputPadding + 1 per axis. */
    public static Shape outputShape(Shape x, Shape w, Conv3dParams p) {
        String op = "convTranspose3d";
        Conv3dParams.requireRank5(op, "input", x, "[N, Cin, D, H, W]");
        Conv3dParams.requireRank5(op, "weight", w, "[Cin, Cout/groups, kD, kH, kW]");
        if (w.dim(0) != x.dim(1)) {
            throw new ShapeMismatchException(op + ": weight " + w + " expects " + w.dim(0) + " input channels but input "
                    + x + " has " + x.dim(1) + "; expected weight [Cin, Cout/groups, kD, kH, kW]");
        }
        if (x.dim(1) % p.groups() != 0) {
            throw new IllegalArgumentException(op + ": input channels " + x.dim(1) + " (input " + x
                    + ") must divide by groups=" + p.groups());
        }
        int[] o = p.transposedSpatial(op + " (input " + x + ", weight " + w + ")", Conv3dParams.spatial(x), Conv3dParams.spatial(w));
        return Shape.of(x.dim(0), w.dim(1) * p.groups(), o[0], o[1], o[2]);
    }

    /** y = convTranspose3d(x, w) + bias (bias [Cout] or null). */
    public static Tensor forward(Tensor x, Tensor w, Tensor bias, Conv3dParams p) {
        Shape y = outputShape(x.shape(), w.shape(), p);
        if (bias != null && (bias.rank() != 1 || bias.dim(0) != y.dim(1))) {
            throw new ShapeMismatchException("convTranspose3d: bias " + bias.shape() + " must be [" + y.dim(1) + "] for weight " + w.shape());
        }
        Tensor out = x.backend().conv3dBackwardData(x, w, y, p);
        if (bias == null) return out;
        try (out; Tensor b = bias.reshape(1, y.dim(1), 1, 1, 1)) {
            return out.add(b);
        }
    }

    /** Gradient for x: the plain convolution of gradY with the same weight. */
    public static Tensor backwardData(Tensor gradY, Tensor w, Conv3dParams p) {
        return gradY.backend().conv3d(gradY, w, null, p);
    }

    /** Gradient for w [Cin, Cout/groups, k...]: conv3d's weight gradient with x as "gradY" and gradY as "input". */
    public static Tensor backwardWeight(Tensor gradY, Tensor x, Shape wShape, Conv3dParams p) {
        return x.backend().conv3dBackwardWeight(x, gradY, wShape, p);
    }
}
