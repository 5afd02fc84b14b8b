package org.voxelforge.train.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.voxelforge.autograd.NoGrad;
import org.voxelforge.autograd.Variable;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;
import org.voxelforge.nn.Module;

class SlidingWindowTest {
    private static final int[] PATCH = {8, 8, 8};

    /** For a pointwise model, stitching windows must give exactly the whole-volume prediction. */
    @ParameterizedTest
    @CsvSource({
        "5, 6, 7, 1, SOFTMAX",   // smaller than the patch: padded, then cut back
        "8, 8, 8, 1, SOFTMAX",   // equal to the patch: one window
        "13, 10, 17, 1, SOFTMAX", // not dividing the patch
        "13, 10, 17, 3, SOFTMAX", // batched windows, the last batch short
        "5, 12, 9, 4, SIGMOID"})  // mixed: padded on X only, sigmoid
    void pointwiseModelStitchesToTheWholeVolumeResult(int x, int y, int z, int batch, Activation act) {
        try (TensorScope scope = new TensorScope();
             Module model = new TestModels.Pointwise(new double[] {1.5, -0.7, 0.2}, new double[] {0.1, 0.3, -0.4})) {
            Tensor image = TestModels.randomImage(x * 31L + y, x, y, z);
            ModelEnsemble ens = new ModelEnsemble(List.of(model), act, TestTimeAugmentation.NONE);
            SlidingWindow.Result r = SlidingWindow.predict(ens, image, SlidingWindow.Options.of(PATCH).withBatchSize(batch));
            Tensor direct;
            try (NoGrad ignored = NoGrad.enter()) {
                direct = act.apply(model.apply(Variable.constant(image.unsqueeze(0))).value()).squeeze(0);
            }
            assertArrayEquals(new int[] {3, x, y, z}, r.probabilities().dims());
            assertClose(direct.toFloatArray(), r.probabilities().toFloatArray(), 1e-5);
            int expectedWindows = 1;
            int[] size = {x, y, z};
            for (int a = 0; a < 3; a++) expectedWindows *= WindowSteps.of(new int[] {Math.max(size[a], 8)}, new int[] {8}, 0.5)[0].length;
            assertEquals(expectedWindows, r.stats().windows());
            assertEquals((expectedWindows + batch - 1) / batch, r.stats().calls());
            assertTrue(r.stats().peakBytes() > 0);
        }
    }

    /**
     * A model that sees where a voxel sits in its window: the stitched result must equal a plain
     * loop that weights every window's softmax by the Gaussian and divides by the weight sum.
     */
    @Test void positionDependentModelMatchesANaiveStitch() {
        int[] size = {13, 9, 11};
        try (TensorScope scope = new TensorScope(); Module model = new TestModels.XRamp()) {
            Tensor image = TestModels.randomImage(7, size);
            ModelEnsemble ens = new ModelEnsemble(List.of(model), Activation.SOFTMAX, TestTimeAugmentation.NONE);
            SlidingWindow.Result r = SlidingWindow.predict(ens, image, SlidingWindow.Options.of(PATCH).withBatchSize(2));
            assertClose(naiveStitch(image.toFloatArray(), size), r.probabilities().toFloatArray(), 1e-5);

            // uniform weights differ from Gaussian ones for this model: the weighting is really used
            SlidingWindow.Result flat = SlidingWindow.predict(ens, image, SlidingWindow.Options.of(PATCH).withGaussian(false));
            double diff = 0;
            float[] a = flat.probabilities().toFloatArray(), b = r.probabilities().toFloatArray();
            for (int i = 0; i < a.length; i++) diff = Math.max(diff, Math.abs(a[i] - b[i]));
            assertTrue(diff > 1e-3, "Gaussian and uniform stitching differ, max diff " + diff);
        }
    }

    /** Every window with its Gaussian weight, in doubles, with the XRamp logits written out by hand. */
    private static float[] naiveStitch(float[] img, int[] size) {
        int n = size[0] * size[1] * size[2];
        float[] g = GaussianImportance.values(PATCH, 1.0 / 8);
        double[] acc = new double[2 * n], wsum = new double[n];
        int[][] steps = WindowSteps.of(size, PATCH, 0.5);
        for (int sx : steps[0]) for (int sy : steps[1]) for (int sz : steps[2]) {
            for (int i = 0; i < 8; i++) for (int j = 0; j < 8; j++) for (int k = 0; k < 8; k++) {
                int v = ((sx + i) * size[1] + sy + j) * size[2] + sz + k;
                double x = img[v];
                double l0 = x + TestModels.XRamp.SLOPE * i, l1 = -x;
                double p0 = 1 / (1 + Math.exp(l1 - l0));
                double w = g[(i * 8 + j) * 8 + k];
                acc[v] += w * p0;
                acc[n + v] += w * (1 - p0);
                wsum[v] += w;
            }
        }
        float[] out = new float[2 * n];
        for (int v = 0; v < n; v++) {
            out[v] = (float) (acc[v] / wsum[v]);
            out[n + v] = (float) (acc[n + v] / wsum[v]);
        }
        return out;
    }

    @Test void memoryStaysBoundedByTheAccumulatorsAndOneBatch() {
        try (TensorScope scope = new TensorScope();
             Module model = new TestModels.Pointwise(new double[] {1, -1}, new double[] {0, 0})) {
            Tensor image = TestModels.randomImage(3, 40, 40, 40);
            long live = org.voxelforge.core.NativeMemory.liveBytes();
            ModelEnsemble ens = new ModelEnsemble(List.of(model), Activation.SOFTMAX, TestTimeAugmentation.NONE);
            SlidingWindow.Result r = SlidingWindow.predict(ens, image, SlidingWindow.Options.of(PATCH).withBatchSize(2));
            long volume = 40L * 40 * 40 * 4;
            long extra = r.stats().peakBytes() - live;
            // accumulator (2 channels) + weight sum + output (2) + its division result (2) + a cast-free input: ~7 volumes;
            // a leak per window (343 windows of 2 KB x several tensors) would add far more
            assertTrue(extra < 8 * volume, "peak above the input: " + extra + " bytes for a " + volume + "-byte volume");
            assertEquals(live + 2 * volume, org.voxelforge.core.NativeMemory.liveBytes(), 64 * 4,
                    "only the result stays alive");
        }
    }

    @Test void badInputIsNamed() {
        try (TensorScope scope = new TensorScope(); Module model = new TestModels.XRamp()) {
            ModelEnsemble ens = new ModelEnsemble(List.of(model), Activation.SOFTMAX, TestTimeAugmentation.NONE);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> SlidingWindow.predict(ens, Tensor.zeros(4, 4, 4), SlidingWindow.Options.of(PATCH)));
            assertTrue(e.getMessage().contains("[C, X, Y, Z]"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> SlidingWindow.Options.of(8, 8));
            assertThrows(IllegalArgumentException.class, () -> SlidingWindow.Options.of(PATCH).withOverlap(1));
        }
    }

    static void assertClose(float[] expected, float[] actual, double tol) {
        assertEquals(expected.length, actual.length, "length");
        for (int i = 0; i < expected.length; i++) {
            if (Math.abs(expected[i] - actual[i]) > tol) {
                throw new AssertionError("element " + i + ": expected " + expected[i] + " got " + actual[i]);
            }
        }
    }
}
