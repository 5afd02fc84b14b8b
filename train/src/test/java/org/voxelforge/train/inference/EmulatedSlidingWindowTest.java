package org.voxelforge.train.inference;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.voxelforge.core.Device;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;
import org.voxelforge.core.cuda.CudaBackend;
import org.voxelforge.core.cuda.EmulatedKernels;
import org.voxelforge.nn.models.DynamicUNet;

/**
 * Sliding-window prediction with the model on the CUDA backend (emulated): the volume, the
 * Gaussian weights, the accumulators and the flipped TTA copies stay on the device, nothing runs
 * on the host, and the stitched probabilities match the CPU run's.
 */
class EmulatedSlidingWindowTest {
    @Test void theWholeVolumeOnTheDeviceMatchesTheCpu() {
        EmulatedKernels.Availability a = EmulatedKernels.availability();
        Assumptions.assumeTrue(a.available(), "kernel emulator unavailable: " + a.reason());
        DynamicUNet.Plan plan = DynamicUNet.Plan.isotropic(1, 3, 2).withFeatures(4, 8).withSeed(3);
        try (TensorScope s = new TensorScope(); DynamicUNet cpu = new DynamicUNet(plan); DynamicUNet dev = new DynamicUNet(plan)) {
            dev.to(Device.EMULATOR);
            Tensor image = TestModels.randomImage(5, 11, 9, 10);
            SlidingWindow.Options o = SlidingWindow.Options.of(8, 8, 8).withBatchSize(2);
            CudaBackend.resetHostFallbacks();
            String old = System.getProperty("voxelforge.cuda.hostFallback");
            System.setProperty("voxelforge.cuda.hostFallback", "error");
            try {
                Tensor want = SlidingWindow.predict(new ModelEnsemble(List.of(cpu), Activation.SOFTMAX, TestTimeAugmentation.FLIPS), image, o).probabilities();
                Tensor got = SlidingWindow.predict(new ModelEnsemble(List.of(dev), Activation.SOFTMAX, TestTimeAugmentation.FLIPS), image, o).probabilities();
                assertEquals(Device.CPU, got.device(), "probabilities come back to the image's device");
                assertArrayEquals(want.dims(), got.dims());
                float[] w = want.toFloatArray(), g = got.toFloatArray();
                for (int i = 0; i < w.length; i++) assertEquals(w[i], g[i], 2e-5, "probability " + i);
            } finally {
                if (old == null) System.clearProperty("voxelforge.cuda.hostFallback");
                else System.setProperty("voxelforge.cuda.hostFallback", old);
            }
        }
    }
}
