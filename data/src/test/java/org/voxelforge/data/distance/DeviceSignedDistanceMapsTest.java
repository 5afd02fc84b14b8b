package org.voxelforge.data.distance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.voxelforge.core.DType;
import org.voxelforge.core.Device;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;
import org.voxelforge.core.cuda.CudaBackend;
import org.voxelforge.core.cuda.EmulatedKernels;

/**
 * SignedDistanceMaps.forBatch on the CUDA backend (emulated: the edt.cuh kernels through
 * CudaBackend.edtSquared, the rest as device tensor ops) against the host path, which is the
 * double-precision reference: two spheres and a box in a batch of two, a label absent from one
 * sample (+diagonal) and one filling the other (-diagonal), isotropic and anisotropic spacing,
 * normalised and not. Agreement: 2e-6 relative (float sqrt and division against double).
 */
class DeviceSignedDistanceMapsTest {
    @BeforeEach void emulator() {
        EmulatedKernels.Availability a = EmulatedKernels.availability();
        Assumptions.assumeTrue(a.available(), "kernel emulator unavailable: " + a.reason());
    }

    /** Sample 0: background 0 with a sphere of 1 and a box of 2; sample 1: all 1 except a sphere of 0 (no 2 at all). */
    private static Tensor labels(int x, int y, int z) {
        int[] l = new int[2 * x * y * z];
        for (int i = 0; i < x; i++) {
            for (int j = 0; j < y; j++) {
                for (int k = 0; k < z; k++) {
                    int at = (i * y + j) * z + k;
                    double r = Math.sqrt((i - 4.3) * (i - 4.3) + (j - 5.1) * (j - 5.1) + (k - 3.7) * (k - 3.7));
                    l[at] = r < 3.2 ? 1 : (i >= 8 && j < 4 && k >= 2 && k < 7 ? 2 : 0);
                    double r2 = Math.sqrt((i - 7) * (i - 7) + (j - 3) * (j - 3) + (k - 6) * (k - 6));
                    l[x * y * z + at] = r2 < 2.5 ? 0 : 1;
                }
            }
        }
        return Tensor.ofInts(l, 2, x, y, z);
    }

    @Test void deviceMapsMatchTheHostMaps() {
        Tensor labels = labels(11, 9, 8);
        for (double[] spacing : new double[][] {null, {2.5, 1.0, 0.7}}) {
            for (boolean normalize : new boolean[] {true, false}) {
                try (TensorScope s = new TensorScope()) {
                    String what = "spacing " + java.util.Arrays.toString(spacing) + " normalize " + normalize;
                    Tensor want = SignedDistanceMaps.forBatch(labels, 3, spacing, normalize);
                    Tensor onDevice = labels.to(Device.EMULATOR);
                    CudaBackend.resetHostFallbacks();
                    Tensor got = SignedDistanceMaps.forBatch(onDevice, 3, spacing, normalize);
                    assertEquals(java.util.Map.of(), CudaBackend.hostFallbacks(), what + ": every step ran on the device");
                    assertEquals(Device.EMULATOR, got.device(), what + ": maps stay on the labels' device");
                    assertArrayEquals(new int[] {2, 3, 11, 9, 8}, got.dims(), what);
                    float[] w = want.toFloatArray(), g = got.toFloatArray();
                    for (int i = 0; i < w.length; i++) assertEquals(w[i], g[i], 2e-6 * Math.max(1, Math.abs(w[i])), what + " at " + i);
                    // the degenerate maps are there: label 2 absent from sample 1 is +diagonal everywhere
                    int per = 11 * 9 * 8;
                    double diag = SignedDistanceMaps.diagonal(new int[] {11, 9, 8}, spacing);
                    assertEquals(diag, g[(1 * 3 + 2) * per], 1e-4, what + ": absent label");
                }
            }
        }
    }

    @Test void aMaskOfTheWrongTypeIsRefusedWithTheFix() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> CudaBackend.emulated().edtSquared(Tensor.zeros(DType.FLOAT32, 4, 4).to(Device.EMULATOR), null));
        assertTrue(e.getMessage().contains("must be uint8 or bool"), e.getMessage());
        var f = assertThrows(IllegalArgumentException.class,
                () -> SignedDistanceMaps.forBatch(Tensor.zeros(DType.FLOAT32, 2, 4, 4), 2, null, true));
        assertTrue(f.getMessage().contains("integer batch [N, spatial...]"), f.getMessage());
    }
}
