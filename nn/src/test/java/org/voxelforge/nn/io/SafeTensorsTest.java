package org.voxelforge.nn.io;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.voxelforge.autograd.Variable;
import org.voxelforge.core.DType;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;
import org.voxelforge.nn.Module;

class SafeTensorsTest {
    @TempDir Path dir;

    /** Two parameters and a buffer, nested, to exercise dotted names. */
    static final class Tiny extends Module {
        final Variable w;
        Tiny(double fill) {
            w = registerParameter("weight", Tensor.full(fill, DType.FLOAT32, 2, 3));
            registerParameter("bias", Tensor.full(fill / 2, DType.FLOAT32, 3));
            registerBuffer("count", Tensor.full(7, DType.INT64, 1));
        }
        @Override public Variable forward(Variable x) { return x.matmul(w); }
    }

    static final class Net extends Module {
        Net(double fill) {
            registerModule("enc", new Tiny(fill));
            registerModule("dec", new Tiny(fill + 1));
        }
        @Override public Variable forward(Variable x) { return x; }
    }

    @Test void fileLayoutFollowsTheFormat() throws IOException {
        Path f = dir.resolve("w.safetensors");
        try (TensorScope s = new TensorScope()) {
            Map<String, Tensor> m = new LinkedHashMap<>();
            m.put("b", Tensor.of(new float[] {1, 2}, 2));
            m.put("a", Tensor.ofLongs(new long[] {5}, 1));
            SafeTensors.save(f, m);
        }
        byte[] bytes = Files.readAllBytes(f);
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, n % 8, "header padded to 8 bytes");
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        // metadata first, then the 8-byte dtype before the 4-byte one
        assertEquals("{\"__metadata__\":{\"format\":\"pt\"},\"a\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}", header.stripTrailing());
        assertEquals(8 + n + 16, bytes.length);
        ByteBuffer data = ByteBuffer.wrap(bytes, (int) (8 + n), 16).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(5L, data.getLong());
        assertEquals(1f, data.getFloat());
        assertEquals(2f, data.getFloat());
    }

    @Test void roundTripsEveryDtypeExactly() throws IOException {
        Path f = dir.resolve("all.safetensors");
        try (TensorScope s = new TensorScope()) {
            Map<String, Tensor> m = new LinkedHashMap<>();
            for (DType t : DType.values()) m.put(t.label(), Tensor.of(t, new double[] {0, 1, 0, 1, 2.5, -3}, 2, 3));
            m.put("strided", Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3).transpose(0, 1));
            m.put("empty", Tensor.zeros(0, 4));
            SafeTensors.save(f, m, Map.of("note", "test"));
            try (SafeTensors.Contents c = SafeTensors.load(f)) {
                assertEquals("test", c.metadata().get("note"));
                for (var e : m.entrySet()) {
                    Tensor got = c.tensors().get(e.getKey());
                    assertEquals(e.getValue().dtype(), got.dtype(), e.getKey());
                    assertEquals(e.getValue().shape(), got.shape(), e.getKey());
                    assertArrayEquals(e.getValue().toDoubleArray(), got.toDoubleArray(), e.getKey());
                }
            }
        }
    }

    @Test void moduleWeightsLoadStrictAndReportMismatches() throws IOException {
        Path f = dir.resolve("net.safetensors");
        try (Net a = new Net(1); Net b = new Net(5)) {
            assertEquals(java.util.List.of("enc.weight", "enc.bias", "dec.weight", "dec.bias", "enc.count", "dec.count"),
                    java.util.List.copyOf(a.stateDict().keySet()));
            Weights.save(a, f);
            Weights.LoadReport r = Weights.load(b, f, true);
            assertTrue(r.isClean(), r.toString());
            assertArrayEquals(a.stateDict().get("dec.weight").toDoubleArray(), b.stateDict().get("dec.weight").toDoubleArray());
        }
        try (Tiny t = new Tiny(3)) {
            var e = assertThrows(IllegalArgumentException.class, () -> Weights.load(t, f, true));
            assertTrue(e.getMessage().contains("missing [weight, bias, count]") && e.getMessage().contains("enc.weight"), e.getMessage());
            Weights.LoadReport r = Weights.load(t, f, false);
            assertEquals(3, r.missing().size());
            assertEquals(6, r.unexpected().size());
            assertEquals(3.0, t.stateDict().get("weight").get(0, 0), "nothing matched, nothing changed");
        }
    }

    @Test void corruptFilesGiveClearErrors() throws IOException {
        Path f = dir.resolve("bad.safetensors");
        try (TensorScope s = new TensorScope()) {
            SafeTensors.save(f, Map.of("x", Tensor.zeros(4, 4)));
        }
        byte[] good = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(good, good.length - 5));
        var e = assertThrows(IOException.class, () -> SafeTensors.load(f));
        assertTrue(e.getMessage().contains("'x'") && e.getMessage().contains("truncated"), e.getMessage());
        Files.write(f, new byte[] {1, 2, 3});
        assertTrue(assertThrows(IOException.class, () -> SafeTensors.load(f)).getMessage().contains("too short"));
        Files.write(f, "not a safetensors file at all".getBytes(StandardCharsets.UTF_8));
        assertTrue(assertThrows(IOException.class, () -> SafeTensors.load(f)).getMessage().contains("not plausible"));
        assertThrows(java.io.FileNotFoundException.class, () -> SafeTensors.load(dir.resolve("none.safetensors")));
    }
}
