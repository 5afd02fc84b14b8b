package org.voxelforge.core.cuda;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.voxelforge.core.Device;

/** {@link BackendParityContract} on cuda:0; skipped, with the reason printed once, without a GPU. */
@Tag("gpu")
class GpuBackendTest extends BackendParityContract {
    private static boolean toldWhySkipped;

    @Override Device device() {
        CudaRuntime.Availability a = CudaRuntime.availability();
        if (!a.available() && !toldWhySkipped) {
            System.out.println("[gpu tests skipped] " + a.reason());
            toldWhySkipped = true;
        }
        Assumptions.assumeTrue(a.available(), "CUDA unavailable: " + a.reason());
        return Device.cuda(0);
    }
}
