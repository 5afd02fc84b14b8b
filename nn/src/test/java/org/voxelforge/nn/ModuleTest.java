package org.voxelforge.nn;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.voxelforge.autograd.Variable;
import org.voxelforge.core.Tensor;

class ModuleTest {
    static final class Leaf extends Module {
        final Variable w;
        Leaf() { w = registerParameter("weight", Tensor.ones(2, 2)); }
        @Override public Variable forward(Variable x) { return x.matmul(w); }
    }

    static final class Tree extends Module {
        final Leaf a, b;
        Tree() {
            a = registerModule("encoder", new Leaf());
            b = registerModule("decoder", new Leaf());
        }
        @Override public Variable forward(Variable x) { return b.apply(a.apply(x)); }
    }

    @Test void namesCountsModesAndFreezing() {
        try (Tree t = new Tree()) {
            assertEquals(List.of("encoder.weight", "decoder.weight"), List.copyOf(t.namedParameters().keySet()));
            assertEquals(8, t.parameterCount());
            t.eval();
            assertFalse(t.a.isTraining());
            t.train(true);
            assertTrue(t.b.isTraining());
            assertEquals(1, t.freeze("encoder.**"));
            assertEquals(List.of(t.b.w), t.trainableParameters());
            var e = assertThrows(IllegalArgumentException.class, () -> t.freeze("bottleneck.*"));
            assertTrue(e.getMessage().contains("bottleneck.*") && e.getMessage().contains("encoder.weight"), e.getMessage());
            t.unfreeze("*.weight");
            assertEquals(2, t.trainableParameters().size());
        }
    }

    @Test void forwardHooksSeeAndMayReplaceOutputs() {
        try (Tree t = new Tree()) {
            int[] calls = {0};
            t.a.registerForwardHook((m, in, out) -> { calls[0]++; return null; });
            t.registerForwardHook((m, in, out) -> out.mul(2.0));
            Variable y = t.apply(Variable.constant(Tensor.ones(1, 2)));
            assertEquals(1, calls[0]);
            assertEquals(8.0, y.value().get(0, 0)); // [1,1] x ones -> [2,2] x ones -> [4,4], doubled
        }
    }

    @Test void globMatchesWithinAndAcrossNameParts() {
        assertTrue(Module.globPredicate("encoder.*.weight").test("encoder.0.weight"));
        assertFalse(Module.globPredicate("encoder.*.weight").test("encoder.0.conv.weight"));
        assertTrue(Module.globPredicate("encoder.**").test("encoder.0.conv.weight"));
        assertFalse(Module.globPredicate("encoder.**").test("decoder.0.weight"));
    }
}
