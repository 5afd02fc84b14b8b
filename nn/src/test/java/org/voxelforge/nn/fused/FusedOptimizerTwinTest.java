package org.voxelforge.nn.fused;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.voxelforge.autograd.Variable;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;
import org.voxelforge.core.fused.FusedOptimizer;
import org.voxelforge.core.fused.FusedOptimizer.Block;
import org.voxelforge.nn.optim.AdamW;
import org.voxelforge.nn.optim.GradClipping;
import org.voxelforge.nn.optim.Optimizer;
import org.voxelforge.nn.optim.SGD;

/**
 * The CPU twin of optim.cuh against the nn optimizers on float32 parameters of several sizes,
 * three steps each, with gradient clipping (GradClipping.clipGradNorm before each step, the
 * fused clip scale inside the step). The twin follows the nn formulas term for term in double,
 * so parameters and states must agree to 1e-6 relative (in practice bit for bit) and the norm
 * to 1e-12 relative (only the order of double additions differs).
 */
class FusedOptimizerTwinTest {
    private static final int[] SIZES = {7, 300, 1};

    private final SplittableRandom rnd = new SplittableRandom(17);

    private float[] gaussian(int n, double std) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (std * rnd.nextGaussian());
        return a;
    }

    /** Runs 3 steps of {@code nn} on float32 params and of {@code fused} on copies; compares after each. */
    private void compare(boolean adamw, java.util.function.Function<List<Variable>, Optimizer> nn, double maxNorm, Stepper fused) {
        List<Variable> params = new ArrayList<>();
        List<Block> blocks = new ArrayList<>();
        for (int n : SIZES) {
            float[] w = gaussian(n, 1);
            params.add(Variable.param(TensorScope.untrack(Tensor.of(w.clone(), n))));
            blocks.add(new Block(w, new float[n], new float[n], adamw ? new float[n] : null));
        }
        try (Optimizer opt = nn.apply(params)) {
            for (int step = 1; step <= 3; step++) {
                for (int k = 0; k < params.size(); k++) {
                    float[] g = gaussian(SIZES[k], step == 2 ? 10 : 0.01); // step 2 clips, the others not
                    System.arraycopy(g, 0, blocks.get(k).grad(), 0, g.length);
                    Variable p = params.get(k);
                    p.zeroGrad();
                    try (TensorScope s = new TensorScope()) {
                        p.mul(Variable.constant(Tensor.of(g, g.length))).sum().backward();
                    }
                }
                double refNorm = GradClipping.clipGradNorm(params, maxNorm);
                opt.step();
                double[] clip = FusedOptimizer.gradNorm(blocks, maxNorm);
                assertEquals(refNorm, clip[0], 1e-12 * refNorm, "step " + step + ": global norm");
                assertEquals(step == 2, clip[1] < 1, "step " + step + ": clipping applies only to the large gradients");
                fused.step(blocks, step, clip);
                for (int k = 0; k < params.size(); k++) {
                    float[] ref = params.get(k).value().toFloatArray(), got = blocks.get(k).param();
                    for (int i = 0; i < ref.length; i++) {
                        assertEquals(ref[i], got[i], 1e-6 * Math.max(1e-3, Math.abs(ref[i])), "step " + step + ", param " + k + "[" + i + "]");
                    }
                }
            }
        } finally {
            for (Variable p : params) { p.close(); p.value().close(); }
        }
    }

    interface Stepper { void step(List<Block> blocks, int step, double[] clip); }

    @Test void sgdWithNesterovMomentumAndWeightDecayMatchesSgd() {
        compare(false, ps -> new SGD(ps, 0.05, 0.9, true, 1e-3), 1.0,
                (b, t, clip) -> FusedOptimizer.sgdStep(b, 0.05, 0.9, 0, 1e-3, true, t == 1, clip));
    }

    @Test void heavyBallSgdMatchesSgd() {
        compare(false, ps -> new SGD(ps, 0.1, 0.8, false, 0), 2.0,
                (b, t, clip) -> FusedOptimizer.sgdStep(b, 0.1, 0.8, 0, 0, false, t == 1, clip));
    }

    @Test void adamwMatchesAdamW() {
        compare(true, ps -> new AdamW(ps, 3e-3, 0.05), 1.0,
                (b, t, clip) -> FusedOptimizer.adamwStep(b, 3e-3, 0.9, 0.999, 1e-8, 0.05, t, clip));
    }

    @Test void badArgumentsNameTheOp() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Block(new float[3], new float[2], null, null));
        assertTrue(e.getMessage().contains("FusedOptimizer") && e.getMessage().contains("grad [2]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> FusedOptimizer.adamwScalars(1e-3, 0.9, 0.999, 0, 0));
        assertTrue(e.getMessage().contains("step counts from 1"), e.getMessage());
    }
}
