package org.voxelforge.data.augment.device;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.voxelforge.core.DType;
import org.voxelforge.core.Device;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.cuda.CudaBackend;
import org.voxelforge.core.cuda.EmulatedKernels;
import org.voxelforge.data.augment.AugmentStep;
import org.voxelforge.data.augment.Brightness;
import org.voxelforge.data.augment.ChannelDrop;
import org.voxelforge.data.augment.ChannelScaleShift;
import org.voxelforge.data.augment.Contrast;
import org.voxelforge.data.augment.Flip;
import org.voxelforge.data.augment.Gamma;
import org.voxelforge.data.augment.GaussianBlur;
import org.voxelforge.data.augment.GaussianNoise;
import org.voxelforge.data.augment.LowResolution;
import org.voxelforge.data.augment.PatchShape;
import org.voxelforge.data.augment.RandomTransform;
import org.voxelforge.data.augment.Rot90;
import org.voxelforge.data.augment.SpatialTransform;
import org.voxelforge.data.sampling.Patch;

/**
 * Each transform's drawn step executed by {@link DeviceAugmenter} (on the emulator, and on CPU
 * tensors) against the same step executed on a CPU patch ({@link AugmentStep#apply}, the
 * reference): images within 1e-5 of the largest |value| (a few float roundings where the CPU
 * computes in double), labels and masks exactly; noise by its statistics.
 */
class DeviceAugmenterTest {
    static final int[] BOX = {12, 10, 9}, SQUARE = {10, 10, 8};

    static Device device(String name) {
        if (name.equals("emulator")) {
            assumeTrue(EmulatedKernels.availability().available(), () -> "kernel emulator unavailable: " + EmulatedKernels.availability().reason());
            return Device.EMULATOR;
        }
        return Device.CPU;
    }

    static Patch patch(long seed, int[] d, boolean withMask) { return org.voxelforge.data.augment.TestPatches.random(seed, 2, d, withMask); }

    static DeviceSample upload(Patch p, Device device) {
        int[] d = p.dims;
        int n = p.voxels();
        int[] lab = new int[n], msk = p.mask == null ? null : new int[n];
        for (int i = 0; i < n; i++) {
            lab[i] = p.label[i];
            if (msk != null) msk[i] = p.mask[i];
        }
        return new DeviceSample(Tensor.of(p.image, p.channels, d[0], d[1], d[2]).transferTo(device),
                Tensor.ofInts(lab, d).transferTo(device), msk == null ? null : Tensor.ofInts(msk, d).transferTo(device));
    }

    /** Executes {@code steps} on a CPU copy and on {@code device}, and compares. */
    static void check(List<AugmentStep> steps, Patch p, Device device, double tol, String tag) {
        CudaBackend.resetHostFallbacks();
        Patch ref = p.copy();
        for (AugmentStep s : steps) s.apply(ref);
        try (DeviceSample s = upload(p, device)) {
            DeviceAugmenter.apply(steps, s);
            assertEquals(s.image().device(), device, tag);
            assertEquals(java.util.Map.of(), CudaBackend.hostFallbacks(), tag + ": ops that left the device");
            assertArrayEquals(ref.dims, s.dims(), tag + ": dims");
            float[] img = s.image().toFloatArray();
            double big = 1;
            for (float v : ref.image) big = Math.max(big, Math.abs(v));
            assertEquals(ref.image.length, img.length, tag);
            for (int i = 0; i < img.length; i++) assertEquals(ref.image[i], img[i], tol * big, tag + ": image value " + i);
            int[] lab = s.labels().toIntArray();
            for (int i = 0; i < lab.length; i++) assertEquals(ref.label[i], lab[i], tag + ": label " + i);
            assertEquals(ref.mask == null, s.mask() == null, tag + ": mask presence");
            if (ref.mask != null) {
                int[] m = s.mask().toIntArray();
                for (int i = 0; i < m.length; i++) assertEquals(ref.mask[i], m[i], tag + ": mask " + i);
            }
        }
    }

    static AugmentStep drawn(RandomTransform t, Patch p, long seed) {
        AugmentStep s = t.drawAlways(PatchShape.of(p), new RandomGenerator(seed));
        assertNotNull(s, t.getClass().getSimpleName() + " drew nothing");
        return s;
    }

