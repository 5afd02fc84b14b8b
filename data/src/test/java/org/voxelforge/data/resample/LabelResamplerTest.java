package org.voxelforge.data.resample;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.voxelforge.core.DType;
import org.voxelforge.core.Tensor;

class LabelResamplerTest {

    /** The obvious version: all channels kept, argmax with the first maximum winning. */
    static int[] reference(int[] labels, int[] dims, int[] out) {
        int[] values = java.util.Arrays.stream(labels).distinct().sorted().toArray();
        double[][] ch = new double[values.length][];
        for (int c = 0; c < values.length; c++) {
            double[] oneHot = new double[labels.length];
            for (int i = 0; i < labels.length; i++) oneHot[i] = labels[i] == values[c] ? 1 : 0;
            ch[c] = NaiveZoom.resize(oneHot, dims, out, 1);
        }
        int[] r = new int[ch[0].length];
        for (int i = 0; i < r.length; i++) {
            int best = 0;
            for (int c = 1; c < values.length; c++) if (ch[c][i] > ch[best][i] + 1e-12) best = c;
            r[i] = values[best];
        }
        return r;
    }

    @Test
    void matchesOneHotArgmaxReference() {
        Random rnd = new Random(9);
        int[] dims = {6, 7, 8}, out = {9, 5, 13};
        int[] labels = new int[336];
        for (int i = 0; i < labels.length; i++) labels[i] = new int[] {0, 1, 4}[rnd.nextInt(3)];
        int[] got = LabelResampler.resize(labels, dims, out);
        int[] expected = reference(labels, dims, out);
        // exact ties may be broken by rounding differently; only accept disagreement there
        int differ = 0;
        for (int i = 0; i < got.length; i++) if (got[i] != expected[i]) differ++;
        assertTrue(differ <= got.length / 100, differ + " voxels differ");
    }

    @Test
    void sameShapeIsTheIdentityAndTiesGoToTheSmallerLabel() {
        int[] labels = {3, 0, 0, 3, 5, 5};
        assertArrayEquals(labels, LabelResampler.resize(labels, new int[] {2, 3}, new int[] {2, 3}));
        // halfway between a 2 and a 7 the channels tie at 0.5: the smaller label wins
        int[] r = LabelResampler.resize(new int[] {7, 2}, new int[] {2}, new int[] {3});
        assertArrayEquals(new int[] {7, 2, 2}, r);
    }

    @Test
    void tensorKeepsTheDtypeAndRejectsFloats() {
        Tensor t = Tensor.of(DType.UINT8, new double[] {0, 1, 1, 2, 2, 2, 0, 0}, 2, 2, 2);
        Tensor r = LabelResampler.zoom(t, new double[] {2, 2, 1.5});
        assertEquals(DType.UINT8, r.dtype());
        assertArrayEquals(new int[] {4, 4, 3}, r.dims());
        for (double v : r.toDoubleArray()) assertTrue(v == 0 || v == 1 || v == 2);
        var e = assertThrows(IllegalArgumentException.class, () -> LabelResampler.resize(Tensor.zeros(2, 2), new int[] {3, 3}));
        assertTrue(e.getMessage().contains("float32[2, 2]"), e.getMessage());
    }
}
