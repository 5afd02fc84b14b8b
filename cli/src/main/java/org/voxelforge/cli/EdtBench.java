package org.voxelforge.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;
import org.voxelforge.core.DType;
import org.voxelforge.core.Device;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;
import org.voxelforge.core.cuda.CudaBackend;
import org.voxelforge.data.distance.EuclideanDistanceTransform;
import org.voxelforge.data.npy.Npy;

/**
 * {@code voxelforge bench edt}: the exact Euclidean distance transform of one edge^3 mask, timed
 * per call (transform + square root, waiting for the device), on the GPU kernels (edt.cuh) or on
 * the host (EuclideanDistanceTransform). The mask is a formula bench/scripts/cupy_edt.py rebuilds
 * for its cupyx.scipy.ndimage.distance_transform_edt run, and {@code --output} writes the distances
 * as .npy so that the script can check the two results voxel for voxel.
 */
final class EdtBench {
    private EdtBench() {}

    /**
     * Foreground (1): a ball of radius 0.4 edge about the centre and the box [edge/8, edge/3)^3,
     * less the "holes" where (31x + 17y + 7z) mod 1013 == 0; row-major x, y, z (z fastest).
     */
    static byte[] mask(int edge) {
        byte[] m = new byte[edge * edge * edge];
        double c = edge / 2.0, r2 = 0.16 * edge * edge;
        int lo = edge / 8, hi = edge / 3;
        for (int x = 0; x < edge; x++) {
            for (int y = 0; y < edge; y++) {
                for (int z = 0; z < edge; z++) {
                    double d2 = (x - c) * (x - c) + (y - c) * (y - c) + (z - c) * (z - c);
                    boolean box = x >= lo && x < hi && y >= lo && y < hi && z >= lo && z < hi;
                    boolean hole = (31L * x + 17L * y + 7L * z) % 1013 == 0;
                    m[(x * edge + y) * edge + z] = (byte) ((d2 < r2 || box) && !hole ? 1 : 0);
                }
            }
        }
        return m;
    }

    static double[] run(Device d, int edge, int steps, Path output) {
        byte[] m = mask(edge);
        int[] dims = {edge, edge, edge};
        System.out.printf(Locale.ROOT, "exact EDT of a %d^3 uint8 mask (ball + box less holes, %.1f%% foreground), spacing 1, "
                + "distances float32%n", edge, 100.0 * count(m) / m.length);
        double[] ms = new double[steps];
        try (TensorScope outer = new TensorScope()) {
            Tensor host = Tensor.zeros(DType.UINT8, dims);
            java.lang.foreign.MemorySegment.copy(m, 0, host.segment(), java.lang.foreign.ValueLayout.JAVA_BYTE, 0, m.length);
            Tensor mask = host.to(d);
            Tensor last = null;
            for (int s = 0; s < steps; s++) {
                long t0 = System.nanoTime();
                Tensor dist;
                if (d.isCpu()) {
                    dist = Tensor.of(toFloat(EuclideanDistanceTransform.distances(m, dims, null)), dims);
                } else {
                    try (Tensor sq = ((CudaBackend) mask.backend()).edtSquared(mask, null)) {
                        dist = sq.sqrt();
                    }
                    dist.get(0, 0, 0); // waits for the device
                }
                ms[s] = (System.nanoTime() - t0) / 1e6;
                System.out.printf(Locale.ROOT, "call %3d  %9.2f ms%n", s + 1, ms[s]);
                if (last != null) last.close();
                last = dist;
            }
            if (output != null) {
                try (Tensor h = last.to(Device.CPU)) {
                    Npy.write(output, h);
                } catch (IOException e) {
                    throw new UncheckedIOException("bench edt: cannot write " + output + ": " + e.getMessage(), e);
                }
                System.out.println("distances written to " + output);
            }
        }
        return ms;
    }

    private static long count(byte[] m) {
        long n = 0;
        for (byte b : m) n += b;
        return n;
    }

    private static float[] toFloat(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) f[i] = (float) v[i];
        return f;
    }
}
