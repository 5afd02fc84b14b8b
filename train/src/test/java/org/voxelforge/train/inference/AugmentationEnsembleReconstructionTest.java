package org.voxelforge.train.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;
import org.voxelforge.nn.Module;

class AugmentationEnsembleReconstructionTest {
    private static final int[] PATCH = {8, 8, 8};

    @Test void variantsAreTheDocumentedSetsAndInvertExactly() {
        assertEquals(1, TestTimeAugmentation.NONE.variants().size());
        assertEquals(8, TestTimeAugmentation.FLIPS.variants().size());
        List<TestTimeAugmentation.Variant> v16 = TestTimeAugmentation.BRATS16.variants();
        assertEquals(16, v16.size());
        Set<String> names = new HashSet<>();
        for (TestTimeAugmentation.Variant v : v16) names.add(v.toString());
        assertEquals(16, names.size(), "16 distinct variants: " + names);
        try (TensorScope scope = new TensorScope()) {
            Tensor x = TestModels.randomImage(5, 4, 6, 3).unsqueeze(0); // [1, 1, 4, 6, 3]: X != Y
            for (TestTimeAugmentation.Variant v : v16) {
                Tensor t = v.forward(x);
                assertArrayEquals(v.rot90() ? new int[] {1, 1, 6, 4, 3} : new int[] {1, 1, 4, 6, 3}, t.dims(), v.toString());
                assertArrayEquals(x.toFloatArray(), v.inverse(t).contiguous().toFloatArray(), 0f, v.toString());
            }
            // rot90 is numpy's rot90(k=1, axes=(X, Y)): out[i, j] = in[j, nY - 1 - i]
            Tensor r = TestTimeAugmentation.rotate(x);
            for (int i = 0; i < 6; i++) for (int j = 0; j < 4; j++) for (int k = 0; k < 3; k++) {
                assertEquals(x.get(0, 0, j, 5 - i, k), r.get(0, 0, i, j, k), 0.0);
            }
        }
    }

    /** A pointwise model commutes with flips and rotations: TTA changes nothing. */
    @Test void equivariantModelGivesTheSameResultWithAndWithoutTta() {
        try (TensorScope scope = new TensorScope();
             Module model = new TestModels.Pointwise(new double[] {2, -1, 0.5}, new double[] {0, 0.2, -0.1})) {
            Tensor image = TestModels.randomImage(11, 12, 9, 10);
            float[] none = run(List.of(model), TestTimeAugmentation.NONE, image);
            SlidingWindowTest.assertClose(none, run(List.of(model), TestTimeAugmentation.FLIPS, image), 1e-5);
            SlidingWindowTest.assertClose(none, run(List.of(model), TestTimeAugmentation.BRATS16, image), 1e-5);
        }
    }

    /**
     * XRamp adds 0.3 i along the window's X axis. On one window (volume = patch):
     * <ul>
     *   <li>FLIPS: half the variants flip X, so voxel (a, b, c) averages softmax with ramp r(a) and r(7 - a);
     *   <li>BRATS16: rotated variants put the ramp on Y (reversed by the rotation, r(7 - b); X-flipped in the
     *       rotated frame, r(b)), so the mean has r(a), r(7 - a), r(7 - b), r(b), a quarter each.
     * </ul>
     */
    @Test void nonEquivariantModelGivesTheHandComputedMean() {
        try (TensorScope scope = new TensorScope(); Module model = new TestModels.XRamp()) {
            Tensor image = TestModels.randomImage(13, PATCH);
            float[] img = image.toFloatArray();
            float[] flips = run(List.of(model), TestTimeAugmentation.FLIPS, image);
            float[] brats = run(List.of(model), TestTimeAugmentation.BRATS16, image);
            int n = 512;
            float[] expFlips = new float[2 * n], expBrats = new float[2 * n];
            for (int a = 0; a < 8; a++) for (int b = 0; b < 8; b++) for (int c = 0; c < 8; c++) {
                int v = (a * 8 + b) * 8 + c;
                double x = img[v];
                double f = 0.5 * (p0(x, a) + p0(x, 7 - a));
                double g = 0.25 * (p0(x, a) + p0(x, 7 - a) + p0(x, 7 - b) + p0(x, b));
                expFlips[v] = (float) f;
                expFlips[n + v] = (float) (1 - f);
                expBrats[v] = (float) g;
                expBrats[n + v] = (float) (1 - g);
            }
            SlidingWindowTest.assertClose(expFlips, flips, 1e-5);
            SlidingWindowTest.assertClose(expBrats, brats, 1e-5);
        }
    }

