package org.voxelforge.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.voxelforge.core.DType;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;
import org.voxelforge.nn.io.SafeTensors;

/** average-weights: element-wise means of float tensors, equal integer tensors kept; mismatches named. */
class AverageWeightsCommandTest {
    @TempDir Path tmp;

    private Path file(String name, float[] w, double[] bias64, long steps, int[] wShape) throws Exception {
        Path f = tmp.resolve(name);
        try (TensorScope s = new TensorScope()) {
            Map<String, Tensor> m = new LinkedHashMap<>();
            m.put("conv.weight", Tensor.of(w, wShape));
            m.put("conv.bias", Tensor.of(bias64, bias64.length));
            m.put("norm.num_batches_tracked", Tensor.ofLongs(new long[] {steps}));
            SafeTensors.save(f, m);
        }
        return f;
    }

    @Test void averagesFloatTensorsAndKeepsEqualIntegerTensors() throws Exception {
        Path a = file("a.safetensors", new float[] {1, 2, 3, 4}, new double[] {0.1, 1e-12}, 5, new int[] {2, 2});
        Path b = file("b.safetensors", new float[] {3, 2, 1, 0}, new double[] {0.2, 2e-12}, 5, new int[] {2, 2});
        Path c = file("c.safetensors", new float[] {2, 5, 2, 8}, new double[] {0.6, 3e-12}, 5, new int[] {2, 2});
        Path out = tmp.resolve("avg.safetensors");
        CliRun r = CliRun.run("average-weights", "--inputs", a + "," + b + "," + c, "--output", out.toString());
        assertEquals(0, r.code(), r.err());
        try (SafeTensors.Contents got = SafeTensors.load(out)) {
            Tensor w = got.tensors().get("conv.weight");
            assertEquals(DType.FLOAT32, w.dtype());
            assertArrayEquals(new int[] {2, 2}, w.dims());
            assertArrayEquals(new double[] {2, 3, 2, 4}, w.toDoubleArray(), 1e-6);
            Tensor bias = got.tensors().get("conv.bias");
            assertEquals(DType.FLOAT64, bias.dtype());
            assertArrayEquals(new double[] {0.3, 2e-12}, bias.toDoubleArray(), 1e-15);
            Tensor n = got.tensors().get("norm.num_batches_tracked");
            assertEquals(DType.INT64, n.dtype());
            assertEquals(5, n.toDoubleArray()[0]);
        }
    }

    @Test void mismatchesNameTheFileAndTensor() throws Exception {
        Path a = file("a.safetensors", new float[] {1, 2, 3, 4}, new double[] {0, 0}, 5, new int[] {2, 2});
        Path shape = file("shape.safetensors", new float[] {1, 2, 3, 4}, new double[] {0, 0}, 5, new int[] {4, 1});
        Path out = tmp.resolve("avg.safetensors");
        CliRun r = CliRun.run("average-weights", "--inputs", a + "," + shape, "--output", out.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("shape.safetensors") && r.err().contains("conv.weight"), r.err());

        Path steps = file("steps.safetensors", new float[] {1, 2, 3, 4}, new double[] {0, 0}, 6, new int[] {2, 2});
        CliRun i = CliRun.run("average-weights", "--inputs", a + "," + steps, "--output", out.toString());
        assertEquals(2, i.code());
        assertTrue(i.err().contains("norm.num_batches_tracked") && i.err().contains("steps.safetensors"), i.err());

        Path other = tmp.resolve("other.safetensors");
        try (TensorScope s = new TensorScope()) {
            SafeTensors.save(other, Map.of("conv.weight", Tensor.of(new float[] {1, 2, 3, 4}, 2, 2), "head.weight", Tensor.zeros(1)));
        }
        CliRun names = CliRun.run("average-weights", "--inputs", a + "," + other, "--output", out.toString());
        assertEquals(2, names.code());
        assertTrue(names.err().contains("other.safetensors") && names.err().contains("conv.bias"), names.err());
        assertFalse(Files.exists(out), "no output on error");

        CliRun missing = CliRun.run("average-weights", "--inputs", a + "," + tmp.resolve("gone.safetensors"), "--output", out.toString());
        assertNotEquals(0, missing.code());
        assertTrue(missing.err().contains("gone.safetensors"), missing.err());
    }
}
