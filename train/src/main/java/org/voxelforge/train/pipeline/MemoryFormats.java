package org.voxelforge.train.pipeline;

import org.voxelforge.core.Device;
import org.voxelforge.core.MemoryFormat;

/** The rule for {@code --channels-last}: a CUDA-backend device (the CPU backend computes NCDHW whatever its input's layout). */
public final class MemoryFormats {
    private MemoryFormats() {}

    /** Throws IllegalArgumentException with the fix when {@code format} cannot run on {@code device}. */
    public static void check(MemoryFormat format, Device device) {
        if (format == null) throw new IllegalArgumentException("memory format is null; pass MemoryFormat.CONTIGUOUS or CHANNELS_LAST");
        if (format == MemoryFormat.CHANNELS_LAST && (device == null || device.isCpu())) {
            throw new IllegalArgumentException("--channels-last computes the network in NDHWC on a CUDA device, but --device is "
                    + (device == null ? "not given" : device) + "; use --device cuda (or emulator), or drop --channels-last");
        }
    }
}
