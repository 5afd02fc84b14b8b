package org.voxelforge.core.cpu;

import org.voxelforge.core.Conv3dParams;
import org.voxelforge.core.Shape;

/**
 * The sizes of one 3D convolution, x [n, cin, d, h, w] * w [cout, cin/g, kd, kh, kw] ->
 * y [n, cout, od, oh, ow], flattened into the numbers the kernels index with.
 */
record ConvGeometry(int n, int cin, int d, int h, int w,
                    int cout, int kd, int kh, int kw,
                    int od, int oh, int ow,
                    int sd, int sh, int sw, int pd, int ph, int pw, int dd, int dh, int dw, int groups) {

    static ConvGeometry of(Shape x, Shape wt, Shape y, Conv3dParams p) {
        int[] s = p.stride(), pad = p.padding(), dil = p.dilation();
        return new ConvGeometry(x.dim(0), x.dim(1), x.dim(2), x.dim(3), x.dim(4),
                wt.dim(0), wt.dim(2), wt.dim(3), wt.dim(4),
                y.dim(2), y.dim(3), y.dim(4),
                s[0], s[1], s[2], pad[0], pad[1], pad[2], dil[0], dil[1], dil[2], p.groups());
    }

    /** Input channels per group. */
    int cg() { return cin / groups; }

    /** Output channels per group. */
    int og() { return cout / groups; }

    /** Voxels of one kernel. */
    int kvol() { return kd * kh * kw; }

    /** Rows of the column matrix of one group: cg * kvol. */
    int k() { return cg() * kvol(); }

    long inPlane() { return (long) d * h * w; }

    /** Length of one input row padded on both sides so every kernel tap of every output column reads inside it. */
    int paddedRowLength() { return Math.max(w() + 2 * pw(), (ow() - 1) * sw() + (kw() - 1) * dw() + 1); }

    long outPlane() { return (long) od * oh * ow; }

    /** Stride 1 along every axis. */
    boolean unitStride() { return sd == 1 && sh == 1 && sw == 1; }

    /** A 1x1x1 kernel with stride 1 and no padding: the column matrix is the input itself. */
    boolean pointwise() {
        return kd == 1 && kh == 1 && kw == 1 && sd == 1 && sh == 1 && sw == 1 && pd == 0 && ph == 0 && pw == 0;
    }
}
