package org.voxelforge.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.voxelforge.autograd.Inputs.check;
import static org.voxelforge.autograd.Inputs.rand;
import static org.voxelforge.autograd.Inputs.transposed;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.voxelforge.core.DType;
import org.voxelforge.core.PadMode;
import org.voxelforge.core.Shape;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;

/** Gradchecks of views, casts, joins, padding, flips and indexing. */
class ShapeGradTest {
    @Test void castThroughFloat32() {
        try (TensorScope s = new TensorScope()) {
            // float32 in the middle: central differences need a larger step and tolerance
            GradCheck.Result r = GradCheck.check(v -> v[0].cast(DType.FLOAT32).square().cast(DType.FLOAT64),
                    1e-2, 1e-3, 1e-3, rand(1, 2, 3));
            assertTrue(r.passed(), r.toString());
            Variable x = Variable.param(rand(2, 4).cast(DType.FLOAT32));
            x.cast(DType.FLOAT64).mul(3.0).sum().backward();
            assertEquals(DType.FLOAT32, x.grad().dtype());
            assertArrayEquals(new double[] {3, 3, 3, 3}, x.grad().toDoubleArray());
            x.close();
            Variable h = Variable.param(rand(3, 4));
            h.cast(DType.BFLOAT16).cast(DType.FLOAT32).sum().backward();
            assertEquals(DType.FLOAT64, h.grad().dtype());
            assertArrayEquals(new double[] {1, 1, 1, 1}, h.grad().toDoubleArray());
            h.close();
        }
    }

    @Test void castToIntegerStopsTheGradient() {
        try (TensorScope s = new TensorScope()) {
            Variable y = Variable.param(rand(1, 3)).cast(DType.INT32);
            assertTrue(!y.requiresGrad());
        }
    }

    @Test void reshapeViewFlatten() {
        try (TensorScope s = new TensorScope()) {
            check("reshape [2,3,4] -> [6,-1]", v -> v[0].reshape(6, -1).mul(v[0].reshape(6, 4)), rand(1, 2, 3, 4));
            check("reshape non-contiguous", v -> v[0].reshape(12), transposed(2, 3, 4));
            check("view", v -> v[0].view(3, 2, 4), rand(3, 2, 3, 4));
            check("flatten", v -> v[0].flatten(), rand(4, 2, 3, 2));
        }
    }

    @Test void permuteTranspose() {
        try (TensorScope s = new TensorScope()) {
            check("permute 2,0,1", v -> v[0].permute(2, 0, 1).mul(Variable.constant(rand(9, 4, 2, 3))), rand(1, 2, 3, 4));
            check("transpose 0,2", v -> v[0].transpose(0, -1), rand(2, 2, 3, 4));
            check("transpose non-contiguous", v -> v[0].transpose(0, 1), transposed(3, 3, 4));
        }
    }

    @Test void sliceAndSelect() {
        try (TensorScope s = new TensorScope()) {
            check("slice axis 1 [1:4]", v -> v[0].slice(1, 1, 4), rand(1, 2, 5));
            check("slice with step 2", v -> v[0].slice(1, 0, 5, 2), rand(2, 3, 5));
            check("slice negative start, step 3", v -> v[0].slice(0, -5, 7, 3), rand(3, 7, 2));
            check("select axis 0 index 1", v -> v[0].select(0, 1), rand(4, 3, 4));
            check("select axis -1 index -1 non-contiguous", v -> v[0].select(-1, -1), transposed(5, 3, 4));
        }
    }

    @Test void expandSqueezeUnsqueeze() {
        try (TensorScope s = new TensorScope()) {
            check("expand [3,1] -> [2,3,4]", v -> v[0].expand(2, 3, 4), rand(1, 3, 1));
            check("broadcastTo", v -> v[0].broadcastTo(Shape.of(3, 2, 4)), rand(2, 1, 4));
            check("squeeze axis", v -> v[0].squeeze(1), rand(3, 2, 1, 3));
            check("squeeze all", v -> v[0].squeeze(), rand(4, 1, 3, 1));
            check("unsqueeze", v -> v[0].unsqueeze(-1), rand(5, 2, 3));
            check("expand non-contiguous", v -> v[0].unsqueeze(0).expand(2, 3, 2), rand(6, 3, 4).slice(1, 0, 4, 2));
            check("squeeze non-contiguous", v -> v[0].unsqueeze(1).squeeze(1), transposed(7, 3, 4));
        }
    }

