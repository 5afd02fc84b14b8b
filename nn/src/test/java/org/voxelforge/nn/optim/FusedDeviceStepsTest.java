package org.voxelforge.nn.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.voxelforge.autograd.Variable;
import org.voxelforge.core.DType;
import org.voxelforge.core.Device;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;
import org.voxelforge.core.cuda.EmulatedKernels;

/**
 * The fused optimizers update a group's device parameters together: SGD queues every parameter
 * of a group under one key (one launch over a parameter table), Adam splits them by step number
 * (the bias corrections differ), and the results are the CPU optimizer's.
 */
class FusedDeviceStepsTest {
    @BeforeEach void emulator() {
        EmulatedKernels.Availability a = EmulatedKernels.availability();
        Assumptions.assumeTrue(a.available(), "kernel emulator unavailable: " + a.reason());
    }

    private static Tensor rand(long seed, int... dims) {
        return new RandomGenerator(seed).fill(RandomGenerator.Distribution.NORMAL, 0, 1, DType.FLOAT32, dims);
    }

    @Test void sgdQueuesAGroupAsOneLaunchAndMatchesTheCpu() {
        try (TensorScope s = new TensorScope()) {
            int[][] shapes = {{7}, {3, 5}, {2, 3, 4, 4, 1}};
            Variable[] pc = new Variable[3], pd = new Variable[3];
            for (int i = 0; i < 3; i++) {
                pc[i] = Variable.param(rand(i, shapes[i]));
                pd[i] = Variable.param(rand(i, shapes[i]).to(Device.EMULATOR));
            }
            SGD cpu = new SGD(List.of(pc), 0.1, 0.9, true, 1e-3);
            SGD dev = new SGD(List.of(pd), 0.1, 0.9, true, 1e-3);
            Optimizer.DeviceSteps steps = new Optimizer.DeviceSteps();
            ParamGroup g = dev.paramGroups().get(0);
            for (int i = 0; i < 3; i++) {
                try (ParamState st = new ParamState()) { // only queued, never flushed: the real step below owns its state
                    st.step = 1;
                    Tensor grad = rand(10 + i, shapes[i]).to(Device.EMULATOR);
                    assertEquals(true, dev.queueOnDevice(pd[i].value(), grad, st, g, steps), "parameter " + i + " is fusable");
                }
            }
            assertEquals(1, steps.byKey().size(), "one launch for the group");
            assertEquals(3, steps.byKey().values().iterator().next().size(), "with every parameter in its table");
            // and the whole step agrees with the CPU over two steps (first step fills the momentum buffer)
            for (int step = 0; step < 2; step++) {
                for (int i = 0; i < 3; i++) {
                    pc[i].zeroGrad();
                    pd[i].zeroGrad();
                    pc[i].mul(pc[i]).sum().backward();
                    pd[i].mul(pd[i]).sum().backward();
                }
                cpu.step();
                dev.step();
            }
            for (int i = 0; i < 3; i++) {
                float[] want = pc[i].value().toFloatArray(), got = pd[i].value().toFloatArray();
                for (int k = 0; k < want.length; k++) assertEquals(want[k], got[k], 1e-6 * (1 + Math.abs(want[k])), "parameter " + i + "[" + k + "]");
            }
            cpu.close();
            dev.close();
        }
    }

    @Test void adamSplitsByStepNumber() {
        try (TensorScope s = new TensorScope()) {
            Variable a = Variable.param(rand(1, 4).to(Device.EMULATOR)), b = Variable.param(rand(2, 6).to(Device.EMULATOR));
            Adam adam = new Adam(List.of(a, b), 1e-2);
            Optimizer.DeviceSteps steps = new Optimizer.DeviceSteps();
            ParamGroup g = adam.paramGroups().get(0);
            ParamState sa = new ParamState(), sb = new ParamState();
            sa.step = 3;
            sb.step = 1; // b missed two steps (no gradient then): its bias correction is another
            adam.queueOnDevice(a.value(), rand(3, 4).to(Device.EMULATOR), sa, g, steps);
            adam.queueOnDevice(b.value(), rand(4, 6).to(Device.EMULATOR), sb, g, steps);
            assertEquals(2, steps.byKey().size(), "two step numbers, two launches");
            sa.close();
            sb.close();
            adam.close();
        }
    }
}
