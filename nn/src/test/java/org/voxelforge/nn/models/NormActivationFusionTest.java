package org.voxelforge.nn.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.voxelforge.autograd.Node;
import org.voxelforge.autograd.Variable;
import org.voxelforge.core.DType;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;
import org.voxelforge.nn.Module;
import org.voxelforge.nn.layers.LeakyReLU;
import org.voxelforge.nn.layers.ReLU;

/**
 * ConvNormAct runs group/instance norm and a (leaky) ReLU as one op: the output and every gradient
 * equal, bit for bit, the unfused pair (forced here by a forward hook on the activation, which the
 * fusion must not skip), and the graph records one norm node fewer.
 */
class NormActivationFusionTest {
    @Test void fusedBlockEqualsNormThenActivation() {
        for (NormKind norm : new NormKind[] {NormKind.INSTANCE_AFFINE, NormKind.INSTANCE, NormKind.GROUP}) {
            for (boolean relu : new boolean[] {true, false}) {
                try (TensorScope s = new TensorScope()) {
                    check(norm, relu);
                }
            }
        }
    }

    private static void check(NormKind norm, boolean relu) {
        String what = norm + (relu ? " relu" : " leaky relu");
        Tensor input = new RandomGenerator(3).fill(RandomGenerator.Distribution.NORMAL, 0, 1, DType.FLOAT32, 2, 3, 5, 4, 6);
        ConvNormAct fusedBlock = block(norm, relu);
        ConvNormAct plainBlock = block(norm, relu);
        List<String> hookRuns = new ArrayList<>();
        plainBlock.children().get("nonlin").registerForwardHook((m, in, out) -> { hookRuns.add("ran"); return null; });

        Run fused = run(fusedBlock, input), plain = run(plainBlock, input);
        assertEquals(1, hookRuns.size(), what + ": the activation's hook must run, so that block may not fuse");
        assertEquals(List.of("conv3d", "group_norm_leaky_relu"), fused.ops, what + " fused graph");
        assertEquals(List.of("conv3d", "group_norm", relu ? "relu" : "leaky_relu"), plain.ops, what + " unfused graph");
        assertArrayEquals(plain.output, fused.output, what + " output");
        for (String name : plain.grads.keySet()) assertArrayEquals(plain.grads.get(name), fused.grads.get(name), what + " gradient of " + name);
        assertArrayEquals(plain.inputGrad, fused.inputGrad, what + " input gradient");
    }

    private static ConvNormAct block(NormKind norm, boolean relu) {
        return new ConvNormAct(3, 4, new int[] {3}, new int[] {1}, 1, true, norm, relu ? new ReLU() : new LeakyReLU(0.01),
                DType.FLOAT32, new RandomGenerator(11));
    }

    private record Run(List<String> ops, float[] output, Map<String, float[]> grads, float[] inputGrad) {}

    private static Run run(Module block, Tensor input) {
        Variable x = Variable.param(input);
        Variable y = block.apply(x);
        List<String> ops = new ArrayList<>();
        for (Node n = y.node(); n != null; n = n.inputs().isEmpty() ? null : n.inputs().get(0).node()) ops.add(0, n.op());
        y.mul(y).sum().backward();
        Map<String, float[]> grads = new java.util.TreeMap<>();
        block.namedParameters().forEach((name, p) -> grads.put(name, p.grad().toFloatArray()));
        return new Run(ops, y.value().toFloatArray(), grads, x.grad().toFloatArray());
    }
}
