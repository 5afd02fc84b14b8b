package org.voxelforge.nn.layers;

import java.util.Arrays;
import org.voxelforge.autograd.ConvOps;
import org.voxelforge.autograd.Variable;
import org.voxelforge.core.UpsampleMode;
import org.voxelforge.nn.Module;

/**
 * PyTorch's {@code nn.Upsample} for [N, C, D, H, W]: nearest or trilinear, align_corners, and
 * either a fixed output size or a scale factor (output floor(in * scale) per axis). With a
 * non-integer scale factor the source coordinates use the ratio in/out, which is PyTorch's
 * {@code recompute_scale_factor=True} behaviour; for integer factors both rules agree.
 */
public final class Upsample extends Module {
    private final int[] size;
    private final double[] scale;
    private final UpsampleMode mode;
    private final boolean alignCorners;

    private Upsample(int[] size, double[] scale, UpsampleMode mode, boolean alignCorners) {
        if (mode == UpsampleMode.NEAREST && alignCorners) {
            throw new IllegalArgumentException("Upsample: align_corners only applies to trilinear mode (as in PyTorch)");
        }
        this.size = size;
        this.scale = scale;
        this.mode = mode;
        this.alignCorners = alignCorners;
    }

    /** Scale factor per axis (one value for all axes or three). */
    public static Upsample scale(UpsampleMode mode, boolean alignCorners, double... factor) {
        double[] f = factor.length == 1 ? new double[] {factor[0], factor[0], factor[0]} : factor.clone();
        if (f.length != 3 || Arrays.stream(f).anyMatch(v -> !(v > 0))) {
            throw new IllegalArgumentException("Upsample: scale factor needs 1 or 3 positive values, got " + Arrays.toString(factor));
        }
        return new Upsample(null, f, mode, alignCorners);
    }

    /** Fixed output size (one value for all axes or three). */
    public static Upsample size(UpsampleMode mode, boolean alignCorners, int... size) {
        return new Upsample(Init.triple("Upsample", size), null, mode, alignCorners);
    }

    @Override public Variable forward(Variable x) {
        if (x.rank() != 5) throw new IllegalArgumentException("Upsample: input must be [N, C, D, H, W], got " + x.value().describe());
        int[] out = size;
        if (out == null) {
            out = new int[3];
            for (int a = 0; a < 3; a++) out[a] = (int) Math.floor(x.dim(2 + a) * scale[a]);
        }
        return ConvOps.upsample3d(x, out, mode, alignCorners);
    }

    @Override public String toString() {
        return "Upsample(" + (size != null ? "size=" + Arrays.toString(size) : "scale=" + Arrays.toString(scale)) + ", " + mode
                + ", alignCorners=" + alignCorners + ")";
    }
}
