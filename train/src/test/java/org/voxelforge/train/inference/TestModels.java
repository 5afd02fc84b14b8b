package org.voxelforge.train.inference;

import java.util.List;
import org.voxelforge.autograd.Variable;
import org.voxelforge.core.Tensor;
import org.voxelforge.nn.Module;

/** Deterministic "networks" whose outputs are known functions of their input. */
final class TestModels {
    private TestModels() {}

    /** Per voxel, logit k = scale[k] * x + shift[k] from a one-channel input: translation, flip and rotation equivariant. */
    static final class Pointwise extends Module {
        private final double[] scale, shift;

        Pointwise(double[] scale, double[] shift) {
            this.scale = scale;
            this.shift = shift;
        }

        @Override public Variable forward(Variable x) {
            Variable[] out = new Variable[scale.length];
            for (int k = 0; k < scale.length; k++) out[k] = x.mul(scale[k]).add(shift[k]);
            return Variable.concat(List.of(out), 1);
        }
    }

    /**
     * Two logits, {@code x + 0.3 i} and {@code -x}, where i is the voxel's index along the
     * window's X axis: depends on where a voxel sits in the window, so it is neither
     * translation nor flip equivariant.
     */
    static final class XRamp extends Module {
        static final double SLOPE = 0.3;

        @Override public Variable forward(Variable x) {
            int n = x.dim(2);
            double[] r = new double[n];
            for (int i = 0; i < n; i++) r[i] = SLOPE * i;
            Variable ramp = Variable.constant(Tensor.of(r, 1, 1, n, 1, 1).cast(x.dtype()));
            return Variable.concat(List.of(x.add(ramp), x.neg()), 1);
        }
    }

    /** A random one-channel float32 image [1, X, Y, Z] with values in [-2, 2). */
    static Tensor randomImage(long seed, int... xyz) {
        java.util.Random rnd = new java.util.Random(seed);
        float[] v = new float[xyz[0] * xyz[1] * xyz[2]];
        for (int i = 0; i < v.length; i++) v[i] = (float) (rnd.nextDouble() * 4 - 2);
        return Tensor.of(v, 1, xyz[0], xyz[1], xyz[2]);
    }
}
