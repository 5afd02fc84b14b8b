package org.voxelforge.core.cuda;

import static org.junit.jupiter.api.Assertions.*;
import static org.voxelforge.core.cuda.EmulatorTests.floats;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.fused.AffineResample;

/**
 * resample.cuh against its twin {@link AffineResample} and vf_flip3_f32 against Tensor.flip, under
 * the host emulator. Both twins do the kernel's arithmetic in the kernel's order, and g++ does not
 * contract a*b+c, so the results must be identical bit for bit (on a GPU nvcc's FMA contraction
 * of the trilinear sum would move image values by a few ulps; labels and flips stay exact). The
 * EDT is tested in the data module, the sliding-window kernels in the train module, against
 * their references there.
 */
class EmulatedVolumeKernelsTest {
    private final SplittableRandom rnd = new SplittableRandom(31);
    private VolumeKernels kernels;

    @BeforeEach void emulator() { kernels = new VolumeKernels(EmulatorTests.emulator()); }

    private float[] gaussian(int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (scale * (rnd.nextDouble() * 2 - 1));
        return a;
    }

    private void resample(int[] in, int[] out, int channels, int labelChannels, boolean elastic, float fill, int labelFill) {
        int nIn = in[0] * in[1] * in[2], nOut = out[0] * out[1] * out[2];
        double[] m = new double[12];
        for (int i = 0; i < 12; i++) m[i] = (i % 4 == 3 ? 3 : 0.6) * (rnd.nextDouble() * 2 - 1) + (i % 5 == 0 ? 1 : 0);
        double[] origin = {(out[0] - 1) / 2.0, (out[1] - 1) / 2.0, (out[2] - 1) / 2.0};
        float[] disp = elastic ? gaussian(3 * nOut, 2) : null;
        float[] image = gaussian(channels * nIn, 5);
        int[] labels = new int[labelChannels * nIn];
        for (int i = 0; i < labels.length; i++) labels[i] = rnd.nextInt(5);
        AffineResample.Map map = new AffineResample.Map(in, out, m, origin, disp);
        float[] wantImg = AffineResample.images(map, image, channels, fill);
        int[] wantLab = AffineResample.labels(map, labels, labelChannels, labelFill);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment dImg = channels > 0 ? floats(a, image) : MemorySegment.NULL;
            MemorySegment dLab = labelChannels > 0 ? a.allocateFrom(ValueLayout.JAVA_INT, labels) : MemorySegment.NULL;
            MemorySegment dDisp = elastic ? floats(a, disp) : MemorySegment.NULL;
            MemorySegment oImg = channels > 0 ? a.allocate(4L * channels * nOut) : MemorySegment.NULL;
            MemorySegment oLab = labelChannels > 0 ? a.allocate(4L * labelChannels * nOut) : MemorySegment.NULL;
            kernels.resample(in, out, m, origin, dDisp.address(), dImg.address(), oImg.address(), channels, fill,
                    dLab.address(), oLab.address(), labelChannels, labelFill, 0);
            String tag = Arrays.toString(in) + " -> " + Arrays.toString(out) + " C=" + channels + " L=" + labelChannels + " elastic=" + elastic;
            if (channels > 0) {
                float[] got = floats(oImg);
                for (int i = 0; i < got.length; i++) {
                    assertEquals(Float.floatToIntBits(wantImg[i]), Float.floatToIntBits(got[i]), tag + ": image " + i + " is " + got[i] + ", twin " + wantImg[i]);
                }
            }
            if (labelChannels > 0) assertArrayEquals(wantLab, oLab.toArray(ValueLayout.JAVA_INT), tag + ": labels");
            // some voxels must land outside (fill) and some inside, or the test shows little
            int fills = 0;
            for (int v : wantLab) if (v == labelFill) fills++;
            if (labelChannels > 0) assertTrue(fills > 0 && fills < wantLab.length, tag + ": " + fills + " of " + wantLab.length + " fills");
        }
    }

    @Test void resampleMatchesItsTwinBitForBit() {
        resample(new int[] {9, 10, 11}, new int[] {9, 10, 11}, 2, 2, true, 0f, 0);
        resample(new int[] {9, 10, 11}, new int[] {7, 5, 6}, 3, 1, false, -1.5f, 9);
        resample(new int[] {4, 13, 7}, new int[] {8, 8, 8}, 1, 0, true, 2f, 0);
        resample(new int[] {6, 6, 6}, new int[] {5, 7, 3}, 0, 2, true, 0f, -1);
    }

    @Test void resampleRefusesBadArguments() {
        var e = assertThrows(IllegalArgumentException.class, () -> kernels.resample(new int[] {2, 2, 2}, new int[] {2, 2}, new double[12],
                new double[3], 0, 8, 8, 1, 0f, 0, 0, 0, 0, 0));
        assertTrue(e.getMessage().contains("resample") && e.getMessage().contains("[2, 2]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> kernels.resample(new int[] {2, 2, 2}, new int[] {2, 2, 2}, new double[9],
                new double[3], 0, 8, 8, 1, 0f, 0, 0, 0, 0, 0));
        assertTrue(e.getMessage().contains("3x4"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> kernels.resample(new int[] {2, 2, 2}, new int[] {2, 2, 2}, new double[12],
                new double[3], 0, 8, 8, 1, 0f, 0, 0, 1, 0, 0));
        assertTrue(e.getMessage().contains("labels"), e.getMessage());
    }

    @Test void flipMatchesTensorFlipForEverySubsetOfAxes() {
        int[] dims = {2, 5, 4, 7};
        int n = 2 * 5 * 4 * 7;
        float[] x = gaussian(n, 1);
        int[][] subsets = {{}, {1}, {2}, {3}, {1, 2}, {1, 3}, {2, 3}, {1, 2, 3}};
        try (Arena a = Arena.ofConfined(); Tensor t = Tensor.of(x, dims)) {
            MemorySegment in = floats(a, x), out = a.allocate(4L * n);
            for (int[] axes : subsets) {
                kernels.flip(dims, axes, in.address(), out.address(), 0);
                float[] want = axes.length == 0 ? x : t.flip(axes).contiguous().toFloatArray();
                assertArrayEquals(want, floats(out), "flip " + Arrays.toString(axes));
            }
            var e = assertThrows(IllegalArgumentException.class, () -> kernels.flip(dims, new int[] {0}, in.address(), out.address(), 0));
            assertTrue(e.getMessage().contains("flip") && e.getMessage().contains("spatial"), e.getMessage());
        }
    }
}
