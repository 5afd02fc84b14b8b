package org.voxelforge.data.distance;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.voxelforge.core.cuda.EmulatedKernels;
import org.voxelforge.core.cuda.VolumeKernels;

/**
 * The distance-transform kernels (kernels/src/main/cuda/edt.cuh) run by the host emulator through
 * {@link VolumeKernels#edtSquared}, against {@link EuclideanDistanceTransform#squaredDistances}.
 *
 * <p>Tolerance: the reference keeps squared distances in double, the kernel stores them as float
 * after each pass (contiguous axis, then each strided axis), each pass computing in double from
 * the previous float value: at most one float rounding per pass, 3 for a volume, and a perturbed
 * input can only make the envelope pick a parabola whose value is within those roundings of the
 * minimum. So |kernel - reference| <= ~4 * 2^-24 relative; we allow 1e-6 relative (16 ulps).
 * Zeros (background) and +inf (no background) must be exact.
 */
class EmulatedEdtKernelTest {

    private static VolumeKernels kernels() {
        EmulatedKernels.Availability a = EmulatedKernels.availability();
        Assumptions.assumeTrue(a.available(), "kernel emulator unavailable: " + a.reason());
        return new VolumeKernels(EmulatedKernels.get());
    }

    private static void check(VolumeKernels k, byte[] mask, int[] dims, double[] spacing, String what) {
        double[] want = EuclideanDistanceTransform.squaredDistances(mask, dims, spacing);
        float[] got;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment m = a.allocateFrom(ValueLayout.JAVA_BYTE, mask);
            MemorySegment sq = a.allocate(4L * Math.max(1, mask.length));
            MemorySegment scratch = a.allocate(Math.max(8, VolumeKernels.edtScratchBytes(dims)), 8);
            scratch.fill((byte) 0xff); // stale scratch must not matter
            k.edtSquared(dims, spacing, m.address(), sq.address(), scratch.address(), 0);
            got = Arrays.copyOf(sq.toArray(ValueLayout.JAVA_FLOAT), mask.length);
        }
        String tag = what + " " + Arrays.toString(dims) + " spacing " + Arrays.toString(spacing);
        for (int i = 0; i < want.length; i++) {
            double w = want[i], g = got[i];
            if (w == 0 || Double.isInfinite(w)) {
                assertEquals(w, g, 0, tag + ": voxel " + i + " must be exactly " + w);
            } else {
                assertEquals(w, g, 1e-6 * w, tag + ": voxel " + i);
            }
        }
    }

    private static byte[] random(Random rnd, int n, double pForeground) {
        byte[] m = new byte[n];
        for (int i = 0; i < n; i++) m[i] = (byte) (rnd.nextDouble() < pForeground ? 1 + rnd.nextInt(3) : 0);
        return m;
    }

    @Test void randomMasksWithAnisotropicSpacingMatchTheReference() {
        VolumeKernels k = kernels();
        Random rnd = new Random(41);
        int[][] shapes = {{7, 9, 11}, {13, 6, 5}, {1, 17, 3}, {9, 1, 1}, {5, 8}, {19}};
        for (int[] dims : shapes) {
            int n = Arrays.stream(dims).reduce(1, (x, y) -> x * y);
            for (double p : new double[] {0.5, 0.9, 0.99}) {
                double[] aniso = Arrays.copyOf(new double[] {1, 1.5, 3}, dims.length);
                if (dims.length < 3) for (int a = 0; a < dims.length; a++) aniso[a] = 1 + a * 1.5;
                double[] rand = new double[dims.length];
                for (int a = 0; a < dims.length; a++) rand[a] = 0.3 + 2.5 * rnd.nextDouble();
                byte[] mask = random(rnd, n, p);
                check(k, mask, dims, aniso, "p=" + p);
                check(k, mask, dims, rand, "p=" + p);
                check(k, mask, dims, null, "p=" + p);
            }
        }
    }

    @Test void sparseBackgroundGivesLongDistancesAcrossAllThreePasses() {
        VolumeKernels k = kernels();
        int[] dims = {21, 18, 23};
        byte[] mask = random(new Random(7), 21 * 18 * 23, 0.998);
        mask[0] = 0;
        check(k, mask, dims, new double[] {3, 1.5, 1}, "sparse");
        check(k, mask, dims, new double[] {0.7, 2.5, 1.1}, "sparse");
    }

    @Test void emptyFullAndSingleVoxelMasks() {
        VolumeKernels k = kernels();
        int[] dims = {5, 6, 7};
        double[] spacing = {1, 1.5, 3};
        byte[] empty = new byte[210];
        check(k, empty, dims, spacing, "all background");
        byte[] full = new byte[210];
        Arrays.fill(full, (byte) 1);
        check(k, full, dims, spacing, "all foreground");
        byte[] oneForeground = new byte[210];
        oneForeground[(2 * 6 + 3) * 7 + 4] = 1;
        check(k, oneForeground, dims, spacing, "single foreground voxel");
        byte[] oneBackground = full.clone();
        oneBackground[(4 * 6 + 0) * 7 + 6] = 0; // a corner-ish voxel: distances grow across the whole volume
        check(k, oneBackground, dims, spacing, "single background voxel");
        check(k, new byte[0], new int[] {0, 4, 3}, spacing, "no voxels");
    }

    @Test void badArgumentsNameTheOpAndTheShape() {
        VolumeKernels k = kernels();
        var e = assertThrows(IllegalArgumentException.class, () -> k.edtSquared(new int[] {2, 3}, new double[] {1}, 8, 8, 8, 0));
        assertTrue(e.getMessage().contains("edtSquared") && e.getMessage().contains("[2, 3]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> k.edtSquared(new int[] {2, 3}, new double[] {1, 0}, 8, 8, 8, 0));
        assertTrue(e.getMessage().contains("positive"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> k.edtSquared(new int[] {2, 3}, null, 8, 8, 0, 0));
        assertTrue(e.getMessage().contains("scratch"), e.getMessage());
    }
}