    static void checkEach(RandomTransform t, String deviceName, int[] dims) {
        Device device = device(deviceName);
        int checked = 0;
        for (long seed = 1; checked < 4; seed++) {
            Patch p = patch(seed, dims, seed % 2 == 0);
            AugmentStep s = t.drawAlways(PatchShape.of(p), new RandomGenerator(seed));
            if (s == null) continue; // a flip that chose no axis
            check(List.of(s), p, device, 1e-5, t.getClass().getSimpleName() + " seed " + seed + " on " + device);
            checked++;
        }
    }

    @ParameterizedTest @ValueSource(strings = {"emulator", "cpu"})
    void brightnessScaleShiftAndChannelDropMatchTheCpu(String d) {
        checkEach(new Brightness(1, 0.75, 1.25), d, BOX);
        checkEach(new ChannelScaleShift(1, 0.1, 0.1), d, BOX);
        checkEach(new ChannelDrop(1), d, BOX);
    }

    @ParameterizedTest @ValueSource(strings = {"emulator", "cpu"})
    void contrastAndGammaMatchTheCpu(String d) {
        checkEach(new Contrast(1, 0.75, 1.25), d, BOX);
        for (boolean invert : new boolean[] {false, true}) {
            for (boolean retain : new boolean[] {false, true}) checkEach(new Gamma(1, 0.7, 1.5, invert, retain), d, BOX);
        }
    }

    @ParameterizedTest @ValueSource(strings = {"emulator", "cpu"})
    void blurAndLowResolutionMatchTheCpu(String d) {
        checkEach(new GaussianBlur(1, 0.5, 1.0), d, BOX);
        checkEach(new GaussianBlur(1, 2.5, 3.0), d, new int[] {5, 7, 3}); // kernel longer than the volume: repeated reflection
        checkEach(new LowResolution(1, 0.5, 1.0), d, BOX);
        checkEach(new LowResolution(1, 0.1, 0.2), d, BOX); // down to 1-2 voxels per axis
    }

    @ParameterizedTest @ValueSource(strings = {"emulator", "cpu"})
    void flipsAndQuarterTurnsMatchTheCpuExactly(String d) {
        Device device = device(d);
        Patch p = patch(3, BOX, true);
        check(List.of(new Flip.Step(new int[] {0}), new Flip.Step(new int[] {1, 2})), p, device, 0, "flips");
        for (int k = 1; k <= 3; k++) {
            for (int[] plane : new int[][] {{0, 1}, {1, 0}, {0, 2}, {2, 1}}) {
                Patch sq = patch(k, new int[] {8, 8, 8}, k != 2);
                check(List.of(new Rot90.Step(plane[0], plane[1], k)), sq, device, 0, "rot90 k=" + k + " plane " + plane[0] + "," + plane[1]);
            }
        }
        checkEach(new Rot90(1, 0, 1), d, BOX);
        checkEach(new Rot90(1, 0, 1), d, SQUARE);
        checkEach(new Flip(1, 0, 1, 2), d, BOX);
    }

    @ParameterizedTest @ValueSource(strings = {"emulator", "cpu"})
    void rotationAndScalingMatchTheCpu(String d) {
        Device device = device(d);
        double a = Math.toRadians(30);
        SpatialTransform t = new SpatialTransform(0, 0, 1, 1, 1, 1, new double[] {a, a, a}, 1, 0.7, 1.4);
        for (long seed = 1; seed <= 4; seed++) {
            Patch p = patch(seed, BOX, seed % 2 == 1);
            List<AugmentStep> steps = new ArrayList<>();
            t.draw(PatchShape.of(p), new RandomGenerator(seed), steps);
            assertEquals(1, steps.size());
            check(steps, p, device, 1e-5, "rotation/scale seed " + seed);
        }
    }

    /**
     * The elastic field is blurred in float on the device (double on the CPU): displacements agree
     * to ~1e-6 voxel here, so image values agree to 1e-5 and a label may only differ where a source
     * point is that close to a nearest-neighbour tie; none does in these draws.
     */
    @ParameterizedTest @ValueSource(strings = {"emulator", "cpu"})
    void elasticDeformationMatchesTheCpu(String d) {
        Device device = device(d);
        SpatialTransform t = new SpatialTransform(1, 1, 3, 2, 3, 1, new double[] {0.3, 0.2, 0.1}, 0, 1, 1);
        for (long seed = 1; seed <= 2; seed++) {
            Patch p = patch(seed, BOX, true);
            List<AugmentStep> steps = new ArrayList<>();
            t.draw(PatchShape.of(p), new RandomGenerator(seed), steps);
            assertNotNull(((SpatialTransform.Step) steps.get(0)).elastic());
            check(steps, p, device, 1e-5, "elastic seed " + seed);
        }
    }

