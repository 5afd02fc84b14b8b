package org.voxelforge.cli.selftest;

import java.util.List;
import java.util.function.Function;
import org.voxelforge.autograd.ConvOps;
import org.voxelforge.autograd.GradCheck;
import org.voxelforge.autograd.Variable;
import org.voxelforge.core.Conv3dParams;
import org.voxelforge.core.DType;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;
import org.voxelforge.nn.layers.InstanceNorm3d;
import org.voxelforge.nn.loss.CrossEntropyLoss;
import org.voxelforge.nn.loss.SoftDiceLoss;

/**
 * Float64 gradchecks ({@link GradCheck}: analytic backward against central differences) of the
 * ops a U-Net training step is made of: conv3d, instance norm, softmax cross-entropy and soft
 * Dice. These run the same code on every machine; they catch a broken JIT or math library.
 */
final class GradientChecks {
    private GradientChecks() {}

    static List<SelfTestCheck> all(long seed) {
        return List.of(
                check("gradcheck conv3d k3 p1 +bias", seed, r -> new Tensor[] {r.t(1, 2, 3, 4, 3), r.t(3, 2, 3, 3, 3), r.t(3)},
                        v -> ConvOps.conv3d(v[0], v[1], v[2], Conv3dParams.of(1, 1))),
                check("gradcheck conv3d s2 p1 d(1,2,1) g2", seed + 1, r -> new Tensor[] {r.t(2, 4, 4, 5, 4), r.t(2, 2, 2, 2, 2)},
                        v -> ConvOps.conv3d(v[0], v[1], null, Conv3dParams.of(2, 1).withDilation(1, 2, 1).withGroups(2))),
                instanceNorm(seed + 2),
                lossCheck("gradcheck softmax cross-entropy", seed + 3, (logits, labels) -> new CrossEntropyLoss().compute(logits, labels, null)),
                lossCheck("gradcheck soft dice (MIST)", seed + 4, (logits, labels) -> SoftDiceLoss.mist().compute(logits, labels, null)));
    }

    /** Random float64 inputs in [-1, 1). */
    private record Inputs(RandomGenerator rng) {
        Tensor t(int... dims) { return rng.fill(RandomGenerator.Distribution.UNIFORM, -1, 1, DType.FLOAT64, dims); }
    }

    private static SelfTestCheck check(String name, long seed, Function<Inputs, Tensor[]> inputs, Function<Variable[], Variable> f) {
        return SelfTestCheck.of(name, () -> {
            try (TensorScope scope = new TensorScope()) {
                return verdict(name, GradCheck.check(f, inputs.apply(new Inputs(new RandomGenerator(seed)))));
            }
        });
    }

    private static SelfTestCheck instanceNorm(long seed) {
        String name = "gradcheck instance norm (affine)";
        return SelfTestCheck.of(name, () -> {
            try (TensorScope scope = new TensorScope(); InstanceNorm3d norm = new InstanceNorm3d(3, 1e-5, true, DType.FLOAT64)) {
                Tensor x = new Inputs(new RandomGenerator(seed)).t(2, 3, 3, 4, 3);
                return verdict(name, GradCheck.check(v -> norm.apply(v[0]), x));
            }
        });
    }

    private interface LossFn { Variable apply(Variable logits, Tensor labels); }

    /** A loss of logits [2, 3, 3, 3, 2] and random labels in 0..2, checked w.r.t. the logits. */
    private static SelfTestCheck lossCheck(String name, long seed, LossFn loss) {
        return SelfTestCheck.of(name, () -> {
            try (TensorScope scope = new TensorScope()) {
                RandomGenerator rng = new RandomGenerator(seed);
                Tensor logits = rng.fill(RandomGenerator.Distribution.NORMAL, 0, 1.5, DType.FLOAT64, 2, 3, 3, 3, 2);
                long[] lab = new long[2 * 3 * 3 * 2];
                for (int i = 0; i < lab.length; i++) lab[i] = rng.nextInt(3);
                Tensor labels = Tensor.ofLongs(lab, 2, 3, 3, 2);
                return verdict(name, GradCheck.check(v -> loss.apply(v[0], labels), logits));
            }
        });
    }

    private static SelfTestResult verdict(String name, GradCheck.Result r) {
        String detail = r.elementsChecked() + " elements" + (r.passed() ? "" : "; worst: input " + r.input() + " at "
                + java.util.Arrays.toString(r.index()) + ", analytic " + r.analytic() + ", numeric " + r.numeric());
        return r.passed() ? new SelfTestResult(name, SelfTestResult.Status.PASS, 0, r.absError(), r.tolerance(), detail)
                : new SelfTestResult(name, SelfTestResult.Status.FAIL, 0, r.absError(), r.tolerance(), detail);
    }
}
