package org.voxelforge.train.metrics;

/**
 * Connected components of a 3D binary mask by breadth-first search. Components are numbered
 * 1..count in the raster order of their first voxel (x slowest, z fastest), which is also
 * scipy.ndimage.label's numbering, so results compare label for label; background is 0.
 */
public final class ConnectedComponents {
    private ConnectedComponents() {}

    /** {@code labels[i]} = component of voxel i (0 = background); {@code sizes[c]} = voxels of component c (sizes[0] unused). */
    public record Components(int[] labels, int count, int[] sizes) {
        /** Number of the largest component (the lowest on ties), or 0 when there is none. */
        public int largest() {
            int best = 0;
            for (int c = 1; c <= count; c++) if (best == 0 || sizes[c] > sizes[best]) best = c;
            return best;
        }
    }

    public static Components label(boolean[] mask, int[] dims, Connectivity connectivity) {
        int n = LabelMap.voxels(dims);
        if (mask.length != n) {
            throw new IllegalArgumentException("connected_components: mask of " + mask.length
                    + " voxels for dims " + java.util.Arrays.toString(dims));
        }
        int[] labels = new int[n];
        int[] queue = new int[Math.max(1, n)];
        int[] sizes = new int[16];
        int count = 0;
        int[][] off = connectivity.offsets;
        for (int start = 0; start < n; start++) {
            if (!mask[start] || labels[start] != 0) continue;
            count++;
            if (count >= sizes.length) sizes = java.util.Arrays.copyOf(sizes, sizes.length * 2);
            final int label = count;
            queue[0] = start;
            labels[start] = label;
            sizes[count] = flood(dims, off, queue, 1, j -> {
                if (!mask[j] || labels[j] != 0) return false;
                labels[j] = label;
                return true;
            });
        }
        return new Components(labels, count, java.util.Arrays.copyOf(sizes, count + 1));
    }

    /**
     * Breadth-first flood from the seeds {@code queue[0, tail)} through the neighbour offsets: a
     * neighbour j inside the volume enters the queue when {@code claim.test(j)}, which also marks it
     * (so it is claimed once). Returns the number of voxels queued, seeds included.
     */
    static int flood(int[] dims, int[][] off, int[] queue, int tail, java.util.function.IntPredicate claim) {
        int nx = dims[0], ny = dims[1], nz = dims[2];
        for (int head = 0; head < tail; ) {
            int i = queue[head++];
            int z = i % nz, y = (i / nz) % ny, x = i / (nz * ny);
            for (int[] o : off) {
                int xx = x + o[0], yy = y + o[1], zz = z + o[2];
                if (xx < 0 || yy < 0 || zz < 0 || xx >= nx || yy >= ny || zz >= nz) continue;
                int j = (xx * ny + yy) * nz + zz;
                if (claim.test(j)) queue[tail++] = j;
            }
        }
        return tail;
    }
}
