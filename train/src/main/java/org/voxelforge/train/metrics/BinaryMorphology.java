package org.voxelforge.train.metrics;

/** The few binary morphology operations metrics and postprocessing need, on 3D masks. */
public final class BinaryMorphology {
    private BinaryMorphology() {}

    /**
     * Surface voxels: the mask minus its erosion by the 6-neighbour cross, with everything
     * outside the image counted as background (scipy.ndimage.binary_erosion's defaults, as
     * MONAI's get_mask_edges uses them). A mask voxel on the image border is therefore surface.
     */
    public static boolean[] surface(boolean[] mask, int[] dims) {
        int nx = dims[0], ny = dims[1], nz = dims[2];
        boolean[] s = new boolean[mask.length];
        for (int x = 0; x < nx; x++)
            for (int y = 0; y < ny; y++)
                for (int z = 0; z < nz; z++) {
                    int i = (x * ny + y) * nz + z;
                    if (!mask[i]) continue;
                    boolean interior = x > 0 && x < nx - 1 && y > 0 && y < ny - 1 && z > 0 && z < nz - 1
                            && mask[i - ny * nz] && mask[i + ny * nz] && mask[i - nz] && mask[i + nz]
                            && mask[i - 1] && mask[i + 1];
                    s[i] = !interior;
                }
        return s;
    }

    /** Dilation by the 3x3x3 cube, once (separable: a 3-wide max along each axis in turn). */
    public static boolean[] dilateCube(boolean[] mask, int[] dims) {
        boolean[] cur = mask.clone();
        int[] strides = {dims[1] * dims[2], dims[2], 1};
        for (int axis = 0; axis < 3; axis++) {
            boolean[] next = new boolean[cur.length];
            int st = strides[axis], len = dims[axis];
            for (int i = 0; i < cur.length; i++) {
                if (!cur[i]) continue;
                next[i] = true;
                int c = (i / st) % len;
                if (c > 0) next[i - st] = true;
                if (c < len - 1) next[i + st] = true;
            }
            cur = next;
        }
        return cur;
    }

    /**
     * Holes of a mask: background voxels whose 6-connected background component does not touch
     * the image border (scipy.ndimage.binary_fill_holes' definition).
     */
    public static boolean[] holes(boolean[] mask, int[] dims) {
        int nx = dims[0], ny = dims[1], nz = dims[2];
        int n = mask.length;
        boolean[] outside = new boolean[n];
        int[] queue = new int[Math.max(1, n)];
        int tail = 0;
        for (int x = 0; x < nx; x++)
            for (int y = 0; y < ny; y++)
                for (int z = 0; z < nz; z++) {
                    boolean border = x == 0 || y == 0 || z == 0 || x == nx - 1 || y == ny - 1 || z == nz - 1;
                    int i = (x * ny + y) * nz + z;
                    if (border && !mask[i]) { outside[i] = true; queue[tail++] = i; }
                }
        ConnectedComponents.flood(dims, Connectivity.FACE.offsets, queue, tail, j -> {
            if (mask[j] || outside[j]) return false;
            outside[j] = true;
            return true;
        });
        boolean[] holes = new boolean[n];
        for (int i = 0; i < n; i++) holes[i] = !mask[i] && !outside[i];
        return holes;
    }
}
