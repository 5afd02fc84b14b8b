package org.voxelforge.nn.layers;

import static org.junit.jupiter.api.Assertions.*;
import static org.voxelforge.nn.layers.ConvLayersTest.assertClose;

import org.junit.jupiter.api.Test;
import org.voxelforge.autograd.Variable;
import org.voxelforge.core.DType;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;
import org.voxelforge.nn.layers.Naive.Vol;

/** InstanceNorm3d, GroupNorm and BatchNorm3d against naive loops, running statistics, gradchecks. */
class NormLayersTest {
    private final RandomGenerator rng = new RandomGenerator(5);

    private Tensor rand(int... dims) { return rng.fill(RandomGenerator.Distribution.UNIFORM, -1, 2, DType.FLOAT64, dims); }

    /** Sets affine weight and bias to non-trivial values so the test sees them used. */
    private void randomizeAffine(org.voxelforge.nn.Module m) {
        for (Variable p : m.namedParameters().values()) {
            Tensor r = rand(p.dims());
            p.value().copy_(r);
        }
    }

    @Test void instanceNormMatchesNaive() {
        try (TensorScope s = new TensorScope(); InstanceNorm3d in = new InstanceNorm3d(3, 1e-5, true, DType.FLOAT64)) {
            randomizeAffine(in);
            Tensor x = rand(2, 3, 3, 4, 2);
            Vol ref = Naive.groupNorm(Vol.of(x), 3, 1e-5, in.namedParameters().get("weight").value().toDoubleArray(),
                    in.namedParameters().get("bias").value().toDoubleArray());
            assertClose(ref, in.apply(Variable.constant(x)).value(), 1e-12);
            InstanceNorm3d plain = new InstanceNorm3d(3, 1e-5, false, DType.FLOAT64);
            assertEquals(0, plain.parameterCount());
            assertClose(Naive.groupNorm(Vol.of(x), 3, 1e-5, null, null), plain.apply(Variable.constant(x)).value(), 1e-12);
        }
    }

    @Test void groupNormMatchesNaive() {
        try (TensorScope s = new TensorScope(); GroupNorm gn = new GroupNorm(2, 6, 1e-5, true, DType.FLOAT64)) {
            randomizeAffine(gn);
            Tensor x = rand(2, 6, 2, 3, 2);
            Vol ref = Naive.groupNorm(Vol.of(x), 2, 1e-5, gn.namedParameters().get("weight").value().toDoubleArray(),
                    gn.namedParameters().get("bias").value().toDoubleArray());
            assertClose(ref, gn.apply(Variable.constant(x)).value(), 1e-12);
            assertThrows(IllegalArgumentException.class, () -> new GroupNorm(4, 6));
        }
    }

    @Test void batchNormUsesBatchStatsInTrainingAndRunningStatsInEval() {
        try (TensorScope s = new TensorScope(); BatchNorm3d bn = new BatchNorm3d(2, 1e-5, 0.1, true, DType.FLOAT64)) {
            Tensor x = rand(3, 2, 2, 3, 2);
            Vol v = Vol.of(x);
            double[][] st = Naive.channelStats(v);
            Tensor y = bn.apply(Variable.constant(x)).value();
            double[] yd = y.toDoubleArray();
            int sp = 12;
            for (int i = 0; i < yd.length; i++) {
                int c = (i / sp) % 2;
                assertEquals((v.a()[i] - st[0][c]) / Math.sqrt(st[1][c] + 1e-5), yd[i], 1e-12);
            }
            long cnt = 3 * sp;
            for (int c = 0; c < 2; c++) {
                assertEquals(0.1 * st[0][c], bn.runningMean().get(c), 1e-12);
                assertEquals(0.9 + 0.1 * st[1][c] * cnt / (cnt - 1), bn.runningVar().get(c), 1e-12, "unbiased variance in running_var");
            }
            assertEquals(1, bn.namedBuffers().get("num_batches_tracked").item());
            bn.eval();
            double[] ye = bn.apply(Variable.constant(x)).value().toDoubleArray();
            for (int i = 0; i < ye.length; i++) {
                int c = (i / sp) % 2;
                assertEquals((v.a()[i] - bn.runningMean().get(c)) / Math.sqrt(bn.runningVar().get(c) + 1e-5), ye[i], 1e-12);
            }
            assertEquals(1, bn.namedBuffers().get("num_batches_tracked").item(), "eval does not update");
        }
    }

    @Test void gradchecks() {
        try (TensorScope s = new TensorScope()) {
            InstanceNorm3d in = new InstanceNorm3d(2, 1e-5, true, DType.FLOAT64);
            randomizeAffine(in);
            ModuleGradCheck.assertGradients("InstanceNorm3d", in, rand(2, 2, 2, 3, 2));
            GroupNorm gn = new GroupNorm(2, 4, 1e-5, true, DType.FLOAT64);
            randomizeAffine(gn);
            ModuleGradCheck.assertGradients("GroupNorm", gn, rand(1, 4, 2, 2, 3));
            BatchNorm3d bn = new BatchNorm3d(2, 1e-5, 0.1, true, DType.FLOAT64);
            randomizeAffine(bn);
            ModuleGradCheck.assertGradients("BatchNorm3d train", bn, rand(2, 2, 2, 2, 3));
            bn.eval();
            ModuleGradCheck.assertGradients("BatchNorm3d eval", bn, rand(2, 2, 2, 2, 3));
        }
    }
}
