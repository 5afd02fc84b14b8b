package org.voxelforge.data.nifti;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.voxelforge.core.DType;
import org.voxelforge.core.Tensor;
import org.voxelforge.data.orient.Affines;

class NiftiWriterTest {
    @TempDir Path dir;

    /** A source image with an oblique sform, a different qform, units, description and 4D timing. */
    private NiftiImage source(DType dtype, int[] shape) throws Exception {
        RawNifti raw = new RawNifti();
        raw.dim = new long[] {shape.length, 1, 1, 1, 1, 1, 1, 1};
        for (int i = 0; i < shape.length; i++) raw.dim[i + 1] = shape[i];
        raw.datatype = 16;
        raw.bitpix = 32;
        raw.pixdim = new double[] {-1, 1.5, 2, 2.5, 0.8, 1, 1, 1};
        raw.qformCode = 1;
        raw.sformCode = 4;
        raw.quatern = new double[] {0.1, -0.2, 0.3};
        raw.qoffset = new double[] {5, 6, 7};
        raw.srow = new double[][] {{1.4, 0.2, 0, -90.5}, {-0.1, 1.9, 0.3, 12.25}, {0, 0.1, -2.5, 40}};
        raw.xyztUnits = 2 | 8;
        raw.descrip = "source for writer test";
        Random rnd = new Random(11);
        raw.randomPayload(rnd, 4);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(raw.payload).order(raw.order);
        for (int i = 0; i < raw.voxels(); i++) b.putFloat(4 * i, (float) (rnd.nextGaussian() * 100));
        NiftiImage img = NiftiReader.read(raw.write(dir.resolve("src.nii")));
        if (dtype == DType.FLOAT32) return img;
        Tensor t = img.data().cast(dtype);
        img.close();
        return new NiftiImage(img.source(), img.header(), img.affine(), t);
    }

    @Test
    void float32RoundTripIsExactAndKeepsGeometry() throws Exception {
        for (String name : new String[] {"out.nii", "out.nii.gz"}) {
            try (NiftiImage src = source(DType.FLOAT32, new int[] {5, 4, 3, 2})) {
                NiftiWriter.Result r = NiftiWriter.write(dir.resolve(name), src, NiftiDataType.FLOAT32);
                assertTrue(r.exact());
                assertEquals(120, r.voxels());
                try (NiftiImage back = NiftiReader.read(dir.resolve(name))) {
                    assertEquals(src.data().dtype(), back.data().dtype());
                    assertArrayEquals(src.data().toFloatArray(), back.data().toFloatArray(), name);
                    assertArrayEquals(src.affine(), back.affine(), name + " affine");
                    NiftiHeader a = src.header(), b = back.header();
                    assertArrayEquals(a.pixdim(), b.pixdim());
                    assertArrayEquals(a.qformAffine(), b.qformAffine());
                    assertEquals(a.qformCode(), b.qformCode());
                    assertEquals(a.sformCode(), b.sformCode());
                    assertEquals(a.xyztUnits(), b.xyztUnits());
                    assertEquals(a.descrip(), b.descrip());
                }
            }
        }
    }

    @Test
    void integerTypesRoundTripExactly() throws Exception {
        try (NiftiImage src = source(DType.FLOAT32, new int[] {6, 5, 4})) { // geometry only
            for (NiftiDataType type : new NiftiDataType[] {NiftiDataType.INT16, NiftiDataType.UINT8}) {
                double[] v = new double[120];
                for (int i = 0; i < v.length; i++) v[i] = (i * 37) % 251; // 0..250 fits both types
                try (Tensor ints = Tensor.of(DType.INT32, v, 6, 5, 4)) {
                    Path f = dir.resolve("labels-" + type.label() + ".nii.gz");
                    assertTrue(NiftiWriter.write(f, ints, src.header(), type).exact());
                    try (NiftiImage back = NiftiReader.read(f)) {
                        assertEquals(type.tensorType(), back.data().dtype());
                        assertArrayEquals(ints.toLongArray(), back.data().toLongArray());
                        assertArrayEquals(src.affine(), back.affine());
                    }
                }
            }
        }
    }

