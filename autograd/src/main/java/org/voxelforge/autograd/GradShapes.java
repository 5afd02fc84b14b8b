package org.voxelforge.autograd;

import java.util.ArrayList;
import java.util.List;
import org.voxelforge.core.ReduceOp;
import org.voxelforge.core.Shape;
import org.voxelforge.core.ShapeMismatchException;
import org.voxelforge.core.Tensor;

/** Shape helpers for gradients: undoing broadcasting and reductions. */
public final class GradShapes {
    private GradShapes() {}

    /**
     * Sums {@code g} down to {@code target}, the shape of an input that was broadcast to g's
     * shape: leading axes that broadcasting added are summed away, and axes where the input had
     * size 1 are summed with keepDims. This is why {@code [3,1,4] + [2,1]} gives each input a
     * gradient of its own shape. Returns {@code g} itself when the shapes already agree.
     */
    public static Tensor sumToShape(Tensor g, Shape target) {
        if (g.shape().equals(target)) return g;
        int lead = g.rank() - target.rank();
        if (lead < 0) {
            throw new ShapeMismatchException("sumToShape: gradient " + g.describe() + " has fewer axes than the input shape "
                    + target + "; the input cannot have been broadcast to it");
        }
        List<Integer> axes = new ArrayList<>();
        for (int i = 0; i < g.rank(); i++) {
            if (i < lead) {
                axes.add(i);
            } else if (target.dim(i - lead) == 1 && g.dim(i) != 1) {
                axes.add(i);
            } else if (target.dim(i - lead) != g.dim(i)) {
                throw new ShapeMismatchException("sumToShape: gradient " + g.describe() + " does not broadcast from "
                        + target + " (axis " + i + ")");
            }
        }
        if (axes.isEmpty()) return g.reshape(target.dims());
        int[] ax = axes.stream().mapToInt(Integer::intValue).toArray();
        try (Tensor s = g.reduce(ReduceOp.SUM, true, ax)) {
            return s.reshape(target.dims());
        }
    }

    /** The shape a reduction over {@code axes} (normalized) has with keepDims: those axes become 1. */
    public static int[] keepDimsShape(Shape in, int[] axes) {
        int[] d = in.dims();
        for (int a : axes) d[a] = 1;
        return d;
    }
}
