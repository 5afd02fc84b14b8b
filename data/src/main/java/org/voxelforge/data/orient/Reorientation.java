package org.voxelforge.data.orient;

import java.util.Arrays;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;

/**
 * How to bring a voxel grid from its orientation to a target one by permuting and flipping its
 * first three axes (no resampling), and back. Axis m of the result is axis {@code order[m]} of
 * the source, reversed when {@code flip[m]}. Axes after the third (time) stay where they are.
 *
 * <p>The new affine is {@code A * T}, where T maps new voxel indices to old ones. {@link #undo}
 * returns the original voxels and this plan keeps the original affine, so a round trip is exact;
 * recomputing the affine from the new one would only be exact to rounding.
 */
public record Reorientation(String from, String to, int[] sourceShape, int[] order, boolean[] flip,
                            double[][] sourceAffine, double[][] targetAffine) {

    public Reorientation {
        sourceShape = sourceShape.clone();
        order = order.clone();
        flip = flip.clone();
        sourceAffine = Affines.copy(sourceAffine);
        targetAffine = Affines.copy(targetAffine);
    }

    @Override public int[] sourceShape() { return sourceShape.clone(); }
    @Override public int[] order() { return order.clone(); }
    @Override public boolean[] flip() { return flip.clone(); }
    @Override public double[][] sourceAffine() { return Affines.copy(sourceAffine); }
    @Override public double[][] targetAffine() { return Affines.copy(targetAffine); }

    /** Plans the move of a grid of {@code shape} (rank >= 3) with {@code affine} to orientation {@code target}. */
    public static Reorientation plan(double[][] affine, int[] shape, String target) {
        String to = AxisCodes.parse(target);
        if (shape.length < 3) {
            throw new IllegalArgumentException("reorient: shape " + Arrays.toString(shape) + " needs at least 3 spatial axes");
        }
        String from = AxisCodes.fromAffine(affine);
        if (from.indexOf('?') >= 0) {
            throw new IllegalArgumentException("reorient: affine " + Affines.format(affine) + " has an axis without extent"
                    + " (codes " + from + "); cannot decide its orientation");
        }
        int[] order = new int[3];
        boolean[] flip = new boolean[3];
        for (int m = 0; m < 3; m++) {
            char want = to.charAt(m);
            int w = AxisCodes.worldAxis(want);
            for (int n = 0; n < 3; n++) {
                if (AxisCodes.worldAxis(from.charAt(n)) == w) {
                    order[m] = n;
                    flip[m] = from.charAt(n) != want;
                }
            }
        }
        // T: new voxel index -> old voxel index (homogeneous). old[n] = flip ? dim_n - 1 - new[m] : new[m].
        double[][] t = new double[4][4];
        t[3][3] = 1;
        for (int m = 0; m < 3; m++) {
            int n = order[m];
            t[n][m] = flip[m] ? -1 : 1;
            t[n][3] = flip[m] ? shape[n] - 1 : 0;
        }
        double[][] target4 = Affines.multiply(affine, t);
        return new Reorientation(from, to, shape, order, flip, affine, target4);
    }

    /** True when nothing moves. */
    public boolean isIdentity() {
        for (int m = 0; m < 3; m++) if (order[m] != m || flip[m]) return false;
        return true;
    }

    /** Shape of the reoriented grid. */
    public int[] targetShape() {
        int[] s = sourceShape.clone();
        for (int m = 0; m < 3; m++) s[m] = sourceShape[order[m]];
        return s;
    }

    /** The voxels in the target orientation, as a new row-major contiguous tensor. */
    public Tensor apply(Tensor source) {
        checkShape("apply", source, sourceShape);
        int[] perm = new int[source.rank()];
        for (int i = 0; i < perm.length; i++) perm[i] = i < 3 ? order[i] : i;
        try (TensorScope scope = new TensorScope()) {
            Tensor p = source.permute(perm);
            return scope.retain(flipAndCopy(p));
        }
    }

    /** The inverse of {@link #apply}: voxels given in the target orientation, back in the source's. */
    public Tensor undo(Tensor target) {
        checkShape("undo", target, targetShape());
        int[] inv = new int[target.rank()];
        for (int i = 0; i < inv.length; i++) inv[i] = i;
        for (int m = 0; m < 3; m++) inv[order[m]] = m;
        try (TensorScope scope = new TensorScope()) {
            Tensor unflipped = flipped(target);
            return scope.retain(unflipped.permute(inv).contiguous());
        }
    }

    private Tensor flipAndCopy(Tensor permuted) {
        return flipped(permuted).contiguous();
    }

    /**
     * {@code t} with the axes marked in {@code flip} reversed, as a view: a negative stride and
     * the offset moved to the last element (no copy; the caller makes it contiguous).
     */
    private Tensor flipped(Tensor t) {
        long[] strides = t.strides();
        long offset = t.offset();
        boolean any = false;
        for (int m = 0; m < 3; m++) {
            if (flip[m] && t.dim(m) > 1) {
                offset += (long) (t.dim(m) - 1) * strides[m];
                strides[m] = -strides[m];
                any = true;
            }
        }
        if (!any) return t;
        return new Tensor(t.storage(), t.dtype(), t.shape(), strides, offset);
    }

    private static void checkShape(String op, Tensor t, int[] want) {
        if (!Arrays.equals(t.dims(), want)) {
            throw new IllegalArgumentException("reorient " + op + ": tensor " + t.describe() + " does not have the planned shape "
                    + Arrays.toString(want));
        }
    }

    @Override public String toString() {
        return "Reorientation[" + from + " -> " + to + ", order=" + Arrays.toString(order) + ", flip=" + Arrays.toString(flip)
                + ", shape " + Arrays.toString(sourceShape) + " -> " + Arrays.toString(targetShape()) + "]";
    }
}
