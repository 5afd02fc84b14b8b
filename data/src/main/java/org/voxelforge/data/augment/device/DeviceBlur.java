package org.voxelforge.data.augment.device;

import org.voxelforge.core.Conv3dParams;
import org.voxelforge.core.Tensor;
import org.voxelforge.data.augment.VolumeOps;

/**
 * Separable Gaussian blur of one volume [X, Y, Z] on its device with the CPU's taps
 * ({@link VolumeOps#gaussianKernel}, SciPy's): per axis one conv3d with a 1-D kernel along that
 * axis. Border "reflect" (SciPy's, d c b a | a b c d) pads by gathering mirrored indices
 * ({@link VolumeOps#reflectIndex}); border constant 0 is the convolution's zero padding.
 * The CPU accumulates each axis in double and rounds once; here the conv sums in float.
 */
final class DeviceBlur {
    private DeviceBlur() {}

    static Tensor blur(Tensor volume, double sigma, boolean reflect) {
        if (volume.rank() != 3) throw new IllegalArgumentException("device blur: expected a volume [X, Y, Z], got " + volume.describe());
        if (sigma <= 0) return volume.copy();
        Tensor cur = volume.reshape(1, 1, volume.dim(0), volume.dim(1), volume.dim(2));
        double[] k = VolumeOps.gaussianKernel(sigma);
        for (int axis = 0; axis < 3; axis++) {
            try (Tensor prev = cur) {
                cur = blurAxis(prev, axis, k, reflect);
            }
        }
        try (Tensor last = cur) {
            return last.reshape(volume.dims());
        }
    }

    /** One axis of x [1, 1, X, Y, Z]. */
    private static Tensor blurAxis(Tensor x, int axis, double[] k, boolean reflect) {
        int r = k.length / 2, n = x.dim(axis + 2);
        int[] wDims = {1, 1, 1, 1, 1};
        wDims[axis + 2] = k.length;
        float[] wf = new float[k.length];
        for (int i = 0; i < k.length; i++) wf[i] = (float) k[i];
        int[] pad = new int[3];
        try (Tensor w = Tensor.of(wf, wDims).transferTo(x.device())) {
            if (!reflect) {
                pad[axis] = r;
                return x.backend().conv3d(x, w, null, Conv3dParams.of(1, 0).withPadding(pad[0], pad[1], pad[2]));
            }
            int[] idx = new int[n + 2 * r];
            for (int i = 0; i < idx.length; i++) idx[i] = VolumeOps.reflectIndex(i - r, n);
            try (Tensor index = Tensor.ofInts(idx, idx.length).transferTo(x.device()); Tensor padded = x.indexSelect(axis + 2, index)) {
                return x.backend().conv3d(padded, w, null, Conv3dParams.of(1, 0));
            }
        }
    }
}
