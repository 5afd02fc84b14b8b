package org.voxelforge.nn.optim;

import static org.junit.jupiter.api.Assertions.*;
import static org.voxelforge.nn.optim.OptimTestSupport.*;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.voxelforge.autograd.Variable;
import org.voxelforge.core.DType;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;

/** Saving and restoring optimizer state resumes bit for bit. */
class StateDictTest {
    static final double[] P0 = {0.25, -0.75, 1.5, 2.25, -0.125, 0.5};

    /** Trains 5 steps, checkpoints, trains 5 more; then a fresh optimizer loads the checkpoint and must reproduce the last 5 bit for bit. */
    static void resumesBitwise(Function<List<Variable>, Optimizer> make) {
        Variable a = param("a", DType.FLOAT32, P0), b = param("b", DType.FLOAT32, P0);
        try (TensorScope scope = new TensorScope(); Optimizer first = make.apply(List.of(a))) {
            for (int t = 0; t < 5; t++) {
                setGrad(a, fixedGrads(P0.length, t));
                first.step();
            }
            Map<String, Tensor> ckpt = first.stateDict();
            float[] atCkpt = a.value().toFloatArray();
            for (int t = 5; t < 10; t++) {
                setGrad(a, fixedGrads(P0.length, t));
                first.step();
            }
            b.value().copy_(Tensor.of(atCkpt, atCkpt.length));
            try (Optimizer second = make.apply(List.of(b))) {
                second.setLr(123); // overwritten by the checkpoint's options
                second.loadStateDict(ckpt);
                for (int t = 5; t < 10; t++) {
                    setGrad(b, fixedGrads(P0.length, t));
                    second.step();
                }
            }
            float[] x = a.value().toFloatArray(), y = b.value().toFloatArray();
            for (int i = 0; i < x.length; i++) {
                assertEquals(Float.floatToRawIntBits(x[i]), Float.floatToRawIntBits(y[i]), "element " + i + ": " + x[i] + " vs " + y[i]);
            }
        } finally {
            close(a, b);
        }
    }

    @Test void sgd() { resumesBitwise(ps -> new SGD(ps, 0.05, 0.9, true, 1e-3)); }

    @Test void adam() { resumesBitwise(ps -> new Adam(ParamGroup.of(ps).set("lr", 0.01).set("amsgrad", true))); }

    @Test void adamw() { resumesBitwise(ps -> new AdamW(ps, 0.01, 0.05)); }

    @Test void radam() { resumesBitwise(ps -> new RAdam(ps, 0.01)); }

    @Test void rangerWithItsSlowWeights() { resumesBitwise(ps -> new Ranger(List.of(ParamGroup.of(ps).set("lr", 0.01)), 3, 0.5)); }

    @Test void keysAndErrors() {
        Variable a = param("a", DType.FLOAT32, P0);
        try (TensorScope scope = new TensorScope(); Adam opt = new Adam(List.of(a), 0.01)) {
            setGrad(a, fixedGrads(P0.length, 0));
            opt.step();
            Map<String, Tensor> sd = opt.stateDict();
            assertTrue(sd.keySet().containsAll(List.of("param_groups.0.lr", "param_groups.0.beta2", "state.0.step", "state.0.exp_avg", "state.0.exp_avg_sq")), sd.keySet().toString());
            assertEquals(1, sd.get("state.0.step").item());
            var e = assertThrows(IllegalArgumentException.class, () -> opt.loadStateDict(Map.of("state.0.exp_avg", Tensor.zeros(3))));
            assertTrue(e.getMessage().contains("state.0.exp_avg") && e.getMessage().contains("[3]"), e.getMessage());
            var f = assertThrows(IllegalArgumentException.class, () -> opt.loadStateDict(Map.of("state.4.exp_avg", Tensor.zeros(6))));
            assertTrue(f.getMessage().contains("out of range"), f.getMessage());
            var g = assertThrows(IllegalArgumentException.class, () -> opt.loadStateDict(Map.of("momentum", Tensor.zeros(6))));
            assertTrue(g.getMessage().contains("'momentum'"), g.getMessage());
            assertEquals(1, opt.state(a).step()); // a failed load leaves the state as it was
        } finally {
            close(a);
        }
    }
}
