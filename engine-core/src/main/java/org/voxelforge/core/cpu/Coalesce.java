package org.voxelforge.core.cpu;

import java.util.Arrays;

/**
 * Merges adjacent axes that every operand walks as one (stride[i] == stride[i+1] * dim[i+1])
 * and drops size-1 axes, so that contiguous operands become one long row and the inner loops
 * of {@link StridedLoop} run as long as possible.
 */
record Coalesce(int[] dims, long[][] strides) {

    static Coalesce of(int[] dims, long[][] strides) {
        long numel = 1;
        for (int d : dims) numel *= d;
        if (numel == 0) return new Coalesce(dims, strides); // nothing to walk; keep the zero axis
        int k = strides.length;
        int[] nd = new int[dims.length];
        long[][] ns = new long[k][dims.length];
        int r = 0;
        for (int a = 0; a < dims.length; a++) {
            if (dims[a] == 1) continue;
            if (r > 0 && canMerge(nd[r - 1], dims[a], r - 1, a, ns, strides)) {
                nd[r - 1] *= dims[a];
                for (int j = 0; j < k; j++) ns[j][r - 1] = strides[j][a];
                continue;
            }
            nd[r] = dims[a];
            for (int j = 0; j < k; j++) ns[j][r] = strides[j][a];
            r++;
        }
        long[][] out = new long[k][];
        for (int j = 0; j < k; j++) out[j] = Arrays.copyOf(ns[j], r);
        return new Coalesce(Arrays.copyOf(nd, r), out);
    }

    private static boolean canMerge(int outerSize, int innerSize, int outerAxis, int innerAxis, long[][] ns, long[][] strides) {
        if ((long) outerSize * innerSize > Integer.MAX_VALUE) return false;
        for (int j = 0; j < strides.length; j++) {
            if (ns[j][outerAxis] != strides[j][innerAxis] * innerSize) return false;
        }
        return true;
    }
}
