package org.voxelforge.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
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
import org.voxelforge.nn.io.Weights;
import org.voxelforge.nn.models.DynamicUNet;
import org.voxelforge.train.inference.Activation;
import org.voxelforge.train.pipeline.ModelConfig;
import org.voxelforge.train.pipeline.ResultsLayout;

/**
 * docs/embedding.md's example, compiled and run as a user would: against the six inference jars
 * only (no picocli, no cli classes), in a fresh JVM, on a small synthetic case.
 */
class EmbeddingExampleTest {
    static final List<String> MODULES = List.of("engine-core", "kernels", "autograd", "nn", "data", "train");

    @TempDir Path tmp;

    @Test void theDocumentedExampleCompilesAgainstTheInferenceJarsAndPredictsACase() throws Exception {
        String source = javaBlock(Files.readString(Path.of("..", "docs", "embedding.md")));
        Matcher name = Pattern.compile("public class (\\w+)").matcher(source);
        assertTrue(name.find(), "the example declares a public class");
        String classpath = String.join(File.pathSeparator, inferenceClassPath());

        Path src = Files.createDirectories(tmp.resolve("src")), classes = Files.createDirectories(tmp.resolve("classes"));
        Path file = src.resolve(name.group(1) + ".java");
        Files.writeString(file, source);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        java.io.ByteArrayOutputStream diag = new java.io.ByteArrayOutputStream();
        int rc = javac.run(null, diag, diag, "-cp", classpath, "-d", classes.toString(), "--add-modules", "jdk.incubator.vector", file.toString());
        assertEquals(0, rc, "javac:\n" + diag);

        // a tiny trained results folder: one modality, 3 labels, a 2-stage U-Net with 4 base features and random weights
        int[] shape = {9, 7, 6};
        Path image = tmp.resolve("t1.nii.gz"), results = tmp.resolve("results");
        Path out = tmp.resolve("pred").resolve("case_seg.nii.gz");
        writeImage(image, shape);
        Files.createDirectories(results);
        new AnalysisConfig("embed", "mr", List.of("t1"), List.of(0, 1, 2), Map.of("fg", List.of(1, 2)),
                new double[] {1, 1, 1}, new double[] {1, 1, 1}, false, 0, false, 0, Map.of(), new int[] {8, 8, 8},
                new double[] {1, 1, 1}, 1, 0, Map.of()).write(results.resolve("config.json"));
        ResultsLayout layout = new ResultsLayout(results);
        ModelConfig mc = ModelConfig.plan(List.of("t1"), new int[] {8, 8, 8}, 4, 16, false, Activation.SOFTMAX, new int[] {0, 1, 2},
                null, null, null, 7, "mist");
        Files.createDirectories(layout.modelsDir());
        mc.write(layout.modelConfig());
        Files.createDirectories(layout.weights(0, "final").getParent());
        try (DynamicUNet model = mc.newModel()) {
            Weights.save(model, layout.weights(0, "final"));
        }

        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> cmd = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-cp", classpath + File.pathSeparator + classes, name.group(1), results.toString(), out.toString(), image.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        boolean done = p.waitFor(60, TimeUnit.SECONDS);
        String log = new String(p.getInputStream().readAllBytes());
        if (!done) p.destroyForcibly();
        assertTrue(done, "the example did not finish in 60 s:\n" + log);
        assertEquals(0, p.exitValue(), log);
        assertTrue(log.contains("of shape " + Arrays.toString(shape)), log);
        assertTrue(log.contains("modalities [t1], 1 fold(s) averaged") && log.contains("probabilities [3, "), log);
        try (NiftiImage back = NiftiReader.read(out)) {
            assertArrayEquals(shape, back.shape());
            for (int l : back.data().cast(org.voxelforge.core.DType.INT32).toIntArray()) assertTrue(l >= 0 && l <= 2, "label " + l);
        }
    }

    /** The one ```java block of a Markdown file. */
    static String javaBlock(String markdown) {
        Matcher m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(markdown);
        assertTrue(m.find(), "docs/embedding.md has a ```java block");
        String block = m.group(1);
        assertFalse(m.find(), "docs/embedding.md has exactly one ```java block");
        return block;
    }

    /**
     * The test class path entries of the six inference modules: reactor builds give
     * {@code <module>/target/classes}, installed ones {@code .../voxelforge-<module>/<version>/*.jar}.
     */
    static List<String> inferenceClassPath() {
        List<String> keep = new ArrayList<>();
        List<String> found = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            List<String> segments = Arrays.asList(entry.replace('\\', '/').split("/"));
            for (String module : MODULES) {
                if (segments.contains(module) || segments.contains("voxelforge-" + module)) {
                    keep.add(entry);
                    found.add(module);
                    break;
                }
            }
        }
        assertEquals(MODULES.stream().sorted().toList(), found.stream().sorted().toList(),
                "expected one class path entry per inference module in " + System.getProperty("java.class.path"));
        return keep;
    }

    private static void writeImage(Path file, int[] shape) throws java.io.IOException {
        Random rnd = new Random(1);
        float[] v = new float[shape[0] * shape[1] * shape[2]];
        for (int i = 0; i < v.length; i++) v[i] = (float) (100 + 20 * rnd.nextGaussian());
        double[][] affine = {{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}};
        try (TensorScope scope = new TensorScope()) {
            NiftiWriter.write(file, Tensor.of(v, shape), NiftiHeader.of(shape, NiftiDataType.FLOAT32, affine), NiftiDataType.FLOAT32);
        }
    }
}