    @Test void concatAndStack() {
        try (TensorScope s = new TensorScope()) {
            check("concat axis 1", v -> Variable.concat(List.of(v[0], v[1], v[2]), 1),
                    rand(1, 2, 1), rand(2, 2, 3), transposed(3, 2, 2));
            check("concat axis 0, one input used twice", v -> Variable.concat(List.of(v[0], v[1], v[0]), 0),
                    rand(4, 2, 3), rand(5, 1, 3));
            check("stack axis 1", v -> Variable.stack(List.of(v[0], v[1]), 1), rand(6, 2, 3), rand(7, 2, 3));
        }
    }

    @Test void padConstant() {
        try (TensorScope s = new TensorScope()) {
            check("pad constant", v -> v[0].pad(new int[] {1, 0}, new int[] {2, 3}, PadMode.CONSTANT, 1.5), rand(1, 2, 3));
            check("pad constant 3-d", v -> v[0].pad(new int[] {0, 2, 1}, new int[] {1, 0, 1}, PadMode.CONSTANT, 0),
                    rand(2, 2, 2, 3));
            check("pad constant non-contiguous", v -> v[0].pad(new int[] {1, 1}, new int[] {0, 2}, PadMode.CONSTANT, -1),
                    transposed(3, 3, 4));
        }
    }

    @Test void padReflectAndEdgeMatchTensorPadAndGradcheck() {
        try (TensorScope s = new TensorScope()) {
            Tensor x = rand(1, 3, 4);
            int[] before = {2, 1}, after = {1, 3};
            for (PadMode mode : new PadMode[] {PadMode.REFLECT, PadMode.EDGE}) {
                Variable y = Variable.constant(x).pad(before, after, mode, 0);
                Tensor ref = x.pad(before, after, mode, 0);
                assertArrayEquals(ref.dims(), y.dims(), mode.toString());
                assertArrayEquals(ref.toDoubleArray(), y.value().toDoubleArray(), 0, mode.toString());
                check("pad " + mode, v -> v[0].pad(before, after, mode, 0), rand(2, 3, 4));
                check("pad " + mode + " non-contiguous", v -> v[0].pad(new int[] {1, 0}, new int[] {0, 2}, mode, 0),
                        transposed(3, 3, 4));
            }
        }
    }

    @Test void flip() {
        try (TensorScope s = new TensorScope()) {
            check("flip axis 0", v -> v[0].flip(0).mul(Variable.constant(rand(9, 3, 4))), rand(1, 3, 4));
            check("flip axes 0,2", v -> v[0].flip(0, 2), rand(2, 2, 3, 2));
            check("flip non-contiguous", v -> v[0].flip(1), transposed(3, 3, 4));
        }
    }

    @Test void gatherWithRepeatedIndices() {
        try (TensorScope s = new TensorScope()) {
            Tensor index = Tensor.ofLongs(new long[] {0, 3, 3, 1, 2, 2, 0, 0}, 4, 2); // repeats add up in backward
            check("gather axis 1", v -> v[0].gather(1, index), rand(1, 4, 4));
            Tensor index0 = Tensor.ofLongs(new long[] {2, 0, 1, 2, 2, 2}, 2, 3);
            check("gather axis 0", v -> v[0].gather(0, index0), rand(2, 3, 3));
            check("gather non-contiguous", v -> v[0].gather(1, index), transposed(3, 4, 4));
        }
    }

    @Test void indexSelectWithRepeatedIndices() {
        try (TensorScope s = new TensorScope()) {
            Tensor index = Tensor.ofLongs(new long[] {2, 0, 2, 1, 2}, 5);
            check("indexSelect axis 0", v -> v[0].indexSelect(0, index), rand(1, 3, 4));
            check("indexSelect axis 1 non-contiguous", v -> v[0].indexSelect(1, index), transposed(2, 2, 3));
        }
    }
}
