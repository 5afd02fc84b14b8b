package org.voxelforge.nn.loss;

import org.voxelforge.core.Tensor;

/**
 * Nearest-neighbour resizing of the trailing spatial axes by index selection, with half-pixel
 * centres (PyTorch's "nearest-exact", which nnU-Net uses for deep-supervision targets): output
 * index i reads input index floor((i + 0.5) * in / out), clamped.
 */
final class NearestResize {
    private NearestResize() {}

    /** Resizes axes {@code firstSpatial..} of {@code t} to {@code size} (one entry per spatial axis). */
    static Tensor resize(Tensor t, int firstSpatial, int[] size) {
        if (t.rank() - firstSpatial != size.length) {
            throw new IllegalArgumentException("NearestResize: " + t.describe() + " has " + (t.rank() - firstSpatial)
                    + " spatial axes from axis " + firstSpatial + ", size has " + size.length);
        }
        Tensor r = t;
        for (int k = 0; k < size.length; k++) {
            int axis = firstSpatial + k;
            int in = t.dim(axis), out = size[k];
            if (in == out) continue;
            long[] idx = new long[out];
            for (int i = 0; i < out; i++) idx[i] = Math.min(in - 1, (long) Math.floor((i + 0.5) * in / out));
            r = r.indexSelect(axis, Tensor.ofLongs(idx, out).transferTo(r.device()));
        }
        return r;
    }

}
