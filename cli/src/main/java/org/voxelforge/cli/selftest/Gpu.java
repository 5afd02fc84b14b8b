package org.voxelforge.cli.selftest;

import org.voxelforge.core.cuda.CudaDevice;
import org.voxelforge.core.cuda.CudaDriver;
import org.voxelforge.core.cuda.CudaRuntime;

/**
 * Device 0 as the CUDA checks share it, opened on first use: if opening throws, every check
 * that needs it fails with that message instead of the suite stopping.
 */
final class Gpu {
    private CudaRuntime runtime;
    private CudaDevice device;

    synchronized CudaRuntime runtime() {
        if (runtime == null) runtime = CudaRuntime.get(); // throws IllegalStateException with the reason when unavailable
        return runtime;
    }

    synchronized CudaDevice device() {
        if (device == null) device = runtime().device(0);
        return device;
    }

    CudaDriver driver() { return runtime().driverApi(); }

    DeviceBuffers buffers() { return new DeviceBuffers(device(), driver()); }
}
