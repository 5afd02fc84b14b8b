package org.voxelforge.cli.selftest;

import static org.junit.jupiter.api.Assertions.*;

import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.voxelforge.core.Device;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.cuda.EmulatedKernels;

/**
 * The channels-last conv check on the emulator (our kernels with CL = 1): it passes against the
 * CPU's float64 passes and fails when the reference is wrong (off by 1e-3, or of the wrong sign),
 * so that on a GPU it really tests cuDNN's NDHWC path. Skipped, saying why, without the emulator.
 */
class ChannelsLastConvCheckTest {
    private static SelfTestResult run(UnaryOperator<Tensor> twist) {
        EmulatedKernels.Availability a = EmulatedKernels.availability();
        Assumptions.assumeTrue(a.available(), "kernel emulator unavailable: " + a.reason());
        return ChannelsLastConvCheck.run("emulator" + ChannelsLastConvCheck.NAME, Device.EMULATOR, ChannelsLastConvCheck.cases(true), twist);
    }

    @Test void passesAgainstTheCpu() {
        SelfTestResult r = run(UnaryOperator.identity());
        assertFalse(r.failed(), r.toString());
        assertTrue(r.toString().contains("channels-last"), r.toString());
    }

    @Test void failsAgainstAWrongReference() {
        for (UnaryOperator<Tensor> wrong : java.util.List.<UnaryOperator<Tensor>>of(t -> t.add(1e-3), Tensor::neg)) {
            SelfTestResult r = run(wrong);
            assertTrue(r.failed(), "a wrong reference passed: " + r);
        }
    }

    @Test void isAmongTheKernelChecks() {
        assertTrue(CudaChecks.kernelCheckNames().contains(ChannelsLastConvCheck.NAME));
        assertTrue(CudaChecks.NAMES.contains("cuda" + ChannelsLastConvCheck.NAME));
    }
}
