package org.voxelforge.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.voxelforge.autograd.Inputs.check;
import static org.voxelforge.autograd.Inputs.rand;
import static org.voxelforge.autograd.Inputs.transposed;

import org.junit.jupiter.api.Test;
import org.voxelforge.core.TensorScope;

/** Gradchecks of matmul: matrices, batches, broadcast batches, and the rank-1 cases. */
class MatmulGradTest {
    @Test void matrices() {
        try (TensorScope s = new TensorScope()) {
            check("[3,4] x [4,2]", v -> v[0].matmul(v[1]), rand(1, 3, 4), rand(2, 4, 2));
            check("non-contiguous [3,4] x [4,2]", v -> v[0].matmul(v[1]), transposed(3, 3, 4), transposed(4, 4, 2));
        }
    }

    @Test void batchedAndBroadcast() {
        try (TensorScope s = new TensorScope()) {
            check("[2,3,4] x [2,4,2]", v -> v[0].matmul(v[1]), rand(1, 2, 3, 4), rand(2, 2, 4, 2));
            check("[2,3,4] x [4,2]", v -> v[0].matmul(v[1]), rand(3, 2, 3, 4), rand(4, 4, 2));
            check("[3,4] x [2,4,2]", v -> v[0].matmul(v[1]), rand(5, 3, 4), rand(6, 2, 4, 2));
            check("[2,1,3,4] x [3,4,2]", v -> v[0].matmul(v[1]), rand(7, 2, 1, 3, 4), rand(8, 3, 4, 2));
        }
    }

    @Test void rankOne() {
        try (TensorScope s = new TensorScope()) {
            check("[4] x [4]", v -> v[0].matmul(v[1]), rand(1, 4), rand(2, 4));
            check("[3,4] x [4]", v -> v[0].matmul(v[1]), rand(3, 3, 4), rand(4, 4));
            check("[4] x [4,2]", v -> v[0].matmul(v[1]), rand(5, 4), rand(6, 4, 2));
            check("[4] x [2,4,3]", v -> v[0].matmul(v[1]), rand(7, 4), rand(8, 2, 4, 3));
            check("[2,3,4] x [4]", v -> v[0].matmul(v[1]), rand(9, 2, 3, 4), rand(10, 4));
        }
    }

    @Test void rankOneShapesFollowNumPy() {
        try (TensorScope s = new TensorScope()) {
            Variable a = Variable.param(rand(1, 4)), m = Variable.param(rand(2, 3, 4));
            assertArrayEquals(new int[] {}, a.matmul(a).dims());
            assertArrayEquals(new int[] {3}, m.matmul(a).dims());
            assertArrayEquals(new int[] {3}, a.matmul(Variable.param(rand(3, 4, 3))).dims());
        }
    }
}