    /** softmax([x + 0.3 i, -x])[0]. */
    private static double p0(double x, int i) {
        return 1 / (1 + Math.exp(-x - (x + TestModels.XRamp.SLOPE * i)));
    }

    @Test void foldsAreAveraged() {
        try (TensorScope scope = new TensorScope();
             Module fold0 = new TestModels.Pointwise(new double[] {1, -1}, new double[] {0, 0});
             Module fold1 = new TestModels.Pointwise(new double[] {-2, 0.5}, new double[] {0.3, 0});
             Module fold2 = new TestModels.XRamp()) {
            Tensor image = TestModels.randomImage(17, 11, 8, 9);
            float[] a = run(List.of(fold0), TestTimeAugmentation.FLIPS, image);
            float[] b = run(List.of(fold1), TestTimeAugmentation.FLIPS, image);
            float[] c = run(List.of(fold2), TestTimeAugmentation.FLIPS, image);
            float[] mean = new float[a.length];
            for (int i = 0; i < a.length; i++) mean[i] = (a[i] + b[i] + c[i]) / 3;
            SlidingWindowTest.assertClose(mean, run(List.of(fold0, fold1, fold2), TestTimeAugmentation.FLIPS, image), 1e-5);

            Predictor.Options o = Predictor.Options.of(PATCH).withTta(TestTimeAugmentation.FLIPS).withBatchSize(3);
            try (Predictor p = Predictor.ofEnsemble(List.of(fold0, fold1, fold2), o); Prediction pr = p.predict(image)) {
                assertEquals(3, p.modelCount());
                SlidingWindowTest.assertClose(mean, pr.probabilities().toFloatArray(), 1e-5);
                int[] labels = pr.labels().toIntArray();
                int n = labels.length;
                for (int v = 0; v < n; v++) assertEquals(mean[v] >= mean[n + v] ? 0 : 1, labels[v], "argmax at " + v);
            }
        }
    }

    @Test void regionThresholdsOverwriteInTheOrderWtTcEt() {
        // six voxels; channels WT, TC, ET
        float[] p = {
            0.9f, 0.9f, 0.9f, 0.2f, 0.46f, 0.45f, // WT (> 0.45)
            0.1f, 0.5f, 0.5f, 0.5f, 0.39f, 0.41f, // TC (> 0.4)
            0.1f, 0.1f, 0.9f, 0.9f, 0.45f, 0.10f  // ET (> 0.45)
        };
        try (TensorScope scope = new TensorScope()) {
            Tensor probs = Tensor.of(p, 3, 1, 2, 3);
            LabelReconstruction.Regions brats = LabelReconstruction.bratsRegions();
            assertArrayEquals(new double[] {0.45, 0.4, 0.45}, brats.thresholds());
            // v0 WT only -> 2; v1 WT+TC -> 1; v2 all -> 3; v3 TC+ET without WT -> 3 (ET last);
            // v4 WT only (TC below, ET at its threshold, which is not above) -> 2; v5 WT not above, TC above -> 1
            assertArrayEquals(new int[] {2, 1, 3, 3, 2, 1}, brats.apply(probs).toIntArray());
            assertArrayEquals(new int[] {1, 2, 3}, brats.apply(probs).dims());
            // settable thresholds
            assertArrayEquals(new int[] {2, 2, 3, 3, 2, 0}, brats.withThresholds(0.45, 0.6, 0.5).apply(probs).toIntArray());
            assertThrows(IllegalArgumentException.class, () -> brats.apply(Tensor.zeros(2, 1, 2, 3)));
        }
    }

    @Test void argmaxMapsChannelsToLabels() {
        float[] p = {0.2f, 0.5f, 0.1f, 0.3f, 0.2f, 0.8f, 0.5f, 0.3f, 0.1f};
        try (TensorScope scope = new TensorScope()) {
            Tensor probs = Tensor.of(p, 3, 1, 1, 3);
            assertArrayEquals(new int[] {2, 0, 1}, LabelReconstruction.argmax(3).apply(probs).toIntArray());
            assertArrayEquals(new int[] {4, 0, 2}, new LabelReconstruction.Argmax(new int[] {0, 2, 4}).apply(probs).toIntArray());
        }
    }

    private static float[] run(List<Module> models, TestTimeAugmentation tta, Tensor image) {
        ModelEnsemble e = new ModelEnsemble(models, Activation.SOFTMAX, tta);
        try (SlidingWindow.Result r = SlidingWindow.predict(e, image, SlidingWindow.Options.of(PATCH).withBatchSize(2))) {
            return r.probabilities().toFloatArray();
        }
    }
}
