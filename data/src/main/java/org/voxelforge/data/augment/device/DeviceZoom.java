package org.voxelforge.data.augment.device;

import java.util.Arrays;
import org.voxelforge.core.Tensor;

/**
 * LowResolution on the device: every channel of an image [C, X, Y, Z] resized to a small grid with
 * nearest neighbour, then back with linear interpolation, in SciPy zoom's geometry as
 * data.resample.Zoom computes it (grid_mode False: output k at input k (n_in - 1) / (n_out - 1);
 * order 0 takes floor(x + 0.5), order 1 the two neighbours; one separable pass per axis whose
 * length changes, the most shrinking axis first). Each pass is index gathers along the axis times
 * per-position weights, in float where Zoom sums in double.
 */
final class DeviceZoom {
    private DeviceZoom() {}

    static Tensor lowResolution(Tensor img, int[] small) {
        int[] dims = Arrays.copyOfRange(img.dims(), 1, 4);
        try (Tensor down = resize(img, dims, small, 0)) {
            return resize(down, small, dims, 1);
        }
    }

    /** img [C, dims] to [C, out], order 0 or 1. */
    static Tensor resize(Tensor img, int[] dims, int[] out, int order) {
        Tensor cur = img.copy();
        int[] curDims = dims.clone();
        for (int axis : passOrder(dims, out)) {
            if (curDims[axis] == out[axis]) continue;
            try (Tensor prev = cur) {
                cur = resampleAxis(prev, axis, curDims[axis], out[axis], order);
            }
            curDims[axis] = out[axis];
        }
        return cur;
    }

    /** Axes by output/input ratio, smallest first (Zoom.passOrder). */
    private static Integer[] passOrder(int[] dims, int[] out) {
        Integer[] axes = {0, 1, 2};
        Arrays.sort(axes, (x, y) -> Double.compare((double) out[x] / dims[x], (double) out[y] / dims[y]));
        return axes;
    }

    private static Tensor resampleAxis(Tensor x, int axis, int nIn, int nOut, int order) {
        int taps = order + 1;
        int[][] index = new int[taps][nOut];
        float[][] weight = new float[taps][nOut];
        double step = nOut > 1 ? (double) (nIn - 1) / (nOut - 1) : 1.0;
        for (int k = 0; k < nOut; k++) {
            double pos = Math.min(k * step, nIn - 1);
            if (order == 0) {
                index[0][k] = mirror((long) Math.floor(pos + 0.5), nIn);
                weight[0][k] = 1;
            } else {
                long start = (long) Math.floor(pos);
                double f = pos - start;
                index[0][k] = mirror(start, nIn);
                index[1][k] = mirror(start + 1, nIn);
                weight[0][k] = (float) (1 - f);
                weight[1][k] = (float) (1 - (1 - f)); // as AxisSampling: the second weight is 1 - the first
            }
        }
        int[] wDims = {1, 1, 1, 1};
        wDims[axis + 1] = nOut;
        Tensor acc = null;
        for (int t = 0; t < taps; t++) {
            try (Tensor idx = Tensor.ofInts(index[t], nOut).transferTo(x.device()); Tensor picked = x.indexSelect(axis + 1, idx)) {
                if (order == 0) return picked.copy();
                try (Tensor w = Tensor.of(weight[t], wDims).transferTo(x.device()); Tensor term = picked.mul(w)) {
                    if (acc == null) acc = term.copy();
                    else try (Tensor prev = acc) {
                        acc = prev.add(term);
                    }
                }
            }
        }
        return acc;
    }

    /** SciPy's mirroring of an index past the edges into [0, n) (-1 -> 1, n -> n - 2). */
    private static int mirror(long i, int n) {
        if (n == 1) return 0;
        long period = 2L * (n - 1);
        long m = Math.floorMod(i, period);
        return (int) (m < n ? m : period - m);
    }
}
