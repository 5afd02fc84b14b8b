package org.voxelforge.nn.device;

import static org.junit.jupiter.api.Assertions.*;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.voxelforge.autograd.Variable;
import org.voxelforge.core.Device;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;
import org.voxelforge.core.cuda.EmulatedKernels;
import org.voxelforge.nn.optim.GradClipping;

/** Gradient-norm clipping of device gradients (reduced on the device, scaled in place there) against the CPU. */
class EmulatedGradClippingTest {
    @Test void normAndScaledGradientsMatchTheCpu() {
        EmulatedKernels.Availability a = EmulatedKernels.availability();
        Assumptions.assumeTrue(a.available(), "kernel emulator unavailable: " + a.reason());
        try (TensorScope s = new TensorScope()) {
            RandomGenerator r = new RandomGenerator(6);
            Map<String, Variable> cpu = new LinkedHashMap<>(), dev = new LinkedHashMap<>();
            for (int i = 0; i < 3; i++) {
                Tensor w = r.normal(0, 1, 4 + i, 5), g = r.normal(0, 3, 4 + i, 5);
                Variable pc = Variable.param(w.copy()), pd = Variable.param(w.to(Device.EMULATOR));
                pc.mul(Variable.constant(g)).sum().backward(); // grad = g
                pd.mul(Variable.constant(g.to(Device.EMULATOR))).sum().backward();
                cpu.put("p" + i, pc);
                dev.put("p" + i, pd);
            }
            double want = GradClipping.clipGradNorm(cpu, 1.0, 2, false), got = GradClipping.clipGradNorm(dev, 1.0, 2, false);
            assertEquals(want, got, 1e-5 * want, "global norm");
            for (String k : cpu.keySet()) {
                assertEquals(Device.EMULATOR, dev.get(k).grad().device(), k);
                assertArrayEquals(cpu.get(k).grad().toFloatArray(), dev.get(k).grad().toFloatArray(), 1e-6f, k);
            }
        }
    }
}