    /** Noise is made on the device: mean ~0 and std ~ the drawn std of the added values, and none is the same across seeds. */
    @ParameterizedTest @ValueSource(strings = {"emulator", "cpu"})
    void noiseHasTheDrawnDistribution(String d) {
        Device device = device(d);
        int[] dims = {20, 20, 20};
        Patch p = patch(5, dims, false);
        GaussianNoise.Step step = (GaussianNoise.Step) drawn(new GaussianNoise(1, 0.5, 1.0), p, 11);
        try (DeviceSample s = upload(p, device)) {
            DeviceAugmenter.apply(List.of(step), s);
            float[] out = s.image().toFloatArray();
            double sum = 0, ss = 0;
            for (int i = 0; i < out.length; i++) {
                double e = out[i] - p.image[i];
                sum += e;
                ss += e * e;
            }
            int n = out.length;
            double mean = sum / n, std = Math.sqrt(ss / n - mean * mean);
            assertEquals(0, mean, 4 * step.std() / Math.sqrt(n), "noise mean");
            assertEquals(step.std(), std, 0.03 * step.std(), "noise std");
            assertArrayEquals(p.label, toBytes(s.labels().toIntArray()), "labels untouched");
        }
    }

    @ParameterizedTest @ValueSource(strings = {"emulator", "cpu"})
    void aBatchIsAugmentedPerSampleAndKeepsItsDtypes(String d) {
        Device device = device(d);
        Patch p0 = patch(1, SQUARE, true), p1 = patch(2, SQUARE, false);
        List<List<AugmentStep>> steps = List.of(List.of(new Flip.Step(new int[] {2}), new Rot90.Step(0, 1, 1)),
                List.of(new Brightness.Step(new float[] {2f, 0.5f})));
        int n = p0.voxels(), c = p0.channels;
        float[] img = new float[2 * c * n];
        System.arraycopy(p0.image, 0, img, 0, c * n);
        System.arraycopy(p1.image, 0, img, c * n, c * n);
        byte[] lab = new byte[2 * n], msk = new byte[2 * n];
        System.arraycopy(p0.label, 0, lab, 0, n);
        System.arraycopy(p1.label, 0, lab, n, n);
        System.arraycopy(p0.mask, 0, msk, 0, n);
        java.util.Arrays.fill(msk, n, 2 * n, (byte) 1); // the loader's "all annotated" for a sample without a mask
        int[] d4 = {2, SQUARE[0], SQUARE[1], SQUARE[2]};
        try (Tensor images = Tensor.of(img, 2, c, SQUARE[0], SQUARE[1], SQUARE[2]).transferTo(device);
             Tensor labels = bytes(lab, d4).transferTo(device); Tensor masks = bytes(msk, d4).transferTo(device)) {
            Tensor[] out = DeviceAugmenter.augmentBatch(images, labels, masks, steps, new boolean[] {true, false});
            try (Tensor x = out[0]; Tensor y = out[1]; Tensor m = out[2]) {
                assertEquals(DType.UINT8, y.dtype());
                assertEquals(DType.UINT8, m.dtype());
                Patch r0 = p0.copy(), r1 = p1.copy();
                for (AugmentStep s : steps.get(0)) s.apply(r0);
                for (AugmentStep s : steps.get(1)) s.apply(r1);
                float[] xs = x.toFloatArray();
                int[] ys = y.cast(DType.INT32).toIntArray(), ms = m.cast(DType.INT32).toIntArray();
                for (int i = 0; i < c * n; i++) {
                    assertEquals(r0.image[i], xs[i], 0f);
                    assertEquals(r1.image[i], xs[c * n + i], 0f);
                }
                for (int i = 0; i < n; i++) {
                    assertEquals(r0.label[i], ys[i]);
                    assertEquals(r1.label[i], ys[n + i]);
                    assertEquals(r0.mask[i], ms[i]);
                    assertEquals(1, ms[n + i]);
                }
            }
        }
    }

    static Tensor bytes(byte[] v, int... dims) {
        Tensor t = Tensor.zeros(DType.UINT8, dims);
        java.lang.foreign.MemorySegment.copy(v, 0, t.segment(), java.lang.foreign.ValueLayout.JAVA_BYTE, 0, v.length);
        return t;
    }

    static byte[] toBytes(int[] v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) b[i] = (byte) v[i];
        return b;
    }
}
