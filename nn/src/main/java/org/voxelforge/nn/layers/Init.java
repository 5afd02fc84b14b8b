package org.voxelforge.nn.layers;

import org.voxelforge.core.DType;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.core.Tensor;

/**
 * Parameter initialisation as PyTorch's layers do it by default. For convolutions PyTorch calls
 * {@code kaiming_uniform_(w, a=sqrt(5))}: gain sqrt(2 / (1 + a^2)) = sqrt(1/3), bound
 * gain * sqrt(3 / fan_in) = 1 / sqrt(fan_in); the bias gets U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
 * So both are one uniform draw with the same bound.
 */
public final class Init {
    private Init() {}

    /** U(-1/sqrt(fanIn), 1/sqrt(fanIn)) of the given shape: kaiming_uniform(a=sqrt(5)) and PyTorch's bias init. */
    public static Tensor defaultUniform(RandomGenerator rng, int fanIn, DType dtype, int... dims) {
        if (fanIn < 1) throw new IllegalArgumentException("init: fan_in must be >= 1, got " + fanIn);
        double bound = 1.0 / Math.sqrt(fanIn);
        return rng.fill(RandomGenerator.Distribution.UNIFORM, -bound, bound, dtype, dims);
    }

    /** A constant tensor (norm weights 1, biases 0, PReLU 0.25). */
    public static Tensor constant(double value, DType dtype, int... dims) { return Tensor.full(value, dtype, dims); }

    static int[] triple(String op, int... k) {
        if (k.length == 1) return new int[] {k[0], k[0], k[0]};
        if (k.length == 3) return k.clone();
        throw new IllegalArgumentException(op + ": needs 1 or 3 sizes (D, H, W), got " + java.util.Arrays.toString(k));
    }

    static void requireFloating(String op, DType dtype) {
        if (!dtype.isFloatingPoint()) throw new IllegalArgumentException(op + ": parameters must be floating point, got " + dtype);
    }
}
