package org.voxelforge.nn.device;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.voxelforge.autograd.Variable;
import org.voxelforge.core.DType;
import org.voxelforge.core.Device;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;
import org.voxelforge.core.cuda.CudaBackend;
import org.voxelforge.core.cuda.EmulatedKernels;
import org.voxelforge.nn.models.DynamicUNet;
import org.voxelforge.nn.optim.Adam;
import org.voxelforge.nn.optim.Optimizer;
import org.voxelforge.nn.optim.SGD;

/**
 * A whole training step on the CUDA backend (over the emulator, so in CI): the same small
 * DynamicUNet (instance norm, LeakyReLU, strided convs, transposed-conv upsampling, skip concat)
 * built twice from one seed, one copy moved to the device with Module.to, trained side by side
 * with SGD (Nesterov momentum, weight decay) or Adam on soft Dice + cross-entropy; on the device
 * the updates run as the fused optimizer kernels. Losses and parameters must agree with the CPU
 * within float32 accumulation-order differences, and no op may fall back to the host.
 */
class EmulatedTrainingParityTest {
    static final int SIZE = 8, STEPS = 3;

    @Test void threeSgdStepsMatchTheCpu() {
        run((cpu, dev) -> new Optimizer[] {new SGD(cpu, 0.05, 0.9, true, 1e-4), new SGD(dev, 0.05, 0.9, true, 1e-4)}, null);
    }

    /**
     * The conv biases in front of instance norm are frozen here: their gradient is zero in exact
     * arithmetic, so both sides hold rounding noise, which Adam's normalisation turns into full
     * steps of arbitrary sign.
     */
    @Test void threeAdamStepsMatchTheCpu() {
        run((cpu, dev) -> new Optimizer[] {new Adam(cpu, 1e-2), new Adam(dev, 1e-2)}, "**.conv.bias");
    }

    private void run(java.util.function.BiFunction<java.util.List<Variable>, java.util.List<Variable>, Optimizer[]> optimizers, String frozen) {
        EmulatedKernels.Availability a = EmulatedKernels.availability();
        Assumptions.assumeTrue(a.available(), "kernel emulator unavailable: " + a.reason());
        DynamicUNet.Plan plan = DynamicUNet.Plan.isotropic(1, 2, 3).withFeatures(4, 16).withSeed(5);
        try (TensorScope outer = new TensorScope(); DynamicUNet cpu = new DynamicUNet(plan); DynamicUNet dev = new DynamicUNet(plan)) {
            dev.to(Device.EMULATOR);
            if (frozen != null) assertTrue(cpu.freeze(frozen) > 0 && dev.freeze(frozen) > 0, "nothing matched " + frozen);
            assertEquals(Device.EMULATOR, dev.device());
            Optimizer[] opts = optimizers.apply(cpu.trainableParameters(), dev.trainableParameters());
            Optimizer cpuOpt = opts[0], devOpt = opts[1];
            Tensor image = volume(1), target = oneHot(volume(2));
            CudaBackend.resetHostFallbacks();
            for (int step = 0; step < STEPS; step++) {
                double lc = step(cpu, cpuOpt, image, target), ld = step(dev, devOpt, image.to(Device.EMULATOR), target.to(Device.EMULATOR));
                assertEquals(lc, ld, 1e-4 * (1 + Math.abs(lc)), "loss at step " + step);
            }
            Map<String, Variable> pc = cpu.namedParameters(), pd = dev.namedParameters();
            for (String name : pc.keySet()) {
                float[] want = pc.get(name).value().toFloatArray(), got = pd.get(name).value().toFloatArray();
                assertEquals(Device.EMULATOR, pd.get(name).value().device(), name);
                double scale = 0;
                for (float v : want) scale = Math.max(scale, Math.abs(v));
                for (int i = 0; i < want.length; i++) assertEquals(want[i], got[i], 1e-4 * (1 + scale), name + " [" + i + "]");
            }
            assertEquals(Map.of(), CudaBackend.hostFallbacks(), "ops that ran on the host");
            Tensor state = devOpt.state(pd.values().iterator().next()).buffers().values().iterator().next();
            assertEquals(Device.EMULATOR, state.device(), "optimizer state stays on the device");
            cpuOpt.close();
            devOpt.close();
        }
    }

    private static double step(DynamicUNet net, Optimizer opt, Tensor image, Tensor target) {
        try (TensorScope s = new TensorScope()) {
            opt.zeroGrad();
            Variable logits = net.apply(Variable.constant(image));
            Variable t = Variable.constant(target);
            Variable logp = logits.logSoftmax(1);
            Variable ce = logp.mul(t).sum(1).mean().neg();
            Variable p = logp.exp();
            Variable dice = p.mul(t).sum(0, 2, 3, 4).mul(2).add(1e-5).div(p.sum(0, 2, 3, 4).add(t.sum(0, 2, 3, 4)).add(1e-5)).mean();
            Variable loss = ce.add(dice.neg().add(1));
            loss.backward();
            opt.step();
            return loss.value().item();
        }
    }

    private static Tensor volume(long seed) {
        RandomGenerator r = new RandomGenerator(seed);
        double[] v = new double[2 * SIZE * SIZE * SIZE];
        for (int i = 0; i < v.length; i++) v[i] = r.nextGaussian();
        return TensorScope.untrack(Tensor.of(DType.FLOAT32, v, 2, 1, SIZE, SIZE, SIZE));
    }

    private static Tensor oneHot(Tensor noise) {
        double[] n = noise.toDoubleArray(), h = new double[2 * n.length];
        int vox = SIZE * SIZE * SIZE;
        for (int b = 0; b < 2; b++) {
            for (int i = 0; i < vox; i++) {
                double fg = n[b * vox + i] > 0.3 ? 1 : 0;
                h[(b * 2) * vox + i] = 1 - fg;
                h[(b * 2 + 1) * vox + i] = fg;
            }
        }
        return TensorScope.untrack(Tensor.of(DType.FLOAT32, h, 2, 2, SIZE, SIZE, SIZE));
    }
}
