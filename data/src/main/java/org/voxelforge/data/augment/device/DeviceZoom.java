package org.voxelforge.data.augment.device;

import java.util.Arrays;
import org.voxelforge.core.Tensor;
import org.voxelforge.data.resample.AxisSampling;
import org.voxelforge.data.resample.Zoom;

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
        for (int axis : Zoom.passOrder(dims, out)) {
            if (curDims[axis] == out[axis]) continue;
            try (Tensor prev = cur) {
                cur = resampleAxis(prev, axis, curDims[axis], out[axis], order);
            }
            curDims[axis] = out[axis];
        }
        return cur;
    }

    /** One pass along {@code axis} with Zoom's own taps ({@link AxisSampling#zoom}): gathers times per-position weights. */
    private static Tensor resampleAxis(Tensor x, int axis, int nIn, int nOut, int order) {
        AxisSampling sampling = AxisSampling.zoom(nIn, nOut, order);
        int taps = sampling.taps();
        int[][] index = new int[taps][nOut];
        float[][] weight = new float[taps][nOut];
        for (int k = 0; k < nOut; k++) {
            for (int t = 0; t < taps; t++) {
                index[t][k] = sampling.index()[k * taps + t];
                weight[t][k] = (float) sampling.weight()[k * taps + t];
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
}
