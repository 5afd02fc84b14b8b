package org.voxelforge.data.resample;

import java.util.Arrays;
import java.util.TreeSet;
import org.voxelforge.core.DType;
import org.voxelforge.core.Tensor;

/**
 * Resampling of label maps (segmentation masks): each label present becomes a one-hot channel,
 * the channel is resampled linearly (order 1, {@link Zoom}'s geometry), and every output voxel
 * takes the label whose channel is largest there. Ties go to the smallest label value, like
 * {@code numpy.argmax} over channels sorted by label. This avoids the jagged edges of nearest
 * neighbour and never invents a label between two others, as interpolating label values would.
 *
 * <p>Channels are resampled one at a time and folded into a running maximum, so memory stays
 * at two output-sized arrays whatever the number of labels.
 */
public final class LabelResampler {
    private LabelResampler() {}

    /** Resamples a row-major label volume of shape {@code dims} to {@code outDims}. */
    public static int[] resize(int[] labels, int[] dims, int[] outDims) {
        Zoom.check(labels.length, dims, outDims, 1);
        TreeSet<Integer> present = new TreeSet<>();
        for (int v : labels) present.add(v);
        long outN = 1;
        for (int d : outDims) outN *= d;
        int[] best = new int[(int) outN];
        double[] bestScore = new double[(int) outN];
        Arrays.fill(bestScore, Double.NEGATIVE_INFINITY);
        double[] oneHot = new double[labels.length];
        for (int label : present) {
            for (int i = 0; i < labels.length; i++) oneHot[i] = labels[i] == label ? 1.0 : 0.0;
            double[] score = Zoom.resize(oneHot, dims, outDims, 1);
            for (int i = 0; i < score.length; i++) {
                if (score[i] > bestScore[i]) { // strict: an equal later (larger) label loses the tie
                    bestScore[i] = score[i];
                    best[i] = label;
                }
            }
        }
        return best;
    }

    /** Tensor form: integer or bool labels in, the same dtype out, shape {@code outDims}. */
    public static Tensor resize(Tensor labels, int[] outDims) {
        DType t = labels.dtype();
        if (t.isFloatingPoint()) {
            throw new IllegalArgumentException("resample_labels: labels " + labels.describe()
                    + " must have an integer or bool dtype; use Zoom for images");
        }
        int[] r = resize(labels.toIntArray(), labels.dims(), outDims);
        if (t == DType.INT32) return Tensor.ofInts(r, outDims);
        double[] d = new double[r.length];
        for (int i = 0; i < r.length; i++) d[i] = r[i];
        return Tensor.of(t, d, outDims);
    }

    /** {@link #resize(Tensor, int[])} with SciPy's zoom-factor output shape. */
    public static Tensor zoom(Tensor labels, double[] factors) {
        return resize(labels, Zoom.outputShape(labels.dims(), factors));
    }
}