    @Test
    void floatToIntegerRoundsHalfToEvenClampsAndCountsWhatChanged() throws Exception {
        double[] values = {1.5, 2.5, -1.5, 40000, -40000, Double.NaN, 3, 254.7, 0.49};
        try (Tensor t = Tensor.of(values, 9, 1, 1)) {
            NiftiHeader h = NiftiHeader.of(new int[] {9, 1, 1}, NiftiDataType.FLOAT32, Affines.identity(4));
            NiftiWriter.Result r = NiftiWriter.write(dir.resolve("i16.nii"), t, h, NiftiDataType.INT16);
            assertEquals(2, r.clamped());
            assertEquals(1, r.nans());
            assertEquals(5, r.rounded());
            assertFalse(r.exact());
            try (NiftiImage back = NiftiReader.read(dir.resolve("i16.nii"))) {
                assertArrayEquals(new long[] {2, 2, -2, 32767, -32768, 0, 3, 255, 0}, back.data().toLongArray());
            }
            NiftiWriter.Result u = NiftiWriter.write(dir.resolve("u8.nii"), t, h, NiftiDataType.UINT8);
            assertEquals(3, u.clamped()); // -1.5 (rounds to -2), 40000, -40000; 254.7 rounds to 255, in range
            try (NiftiImage back = NiftiReader.read(dir.resolve("u8.nii"))) {
                assertArrayEquals(new long[] {2, 2, 0, 255, 0, 0, 3, 255, 0}, back.data().toLongArray());
            }
        }
    }

    @Test
    void stridedTensorsAreWrittenInNiftiOrder() throws Exception {
        // a row-major [x, y, z] tensor (k fastest in memory) must still land i-fastest on disk
        double[] v = new double[24];
        for (int i = 0; i < v.length; i++) v[i] = i;
        try (Tensor t = Tensor.of(v, 4, 3, 2)) {
            NiftiHeader h = NiftiHeader.of(new int[] {4, 3, 2}, NiftiDataType.FLOAT32, Affines.identity(4));
            NiftiWriter.write(dir.resolve("c.nii"), t, h, NiftiDataType.FLOAT32);
            try (NiftiImage back = NiftiReader.read(dir.resolve("c.nii"))) {
                for (int i = 0; i < 4; i++) for (int j = 0; j < 3; j++) for (int k = 0; k < 2; k++) {
                    assertEquals(t.get(i, j, k), back.data().get(i, j, k));
                }
                java.nio.ByteBuffer raw = java.nio.ByteBuffer.wrap(Files.readAllBytes(dir.resolve("c.nii")))
                        .order(java.nio.ByteOrder.LITTLE_ENDIAN);
                assertEquals(t.get(1, 0, 0), raw.getFloat(352 + 4), "second voxel on disk is (1, 0, 0)");
            }
        }
    }

    @Test
    void headerFromAnAffineHasAMatchingQform() throws Exception {
        double c = Math.cos(0.4), s = Math.sin(0.4);
        double[][] rot = {{c, -s, 0, 0}, {s, c, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}};
        double[][] base = {{0, 0, 2.5, 40}, {-1.5, 0, 0, 12}, {0, 2, 0, -7}, {0, 0, 0, 1}}; // det < 0
        double[][] a = Affines.multiply(rot, base); // oblique and left-handed
        NiftiHeader h = NiftiHeader.of(new int[] {4, 3, 2}, NiftiDataType.FLOAT32, a);
        double[][] q = h.qformAffine();
        for (int i = 0; i < 4; i++) for (int j = 0; j < 4; j++) assertEquals(a[i][j], q[i][j], 1e-12, "qform " + i + "," + j);
        assertEquals(-1, h.qfac());
    }

    @Test
    void aFailedWriteLeavesTheOldFileAndNoTemporaryFile() throws Exception {
        Path f = dir.resolve("keep.nii");
        Files.writeString(f, "previous content");
        Tensor t = Tensor.zeros(4, 3, 2);
        t.close(); // writing a closed tensor fails after the temporary file was opened
        NiftiHeader h = NiftiHeader.of(new int[] {4, 3, 2}, NiftiDataType.FLOAT32, Affines.identity(4));
        assertThrows(IllegalStateException.class, () -> NiftiWriter.write(f, t, h, NiftiDataType.FLOAT32));
        assertEquals("previous content", Files.readString(f));
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> left = s.filter(p -> !p.getFileName().toString().startsWith("src")).toList();
            assertEquals(List.of(f), left, "no temporary file may remain");
        }
    }

    @Test
    void refusesWhatNiftiOneCannotHold() {
        NiftiHeader h = NiftiHeader.of(new int[] {4}, NiftiDataType.FLOAT32, Affines.identity(4));
        try (Tensor big = Tensor.zeros(40000, 1, 1); Tensor five = Tensor.zeros(1, 1, 1, 1, 2)) {
            assertThrows(IllegalArgumentException.class, () -> NiftiWriter.write(dir.resolve("a.nii"), big, h, NiftiDataType.FLOAT32));
            assertThrows(IllegalArgumentException.class, () -> NiftiWriter.write(dir.resolve("b.nii"), five, h, NiftiDataType.FLOAT32));
            assertThrows(IllegalArgumentException.class, () -> NiftiWriter.write(dir.resolve("c.nii"), five, h, NiftiDataType.INT32));
        }
    }
}
