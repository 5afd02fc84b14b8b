package org.voxelforge.data.augment;

import org.voxelforge.data.sampling.Patch;

/** Rebuilds a patch from a voxel permutation: output voxel {@code i} takes input voxel {@code src[i]}. */
final class Gather {
    private Gather() {}

    static void apply(Patch p, int[] dims, int[] src) {
        int n = src.length;
        float[] img = new float[p.image.length];
        for (int c = 0; c < p.channels; c++) {
            int off = c * n;
            for (int i = 0; i < n; i++) img[off + i] = p.image[off + src[i]];
        }
        p.image = img;
        p.label = gather(p.label, src);
        if (p.mask != null) p.mask = gather(p.mask, src);
        System.arraycopy(dims, 0, p.dims, 0, 3);
    }

    private static byte[] gather(byte[] v, int[] src) {
        byte[] out = new byte[src.length];
        for (int i = 0; i < src.length; i++) out[i] = v[src[i]];
        return out;
    }
}
