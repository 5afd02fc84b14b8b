package org.voxelforge.data.distance;

import java.util.Arrays;
import org.voxelforge.core.DType;
import org.voxelforge.core.Tensor;

/**
 * Signed distance maps of labels, as boundary losses (MIST's boundary and generalized
 * surface losses, Kervadec et al.) consume them.
 *
 * <p>Convention, with distances in physical units ({@code spacing}, e.g. mm):
 * <ul>
 *   <li>a voxel inside the label gets {@code -(distance to the nearest voxel outside)};</li>
 *   <li>a voxel outside gets {@code +(distance to the nearest voxel inside)}.</li>
 * </ul>
 * No voxel is 0: the boundary lies between the last inside voxel (about {@code -spacing})
 * and the first outside one (about {@code +spacing}). With {@code normalize}, the inside part
 * is divided by its maximum magnitude and the outside part by its own maximum, so the map lies
 * in [-1, 1] and each side reaches its extreme value.
 *
 * <p>Degenerate labels get a constant map of the image diagonal {@code D = sqrt(sum (dims[a] *
 * spacing[a])^2)}, normalized or not (as MIST does): a label absent from the image gives
 * {@code +D} everywhere (every voxel is "far outside"), a label that fills the whole image
 * gives {@code -D} everywhere (every voxel is "far inside"). An empty image gives an empty map.
 */
public final class SignedDistanceMaps {
    private SignedDistanceMaps() {}

    /** Signed map of a region given as bytes (non-zero = inside). */
    public static double[] signedDistance(byte[] inside, int[] dims, double[] spacing, boolean normalize) {
        double[] w = EuclideanDistanceTransform.checkArgs(inside.length, dims, spacing);
        int n = inside.length;
        int count = 0;
        for (byte b : inside) if (b != 0) count++;
        double[] out = new double[n];
        if (count == 0 || count == n) {
            Arrays.fill(out, (count == 0 ? 1 : -1) * diagonal(dims, w));
            return out;
        }
        double[] in = EuclideanDistanceTransform.distances(inside, dims, w); // inside: distance to outside
        byte[] outside = new byte[n];
        for (int i = 0; i < n; i++) outside[i] = (byte) (inside[i] == 0 ? 1 : 0);
        double[] outDist = EuclideanDistanceTransform.distances(outside, dims, w); // outside: distance to inside
        double maxIn = 0, maxOut = 0;
        for (int i = 0; i < n; i++) {
            maxIn = Math.max(maxIn, in[i]);
            maxOut = Math.max(maxOut, outDist[i]);
        }
        // divide (not multiply by a reciprocal) so that each side's extreme is exactly -1 or 1
        double sIn = normalize ? maxIn : 1.0, sOut = normalize ? maxOut : 1.0;
        for (int i = 0; i < n; i++) out[i] = inside[i] != 0 ? -in[i] / sIn : outDist[i] / sOut;
        return out;
    }

    /** Signed map of one label value in a row-major label volume. */
    public static double[] forLabel(int[] labels, int[] dims, int label, double[] spacing, boolean normalize) {
        byte[] inside = new byte[labels.length];
        for (int i = 0; i < labels.length; i++) inside[i] = (byte) (labels[i] == label ? 1 : 0);
        return signedDistance(inside, dims, spacing, normalize);
    }

    /**
     * One signed map per entry of {@code labelValues}, stacked channels-first: a label tensor of
     * shape {@code dims} (any integer or bool dtype) gives a tensor of shape
     * {@code [labelValues.length, dims...]} in {@code out} (FLOAT32 or FLOAT64).
     */
    public static Tensor forLabels(Tensor labels, int[] labelValues, double[] spacing, boolean normalize, DType out) {
        if (labels.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("signed_distance_maps: labels " + labels.describe()
                    + " must have an integer or bool dtype (a label volume, not probabilities)");
        }
        if (out != DType.FLOAT32 && out != DType.FLOAT64) {
            throw new IllegalArgumentException("signed_distance_maps: output dtype must be float32 or float64, got " + out.label());
        }
        if (labelValues.length == 0) {
            throw new IllegalArgumentException("signed_distance_maps: no label values given for labels " + labels.describe());
        }
        int[] dims = labels.dims();
        int[] flat = labels.toIntArray();
        int n = flat.length;
        int[] outDims = new int[dims.length + 1];
        outDims[0] = labelValues.length;
        System.arraycopy(dims, 0, outDims, 1, dims.length);
        double[] all = new double[n * labelValues.length];
        for (int c = 0; c < labelValues.length; c++) {
            System.arraycopy(forLabel(flat, dims, labelValues[c], spacing, normalize), 0, all, c * n, n);
        }
        if (out == DType.FLOAT64) return Tensor.of(all, outDims);
        float[] f = new float[all.length];
        for (int i = 0; i < f.length; i++) f[i] = (float) all[i];
        return Tensor.of(f, outDims);
    }

    /**
     * The distance maps a boundary loss reads, for a batch: integer labels [N, spatial...] on any
     * device give float32 [N, classes, spatial...] on that device, channel c the signed map of
     * label value c (voxel units when spacing is null). On a CUDA-backend device the transforms
     * run there ({@link DeviceSignedDistanceMaps}); elsewhere on the host, map by map.
     */
    public static Tensor forBatch(Tensor labels, int classes, double[] spacing, boolean normalize) {
        if (labels.rank() < 2 || labels.dtype().isFloatingPoint() || labels.dim(0) == 0) {
            throw new IllegalArgumentException("signed_distance_maps: labels " + labels.describe()
                    + " must be a non-empty integer batch [N, spatial...]");
        }
        if (classes < 1) throw new IllegalArgumentException("signed_distance_maps: classes must be >= 1, got " + classes);
        if (labels.numel() / labels.dim(0) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("signed_distance_maps: " + labels.describe() + " has more voxels per sample than an int holds");
        }
        if (labels.backend() instanceof org.voxelforge.core.cuda.CudaBackend cuda) {
            return DeviceSignedDistanceMaps.forBatch(cuda, labels, classes, spacing, normalize);
        }
        int[] values = new int[classes];
        for (int c = 0; c < classes; c++) values[c] = c;
        int n = labels.dim(0);
        int[] outDims = new int[labels.rank() + 1];
        outDims[0] = n;
        outDims[1] = classes;
        System.arraycopy(labels.dims(), 1, outDims, 2, labels.rank() - 1);
        int per = (int) (labels.numel() / n) * classes;
        float[] all = new float[n * per];
        for (int i = 0; i < n; i++) {
            try (Tensor sample = labels.select(0, i); Tensor maps = forLabels(sample, values, spacing, normalize, DType.FLOAT32)) {
                System.arraycopy(maps.toFloatArray(), 0, all, i * per, per);
            }
        }
        return Tensor.of(all, outDims);
    }

    /** Length of the image diagonal in physical units. */
    public static double diagonal(int[] dims, double[] spacing) {
        double s = 0;
        for (int a = 0; a < dims.length; a++) {
            double e = dims[a] * (spacing == null ? 1.0 : spacing[a]);
            s += e * e;
        }
        return Math.sqrt(s);
    }
}
