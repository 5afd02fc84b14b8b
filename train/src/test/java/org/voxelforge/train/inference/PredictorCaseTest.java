package org.voxelforge.train.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;
import org.voxelforge.data.analysis.AnalysisConfig;
import org.voxelforge.data.nifti.NiftiDataType;
import org.voxelforge.data.nifti.NiftiHeader;
import org.voxelforge.data.nifti.NiftiImage;
import org.voxelforge.data.nifti.NiftiReader;
import org.voxelforge.data.nifti.NiftiWriter;
import org.voxelforge.data.preprocess.PreprocessOptions;
import org.voxelforge.nn.io.Weights;
import org.voxelforge.nn.models.DynamicUNet;

class PredictorCaseTest {
    @TempDir Path dir;

    /** A small two-stage U-Net (total stride 2), 2 modalities in, 3 classes out, random weights from its seed. */
    private static DynamicUNet unet(long seed) {
        return new DynamicUNet(DynamicUNet.Plan.isotropic(2, 3, 2).withFeatures(4, 8).withSeed(seed));
    }

    private static AnalysisConfig config() {
        return new AnalysisConfig("test", "mr", List.of("t1", "t2"), List.of(0, 1, 2), Map.of("fg", List.of(1, 2)),
                new double[] {1, 1, 1}, new double[] {1, 1, 1}, false, 0, false, 0, Map.of(), new int[] {8, 8, 8},
                new double[] {1, 1, 1}, 1, 0, Map.of());
    }

    /** An oblique-free but non-RAS affine with anisotropic spacing, so preprocessing reorients and resamples. */
    private static final double[][] AFFINE = {
        {-1.5, 0, 0, 20},
        {0, 0, 1.0, -7},
        {0, -2.0, 0, 3},
        {0, 0, 0, 1}};

    private Path writeModality(String name, int[] shape, long seed) throws IOException {
        Random rnd = new Random(seed);
        float[] v = new float[shape[0] * shape[1] * shape[2]];
        for (int i = 0; i < v.length; i++) v[i] = (float) (100 + 20 * rnd.nextGaussian());
        Path f = dir.resolve(name + ".nii.gz");
        try (TensorScope scope = new TensorScope()) {
            NiftiWriter.write(f, Tensor.of(v, shape), NiftiHeader.of(shape, NiftiDataType.FLOAT32, AFFINE), NiftiDataType.FLOAT32);
        }
        return f;
    }

    @Test void predictCaseReturnsLabelsOnTheOriginalGridAndWritesThemWithTheOriginalHeader() throws IOException {
        int[] shape = {7, 10, 5};
        List<Path> files = List.of(writeModality("t1", shape, 1), writeModality("t2", shape, 2));
        PreprocessOptions quiet = PreprocessOptions.defaults().withThreads(1).withProgress(null);
        Predictor.Options opt = Predictor.Options.of(8, 8, 8).withTta(TestTimeAugmentation.FLIPS).withBatchSize(2);
        try (TensorScope scope = new TensorScope(); DynamicUNet model = unet(3); Predictor p = Predictor.of(model, opt);
             CasePrediction c = p.predictCase("case1", files, config(), quiet, true)) {
            assertArrayEquals(shape, c.labels().dims());
            int[] labels = c.labels().toIntArray();
            for (int l : labels) assertTrue(l >= 0 && l <= 2, "label " + l);
            assertNotNull(c.probabilities());
            assertEquals(3, c.probabilities().dim(0));
            assertArrayEquals(c.geometry().resampledShape(), new int[] {c.probabilities().dim(1), c.probabilities().dim(2),
                    c.probabilities().dim(3)});
            assertTrue(c.stats().windows() >= 1);

            Path out = dir.resolve("pred/case1.nii.gz");
            c.writeNifti(out);
            try (NiftiImage back = NiftiReader.read(out)) {
                assertArrayEquals(shape, back.shape());
                double[][] a = back.affine();
                for (int i = 0; i < 4; i++) assertArrayEquals(AFFINE[i], a[i], 1e-6, "affine row " + i);
                assertArrayEquals(labels, back.data().cast(org.voxelforge.core.DType.INT32).toIntArray());
            }
            try (var listing = Files.list(out.getParent())) {
                assertEquals(1, listing.count(), "no temporary file left behind");
            }
        }
    }

    @Test void weightsFilesGiveTheSameModelsAsTheModulesThemselves() throws IOException {
        int[] shape = {6, 8, 9};
        List<Path> files = List.of(writeModality("a", shape, 4), writeModality("b", shape, 5));
        Path w0 = dir.resolve("fold_0.safetensors"), w1 = dir.resolve("fold_1.safetensors");
        PreprocessOptions quiet = PreprocessOptions.defaults().withThreads(1).withProgress(null);
        Predictor.Options opt = Predictor.Options.of(8, 8, 8);
        try (TensorScope scope = new TensorScope(); DynamicUNet m0 = unet(10); DynamicUNet m1 = unet(11)) {
            Weights.save(m0, w0);
            Weights.save(m1, w1);
            try (Predictor fromModules = Predictor.ofEnsemble(List.of(m0, m1), opt);
                 Predictor fromFiles = Predictor.fromWeights(List.of(w0, w1), () -> unet(99), opt);
                 CasePrediction a = fromModules.predictCase("x", files, config(), quiet, true);
                 CasePrediction b = fromFiles.predictCase("x", files, config(), quiet, false)) {
                assertEquals(2, fromFiles.modelCount());
                assertArrayEquals(a.labels().toIntArray(), b.labels().toIntArray());
                assertNull(b.probabilities());
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Predictor.fromWeights(List.of(dir.resolve("missing.safetensors")), () -> unet(0), opt));
            assertTrue(e.getMessage().contains("missing.safetensors"), e.getMessage());
        }
    }
}
