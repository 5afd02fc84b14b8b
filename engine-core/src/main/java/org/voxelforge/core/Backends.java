package org.voxelforge.core;

import org.voxelforge.core.cpu.CpuBackend;

/** Finds the backend for a device. The CUDA backend registers itself here when it lands. */
public final class Backends {
    private Backends() {}

    public static Backend cpu() { return CpuBackend.INSTANCE; }

    public static Backend forDevice(Device d) {
        if (d.kind() == Device.Kind.CPU) return CpuBackend.INSTANCE;
        throw new UnsupportedOperationException("no backend for device " + d + ": the CUDA backend is not built yet; use --device cpu");
    }
}
