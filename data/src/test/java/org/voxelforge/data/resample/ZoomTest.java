package org.voxelforge.data.resample;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.voxelforge.core.DType;
import org.voxelforge.core.Tensor;

class ZoomTest {

    static double[] random(Random rnd, int n) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) d[i] = rnd.nextGaussian();
        return d;
    }

    static int numel(int[] dims) {
        int n = 1;
        for (int d : dims) n *= d;
        return n;
    }

    static void assertClose(double[] expected, double[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tol * Math.max(1, Math.abs(expected[i])), what + " at " + i);
        }
    }

    @Test
    void prefilteredCoefficientsReproduceTheSamples() {
        Random rnd = new Random(1);
        for (int n : new int[] {2, 3, 4, 7, 40, 100}) {
            double[] f = random(rnd, n);
            double[] c = f.clone();
            BSplinePrefilter.filterAxis(c, new int[] {n}, 0);
            for (int i = 0; i < n; i++) {
                double left = c[AxisSampling.mirror(i - 1, n)], right = c[AxisSampling.mirror(i + 1, n)];
                assertEquals(f[i], (left + 4 * c[i] + right) / 6, 1e-13, "n=" + n + " i=" + i);
            }
        }
    }

    @Test
    void prefilterAlongEachAxisOfABlockMatchesLineByLine() {
        Random rnd = new Random(2);
        int[] dims = {5, 600, 3}; // 1800 inner columns on axis 0: more than one column block
        double[] data = random(rnd, numel(dims));
        for (int axis = 0; axis < 3; axis++) {
            double[] fast = data.clone();
            BSplinePrefilter.filterAxis(fast, dims, axis);
            double[] slow = data.clone();
            NaiveZoom.solveAlongAxis(slow, dims, axis);
            assertClose(slow, fast, 1e-12, "axis " + axis);
        }
    }

    @Test
    void separableZoomMatchesTheFullStencilTwin() {
        Random rnd = new Random(3);
        int[][][] cases = {
                {{7, 9, 6}, {11, 5, 6}}, {{5, 4, 8}, {9, 13, 3}}, {{1, 6, 5}, {3, 6, 9}}, {{6, 2, 7}, {4, 5, 1}},
                {{13}, {29}}, {{8, 11}, {5, 17}}, {{4, 5, 6}, {4, 5, 6}}};
        for (int[][] c : cases) {
            double[] data = random(rnd, numel(c[0]));
            for (int order : new int[] {0, 1, 3}) {
                String what = Arrays.toString(c[0]) + "->" + Arrays.toString(c[1]) + " order " + order;
                assertClose(NaiveZoom.resize(data, c[0], c[1], order), Zoom.resize(data, c[0], c[1], order), 1e-12, what);
            }
        }
    }

    @Test
    void linearReproducesLinearFunctionsAndCubicConstants() {
        int[] dims = {6, 7, 5}, out = {11, 4, 9};
        double[] data = new double[numel(dims)];
        int i = 0;
        for (int z = 0; z < 6; z++) for (int y = 0; y < 7; y++) for (int x = 0; x < 5; x++) data[i++] = 2 * z - 3 * y + 0.5 * x + 1;
        double[] r = Zoom.resize(data, dims, out, 1);
        i = 0;
        for (int z = 0; z < 11; z++) for (int y = 0; y < 4; y++) for (int x = 0; x < 9; x++) {
            double zz = z * 5.0 / 10, yy = y * 6.0 / 3, xx = x * 4.0 / 8;
            assertEquals(2 * zz - 3 * yy + 0.5 * xx + 1, r[i++], 1e-11);
        }
        // the mirror boundary bends a cubic spline near the edges, but constants stay exact
        double[] constant = new double[data.length];
        Arrays.fill(constant, 2.75);
        for (double v : Zoom.resize(constant, dims, out, 3)) assertEquals(2.75, v, 1e-12);
    }

    @Test
    void outputShapeRoundsHalvesToEvenLikePython() {
        assertArrayEquals(new int[] {2, 4, 2}, Zoom.outputShape(new int[] {5, 7, 2}, new double[] {0.5, 0.5, 1.25}));
        assertArrayEquals(new int[] {192, 192, 124}, Zoom.outputShape(new int[] {240, 240, 155}, new double[] {0.8, 0.8, 0.8}));
    }

    @Test
    void lastSampleIsTheLastInputSampleEvenWhereSciPyRoundsItAway() {
        double[] data = {1.5, 2.5, -1.0, 4.25};
        for (int order : new int[] {0, 1, 3}) {
            double[] r = Zoom.resize(data, new int[] {4}, new int[] {188}, order); // SciPy returns 0 at index 187
            assertEquals(4.25, r[187], 1e-12, "order " + order);
            assertEquals(1.5, r[0], 1e-12, "order " + order);
        }
    }

    @Test
    void tensorApiAndBadInput() {
        Random rnd = new Random(4);
        int[] dims = {4, 5, 6};
        double[] data = random(rnd, numel(dims));
        Tensor t = Tensor.of(data, dims);
        Tensor r = Zoom.zoom(t, new double[] {1.5, 1.0, 0.5}, 3, DType.FLOAT32);
        assertArrayEquals(new int[] {6, 5, 3}, r.dims());
        assertEquals(DType.FLOAT32, r.dtype());
        assertClose(NaiveZoom.resize(data, dims, new int[] {6, 5, 3}, 3), r.toDoubleArray(), 1e-6, "tensor");
        // a permuted view is read in its own axis order
        Tensor p = t.permute(2, 1, 0);
        double[] pd = p.toDoubleArray();
        assertClose(NaiveZoom.resize(pd, new int[] {6, 5, 4}, new int[] {3, 7, 2}, 1),
                Zoom.resize(p, new int[] {3, 7, 2}, 1, DType.FLOAT64).toDoubleArray(), 1e-12, "permuted");
        var e = assertThrows(IllegalArgumentException.class, () -> Zoom.resize(data, dims, new int[] {2, 2, 2}, 2));
        assertTrue(e.getMessage().contains("order 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Zoom.resize(data, dims, new int[] {2, 2}, 1));
        assertTrue(e.getMessage().contains("[4, 5, 6]") && e.getMessage().contains("[2, 2]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Zoom.outputShape(dims, new double[] {1, 1}));
        assertTrue(e.getMessage().contains("[4, 5, 6]"), e.getMessage());
    }
}
