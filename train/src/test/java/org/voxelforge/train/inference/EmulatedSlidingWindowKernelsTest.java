package org.voxelforge.train.inference;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.cuda.EmulatedKernels;
import org.voxelforge.core.cuda.VolumeKernels;

/**
 * The sliding-window kernels (sliding.cuh) under the host emulator against {@link SlidingWindow}:
 * a predictor returns random probabilities for every window and records them; the kernels then
 * accumulate the recorded windows (same starts, shifted by SlidingWindow's padding instead of
 * padding: the accumulate kernel clips) with the same importance map, and divide. SlidingWindow
 * rounds probs * weight, then the sum, then the quotient, each in float, and so do the kernels
 * (__fmul_rn/__fadd_rn; g++ does not contract), in the same window order: the result must be
 * identical bit for bit.
 */
class EmulatedSlidingWindowKernelsTest {

    @ParameterizedTest
    @CsvSource({
        "13, 10, 17, 8, 8, 8, 1, true",   // several windows per axis, not dividing the patch
        "5, 12, 9, 8, 8, 8, 3, true",     // smaller than the patch on X: SlidingWindow pads, the kernel clips
        "9, 7, 11, 6, 8, 5, 2, false",    // anisotropic patch, padded on Y, uniform weights
        "8, 8, 8, 8, 8, 8, 1, true"})     // exactly one window
    void accumulatingEveryWindowMatchesSlidingWindow(int x, int y, int z, int px, int py, int pz, int batch, boolean gaussian) {
        EmulatedKernels.Availability avail = EmulatedKernels.availability();
        Assumptions.assumeTrue(avail.available(), "kernel emulator unavailable: " + avail.reason());
        VolumeKernels kernels = new VolumeKernels(EmulatedKernels.get());
        int[] patch = {px, py, pz}, size = {x, y, z};
        int classes = 3, nPatch = px * py * pz;
        Random rnd = new Random(x * 1000L + y * 10L + z);
        List<float[]> windows = new ArrayList<>();
        PatchPredictor recorder = w -> {
            int n = w.dim(0);
            float[] p = new float[n * classes * nPatch];
            for (int i = 0; i < p.length; i++) p[i] = rnd.nextFloat();
            for (int b = 0; b < n; b++) windows.add(Arrays.copyOfRange(p, b * classes * nPatch, (b + 1) * classes * nPatch));
            return Tensor.of(p, n, classes, px, py, pz);
        };
        SlidingWindow.Options opt = SlidingWindow.Options.of(patch).withBatchSize(batch).withGaussian(gaussian);
        float[] want;
        try (Tensor image = Tensor.zeros(2, x, y, z); SlidingWindow.Result r = SlidingWindow.predict(recorder, image, opt)) {
            want = r.probabilities().toFloatArray();
        }

        int[] before = new int[3], padded = new int[3];
        for (int a = 0; a < 3; a++) {
            int missing = Math.max(0, patch[a] - size[a]);
            before[a] = missing / 2;
            padded[a] = size[a] + missing;
        }
        int[][] steps = WindowSteps.of(padded, patch, opt.overlap());
        float[] weight = gaussian ? GaussianImportance.values(patch, opt.sigmaScale()) : ones(nPatch);
        int nVol = x * y * z;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment acc = a.allocate(4L * classes * nVol), wsum = a.allocate(4L * nVol);
            MemorySegment dWeight = a.allocateFrom(ValueLayout.JAVA_FLOAT, weight);
            MemorySegment probs = a.allocate(4L * classes * nPatch);
            int w = 0;
            for (int sx : steps[0]) for (int sy : steps[1]) for (int sz : steps[2]) {
                MemorySegment.copy(windows.get(w++), 0, probs, ValueLayout.JAVA_FLOAT, 0, classes * nPatch);
                kernels.slidingAccumulate(patch, size, new int[] {sx - before[0], sy - before[1], sz - before[2]}, classes,
                        probs.address(), dWeight.address(), acc.address(), wsum.address(), 0);
            }
            assertEquals(windows.size(), w, "every recorded window accumulated");
            kernels.slidingFinalize(classes, nVol, acc.address(), wsum.address(), acc.address(), 0);
            float[] got = acc.toArray(ValueLayout.JAVA_FLOAT);
            for (int i = 0; i < want.length; i++) {
                assertEquals(Float.floatToIntBits(want[i]), Float.floatToIntBits(got[i]),
                        "voxel " + i + ": kernel " + got[i] + ", SlidingWindow " + want[i]);
            }
        }
    }

    private static float[] ones(int n) {
        float[] o = new float[n];
        Arrays.fill(o, 1f);
        return o;
    }
}
