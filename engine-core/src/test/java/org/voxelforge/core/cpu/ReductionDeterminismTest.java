package org.voxelforge.core.cpu;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.voxelforge.core.DType;
import org.voxelforge.core.ReduceOp;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;

/** A reduction's bits must not depend on how its blocks are spread over threads. */
class ReductionDeterminismTest {
    @Test void sameBitsWhateverTheSplit() {
        Random rng = new Random(3);
        int outer = 3, inner = 200_003; // 49 blocks per row, the last one short
        float[] v = new float[outer * inner];
        for (int i = 0; i < v.length; i++) v[i] = (float) (rng.nextGaussian() * 1e3);
        try (TensorScope s = new TensorScope()) {
            Tensor x = Tensor.of(v, outer, inner);
            for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64, DType.BFLOAT16}) {
                Tensor xt = x.cast(t);
                try (CpuReductions.Rows rows = CpuReductions.Rows.of(xt, new int[] {1})) {
                    for (ReduceOp op : new ReduceOp[] {ReduceOp.SUM, ReduceOp.MEAN, ReduceOp.MAX}) {
                        double[] serial = CpuReductions.reduceRowsDouble(op, rows, Long.MAX_VALUE);
                        double[] finest = CpuReductions.reduceRowsDouble(op, rows, 1);
                        double[] seven = CpuReductions.reduceRowsDouble(op, rows, 7);
                        for (int r = 0; r < outer; r++) {
                            assertEquals(Double.doubleToRawLongBits(serial[r]), Double.doubleToRawLongBits(finest[r]), op + " " + t);
                            assertEquals(Double.doubleToRawLongBits(serial[r]), Double.doubleToRawLongBits(seven[r]), op + " " + t);
                        }
                    }
                    double[] a = CpuReductions.varianceRows(rows, 1, Long.MAX_VALUE), b = CpuReductions.varianceRows(rows, 1, 1);
                    assertArrayEquals(a, b, 0.0);
                }
                // and through the public op, which uses the pool's own split
                assertEquals(Double.doubleToRawLongBits(xt.sum().item()), Double.doubleToRawLongBits(xt.sum().item()));
            }
        }
    }
}
