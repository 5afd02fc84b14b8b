package org.voxelforge.data.peer;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.voxelforge.data.distance.EuclideanDistanceTransform;
import org.voxelforge.data.resample.Zoom;

/** Our EDT and zoom against scipy.ndimage on the same random inputs. */
class ScipyCrossCheckTest {

    @BeforeEach
    void needsScipy() {
        ScipyPeer.require();
    }

    static int numel(int[] dims) {
        return Arrays.stream(dims).reduce(1, (a, b) -> a * b);
    }

    @Test
    void edtMatchesScipyWithAnisotropicSampling() throws Exception {
        Random rnd = new Random(21);
        int[][] shapes = {{31, 27}, {18, 22, 15}, {9, 40, 33}, {50}};
        List<ScipyPeer.Call> calls = new ArrayList<>();
        List<double[]> ours = new ArrayList<>();
        for (int[] dims : shapes) {
            int n = numel(dims);
            byte[] mask = new byte[n];
            double[] asDouble = new double[n];
            for (int i = 0; i < n; i++) {
                mask[i] = (byte) (rnd.nextDouble() < 0.97 ? 1 : 0);
                asDouble[i] = mask[i];
            }
            mask[n / 2] = 0; // SciPy's answer without any background is an artifact; see the class doc
            asDouble[n / 2] = 0;
            double[] spacing = new double[dims.length];
            for (int a = 0; a < dims.length; a++) spacing[a] = 0.4 + 2 * rnd.nextDouble();
            calls.add(ScipyPeer.Call.edt(asDouble, dims, spacing));
            ours.add(EuclideanDistanceTransform.distances(mask, dims, spacing));
        }
        List<ScipyPeer.Result> refs = ScipyPeer.run(calls);
        for (int c = 0; c < calls.size(); c++) {
            double[] ref = refs.get(c).values(), got = ours.get(c);
            assertEquals(ref.length, got.length);
            for (int i = 0; i < ref.length; i++) {
                assertEquals(ref[i], got[i], 1e-12 * Math.max(1, ref[i]), Arrays.toString(shapes[c]) + " at " + i);
            }
        }
    }

    /**
     * Output indices along one axis whose coordinate SciPy computes a hair past the last input
     * sample, where it returns 0 (mode 'constant') and we return the last sample.
     */
    static boolean[] roundedAway(int in, int out) {
        boolean[] r = new boolean[out];
        double step = out > 1 ? (double) (in - 1) / (out - 1) : 1.0;
        for (int k = 0; k < out; k++) r[k] = (double) k * step > in - 1;
        return r;
    }

    @Test
    void zoomMatchesScipyForOrders013() throws Exception {
        Random rnd = new Random(22);
        int[][] shapes = {{12, 15, 10}, {7, 9, 16}, {20, 6, 5}, {1, 8, 2}};
        double[][] factors = {{0.8, 0.8, 0.8}, {1.25, 1.25, 1.25}, {1.5, 0.6, 2.0}, {1.0, 1.7, 0.5}, {3.0, 0.5, 2.5}};
        List<ScipyPeer.Call> calls = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<double[]> ours = new ArrayList<>();
        List<int[]> inDims = new ArrayList<>();
        for (int[] dims : shapes) {
            double[] data = new double[numel(dims)];
            for (int i = 0; i < data.length; i++) data[i] = rnd.nextGaussian() * 100;
            for (double[] f : factors) {
                for (int order : new int[] {0, 1, 3}) {
                    calls.add(ScipyPeer.Call.zoom(data, dims, f, order));
                    names.add(Arrays.toString(dims) + " x " + Arrays.toString(f) + " order " + order);
                    ours.add(Zoom.zoom(data, dims, f, order));
                    inDims.add(dims);
                }
            }
        }
        List<ScipyPeer.Result> refs = ScipyPeer.run(calls);
        int roundedAwayVoxels = 0;
        double worst = 0;
        for (int c = 0; c < calls.size(); c++) {
            int[] shape = refs.get(c).shape(), dims = inDims.get(c);
            assertArrayEquals(shape, Zoom.outputShape(dims, factorsOf(c, factors)), names.get(c) + ": shape");
            boolean[][] away = new boolean[3][];
            for (int a = 0; a < 3; a++) away[a] = roundedAway(dims[a], shape[a]);
            double[] ref = refs.get(c).values(), got = ours.get(c);
            int i = 0;
            for (int z = 0; z < shape[0]; z++) for (int y = 0; y < shape[1]; y++) for (int x = 0; x < shape[2]; x++, i++) {
                if (away[0][z] || away[1][y] || away[2][x]) {
                    assertEquals(0.0, ref[i], 0, names.get(c) + ": SciPy's rounded-away sample is 0");
                    roundedAwayVoxels++;
                    continue;
                }
                worst = Math.max(worst, Math.abs(ref[i] - got[i]) / Math.max(1, Math.abs(ref[i])));
                assertEquals(ref[i], got[i], 1e-9 * Math.max(1, Math.abs(ref[i])), names.get(c) + " at " + i);
            }
        }
        System.out.println("zoom vs SciPy: " + calls.size() + " cases agree (max relative error " + worst + "); " + roundedAwayVoxels
                + " voxels on SciPy's rounded-away last samples excluded (documented in AxisSampling)");
    }

    private static double[] factorsOf(int call, double[][] factors) {
        return factors[(call / 3) % factors.length];
    }
}
