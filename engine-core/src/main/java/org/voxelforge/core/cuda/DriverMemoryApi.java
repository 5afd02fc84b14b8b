package org.voxelforge.core.cuda;

/** {@link DeviceMemoryApi} over the driver: cuMemAlloc_v2 (0 on CUDA_ERROR_OUT_OF_MEMORY), cuMemFree_v2, cuMemGetInfo_v2. */
final class DriverMemoryApi implements DeviceMemoryApi {
    private final CudaDevice device;

    DriverMemoryApi(CudaDevice device) { this.device = device; }

    @Override public long malloc(long bytes) {
        device.makeCurrent();
        return device.driver().memAllocOrZero(bytes);
    }

    @Override public void free(long pointer) {
        device.makeCurrent();
        device.driver().memFree(pointer);
    }

    @Override public long[] memInfo() {
        device.makeCurrent();
        return device.driver().memGetInfo();
    }
}
