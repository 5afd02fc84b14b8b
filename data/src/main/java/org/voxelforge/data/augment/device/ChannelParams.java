package org.voxelforge.data.augment.device;

import org.voxelforge.core.Device;
import org.voxelforge.core.Tensor;

/** Per-channel parameters as a float32 [C, 1, 1, 1] tensor on the device, to broadcast over an image [C, X, Y, Z]. */
final class ChannelParams {
    private ChannelParams() {}

    static Tensor of(float[] values, Device device) {
        return Tensor.of(values, values.length, 1, 1, 1).transferTo(device);
    }

    static Tensor of(double[] values, Device device) {
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) f[i] = (float) values[i];
        return of(f, device);
    }
}
