package org.voxelforge.bench;

import org.voxelforge.core.Conv3dParams;
import org.voxelforge.core.DType;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.core.Shape;
import org.voxelforge.core.Tensor;

/**
 * The conv3d shapes both {@link Conv3dBenchmark} and {@link Conv3dTiming} measure, and the
 * PyTorch peer script bench/scripts/torch_conv3d.py times too: batch 2, 3x3x3 kernels, padding 1.
 */
enum Conv3dShapes {
    C32_64(2, 32, 32, 64),
    C32_128(2, 32, 32, 128),
    C64_32(2, 64, 64, 32),
    C128_16(2, 128, 128, 16),
    C320_8(2, 320, 320, 8);

    final int n, cin, cout, size;

    Conv3dShapes(int n, int cin, int cout, int size) {
        this.n = n;
        this.cin = cin;
        this.cout = cout;
        this.size = size;
    }

    static final Conv3dParams PARAMS = Conv3dParams.of(1, 1);

    /** Multiply-adds times two of one forward pass (each backward pass costs the same). */
    double flops() { return 2.0 * n * cout * Math.pow(size, 3) * cin * 27; }

    Tensor input() { return random(Shape.of(n, cin, size, size, size), 1); }

    Tensor weight() { return random(Shape.of(cout, cin, 3, 3, 3), 2); }

    Tensor gradOutput() { return random(Shape.of(n, cout, size, size, size), 3); }

    private static Tensor random(Shape s, long key) {
        Tensor t = Tensor.zeros(DType.FLOAT32, s.dims());
        t.backend().fillRandom(t, RandomGenerator.Distribution.NORMAL, 0, 1, key, 0);
        return t;
    }
}
