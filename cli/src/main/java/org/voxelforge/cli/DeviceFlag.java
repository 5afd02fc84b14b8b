package org.voxelforge.cli;

import org.voxelforge.core.Backends;
import org.voxelforge.core.Device;

/**
 * The --device value of train and predict: cpu, cuda, cuda:N or emulator (the CUDA backend with
 * its kernels run on the CPU by the host emulator: for testing the GPU path without a GPU, slow).
 * The device's backend is started here, so that a missing GPU fails before any work, with the reason.
 */
final class DeviceFlag {
    static final String DESCRIPTION = "Where the model runs: cpu, cuda, cuda:N or emulator (CUDA kernels emulated on the CPU, for testing) "
            + "(default: ${DEFAULT-VALUE}).";

    static final String CHANNELS_LAST = "Compute the network channels-last (NDHWC) on a CUDA device: cuDNN's NHWC convolutions "
            + "and the NDHWC norm kernels, no layout copies between layers.";

    private DeviceFlag() {}

    static org.voxelforge.core.MemoryFormat memoryFormat(boolean channelsLast) {
        return channelsLast ? org.voxelforge.core.MemoryFormat.CHANNELS_LAST : org.voxelforge.core.MemoryFormat.CONTIGUOUS;
    }

    static Device parse(String value) {
        Device d;
        try {
            d = Device.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--device: " + e.getMessage());
        }
        try {
            Backends.forDevice(d);
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException("--device " + value + ": " + e.getMessage() + "; use --device cpu");
        }
        return d;
    }
}
