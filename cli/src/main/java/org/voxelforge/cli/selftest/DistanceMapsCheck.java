package org.voxelforge.cli.selftest;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import org.voxelforge.core.Device;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;
import org.voxelforge.core.cuda.CudaBackend;
import org.voxelforge.data.distance.SignedDistanceMaps;

/**
 * The signed distance maps a boundary loss reads, made on the device
 * ({@link SignedDistanceMaps#forBatch} of labels on a CUDA-backend device: the edt.cuh transforms
 * and device tensor ops) against the same call on host labels, the double-precision reference.
 * A batch of two: sample 0 background with a sphere of label 1 and a box of label 2, sample 1 all
 * label 1 but a sphere of 0 and no label 2 at all (the +diagonal map); isotropic and anisotropic
 * spacing, normalised and not. Each value within 2e-6 of max(1, |value|): float sqrt and division
 * against double, as DeviceSignedDistanceMapsTest bounds them.
 */
final class DistanceMapsCheck {
    static final String NAME = " signed distance maps on the device vs cpu";

    private DistanceMapsCheck() {}

    static SelfTestCheck of(String label, Device device, boolean quick) {
        String name = label + NAME;
        int[] dims = quick || device.kind() == Device.Kind.EMULATOR ? new int[] {11, 9, 8} : new int[] {44, 36, 32};
        return SelfTestCheck.of(name, () -> run(name, device, dims));
    }

    /** The batch [2, X, Y, Z] described above; the shapes scale with the volume. */
    static Tensor labels(int[] d) {
        int x = d[0], y = d[1], z = d[2], n = x * y * z;
        double f = x / 11.0; // the quick volume's geometry, scaled
        int[] l = new int[2 * n];
        for (int i = 0; i < x; i++) for (int j = 0; j < y; j++) for (int k = 0; k < z; k++) {
            int at = (i * y + j) * z + k;
            double r = Math.hypot(Math.hypot(i - 4.3 * f, j - 5.1 * f), k - 3.7 * f);
            boolean box = i >= 8 * f && j < 4 * f && k >= 2 * f && k < 7 * f;
            l[at] = r < 3.2 * f ? 1 : box ? 2 : 0;
            double r2 = Math.hypot(Math.hypot(i - 7 * f, j - 3 * f), k - 6 * f);
            l[n + at] = r2 < 2.5 * f ? 0 : 1;
        }
        return Tensor.ofInts(l, 2, x, y, z);
    }

    private static SelfTestResult run(String name, Device device, int[] dims) {
        WorstError worst = new WorstError();
        Map<String, Long> before = CudaBackend.hostFallbacks();
        try (TensorScope scope = new TensorScope()) {
            Tensor labels = labels(dims), onDevice = labels.to(device);
            for (double[] spacing : new double[][] {null, {2.5, 1.0, 0.7}}) {
                for (boolean normalize : new boolean[] {true, false}) {
                    String tag = "spacing " + (spacing == null ? "1" : Arrays.toString(spacing)) + (normalize ? " normalised " : " ");
                    float[] want = SignedDistanceMaps.forBatch(labels, 3, spacing, normalize).toFloatArray();
                    Tensor got = SignedDistanceMaps.forBatch(onDevice, 3, spacing, normalize);
                    if (!got.device().equals(device)) {
                        return SelfTestResult.fail(name, tag + "maps came back on " + got.device() + ", not on the labels' " + device);
                    }
                    int[] shape = {2, 3, dims[0], dims[1], dims[2]};
                    if (!Arrays.equals(shape, got.dims())) {
                        return SelfTestResult.fail(name, tag + "maps " + got.describe() + ", expected " + Arrays.toString(shape));
                    }
                    worst.eachRelative(tag + "maps", want, got.toFloatArray(), 2e-6);
                }
            }
        }
        return worst.result(name, String.format(Locale.ROOT, "2 samples %dx%dx%d, 3 labels (one absent, one nearly full), "
                + "spacing 1 and anisotropic, normalised and not; host ops: %s", dims[0], dims[1], dims[2], BackendStepCheck.hostOps(before)));
    }
}
