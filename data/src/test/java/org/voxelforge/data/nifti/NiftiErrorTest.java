package org.voxelforge.data.nifti;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.voxelforge.core.NativeMemory;

/** Broken files fail with one clear message that names the file and the field, and leak nothing. */
class NiftiErrorTest {
    @TempDir Path dir;

    private RawNifti valid() {
        RawNifti raw = new RawNifti();
        raw.randomPayload(new Random(5), 4);
        return raw;
    }

    private static void assertFails(Class<? extends Exception> type, Executable read, Path file, String... words) {
        long live = NativeMemory.liveBytes();
        Exception e = assertThrows(type, read);
        String m = e.getMessage();
        assertTrue(m.contains(file.getFileName().toString()), "message should name the file: " + m);
        for (String w : words) assertTrue(m.contains(w), "message should mention '" + w + "': " + m);
        assertTrue(NativeMemory.liveBytes() <= live, "a failed read must free its tensor memory");
    }

    @Test
    void truncatedHeader() throws Exception {
        Path f = dir.resolve("short.nii");
        Files.write(f, Arrays.copyOf(valid().bytes(), 100));
        assertFails(IOException.class, () -> NiftiReader.read(f), f, "header truncated");
        Path g = dir.resolve("tiny.nii");
        Files.write(g, new byte[] {92, 1});
        assertFails(IOException.class, () -> NiftiReader.read(g), g, "header truncated");
    }

    @Test
    void truncatedVoxelData() throws Exception {
        RawNifti raw = valid();
        byte[] b = raw.bytes();
        Path f = dir.resolve("cut.nii");
        Files.write(f, Arrays.copyOf(b, b.length - 10));
        assertFails(IOException.class, () -> NiftiReader.read(f), f, "truncated", "vox_offset");
        Path g = raw.write(dir.resolve("cut.nii.gz"));
        byte[] z = Files.readAllBytes(g);
        Files.write(g, Arrays.copyOf(z, z.length - 30)); // the deflate stream ends early
        assertFails(IOException.class, () -> NiftiReader.read(g), g, "truncated");
    }

    @Test
    void corruptGzip() throws Exception {
        Path g = valid().write(dir.resolve("bad.nii.gz"));
        byte[] z = Files.readAllBytes(g);
        for (int i = 20; i < 60; i++) z[i] ^= 0x5A;
        Files.write(g, z);
        assertFails(IOException.class, () -> NiftiReader.read(g), g);
    }

    @Test
    void badMagic() throws Exception {
        RawNifti raw = valid();
        raw.magic = "xyz\0";
        Path f = raw.write(dir.resolve("magic1.nii"));
        assertFails(IllegalArgumentException.class, () -> NiftiReader.read(f), f, "magic", "n+1");
        RawNifti two = valid();
        two.version = 2;
        two.magic = "n+2\0\n\n\n\n"; // the line-ending check bytes are wrong
        Path g = two.write(dir.resolve("magic2.nii"));
        assertFails(IllegalArgumentException.class, () -> NiftiReader.read(g), g, "magic", "n+2");
        RawNifti zero = valid();
        zero.magic = "\0\0\0\0";
        Path h = zero.write(dir.resolve("nomagic.nii"));
        assertFails(IllegalArgumentException.class, () -> NiftiReader.read(h), h, "magic");
    }

    @Test
    void wrongSizeofHdr() throws Exception {
        RawNifti raw = valid();
        raw.sizeofHdr = 349;
        Path f = raw.write(dir.resolve("size.nii"));
        assertFails(IllegalArgumentException.class, () -> NiftiReader.read(f), f, "sizeof_hdr", "348");
        Path g = dir.resolve("text.nii");
        Files.writeString(g, "this is not an image at all, but it is long enough to hold a header ".repeat(10));
        assertFails(IllegalArgumentException.class, () -> NiftiReader.read(g), g, "sizeof_hdr");
    }

    @Test
    void voxOffsetBeyondTheFile() throws Exception {
        RawNifti raw = valid();
        byte[] b = raw.bytes();
        raw.voxOffset = 100_000;
        raw.payload = new byte[0];
        byte[] h = raw.header();
        Path f = dir.resolve("offset.nii");
        Files.write(f, concat(h, Arrays.copyOfRange(b, 348, b.length)));
        assertFails(IOException.class, () -> NiftiReader.read(f), f, "vox_offset 100000", "beyond the end");
        raw.voxOffset = 360; // inside the file, but then the data run past its end
        Path g = dir.resolve("offset2.nii");
        Files.write(g, concat(raw.header(), Arrays.copyOfRange(b, 348, b.length)));
        assertFails(IOException.class, () -> NiftiReader.read(g), g, "truncated");
        RawNifti frac = valid();
        frac.voxOffset = 352;
        byte[] fb = frac.bytes();
        java.nio.ByteBuffer.wrap(fb).order(java.nio.ByteOrder.LITTLE_ENDIAN).putFloat(108, 352.5f);
        Path k = dir.resolve("offset3.nii");
        Files.write(k, fb);
        assertFails(IllegalArgumentException.class, () -> NiftiReader.read(k), k, "vox_offset");
    }

    @Test
    void nonPositiveOrTooManyDims() throws Exception {
        for (long[] dim : new long[][] {{3, 4, 0, 2, 1, 1, 1, 1}, {3, 4, -3, 2, 1, 1, 1, 1}}) {
            RawNifti raw = valid();
            raw.dim = dim;
            Path f = raw.write(dir.resolve("dim" + dim[2] + ".nii"));
            assertFails(IllegalArgumentException.class, () -> NiftiReader.read(f), f, "dim[2] is " + dim[2], ">= 1");
        }
        for (long rank : new long[] {0, 8, -1}) {
            RawNifti raw = valid();
            raw.dim = new long[] {rank, 4, 3, 2, 1, 1, 1, 1};
            Path f = raw.write(dir.resolve("rank" + rank + ".nii"));
            assertFails(IllegalArgumentException.class, () -> NiftiReader.read(f), f, "dim[0]");
        }
        RawNifti five = valid();
        five.dim = new long[] {5, 4, 3, 2, 1, 3, 1, 1};
        five.randomPayload(new Random(1), 4);
        Path f = five.write(dir.resolve("five.nii"));
        assertFails(IllegalArgumentException.class, () -> NiftiReader.read(f), f, "5D", "at most 4 axes");
    }

    @Test
    void unsupportedDatatype() throws Exception {
        RawNifti raw = valid();
        raw.datatype = 32;
        raw.bitpix = 64;
        Path f = raw.write(dir.resolve("complex.nii"));
        assertFails(IllegalArgumentException.class, () -> NiftiReader.read(f), f, "unsupported datatype 32 (complex64)");
        raw.datatype = 128;
        Path g = raw.write(dir.resolve("rgb.nii"));
        assertFails(IllegalArgumentException.class, () -> NiftiReader.read(g), g, "unsupported datatype 128 (rgb24)");
    }

    @Test
    void validSlopeWithNonFiniteIntercept() throws Exception {
        RawNifti raw = valid();
        raw.slope = 2;
        raw.inter = Double.NaN;
        Path f = raw.write(dir.resolve("inter.nii"));
        assertFails(IllegalArgumentException.class, () -> NiftiReader.read(f), f, "scl_inter");
    }

    @Test
    void quaternionLongerThanOne() throws Exception {
        RawNifti raw = valid();
        raw.sformCode = 0;
        raw.qformCode = 1;
        raw.quatern = new double[] {0.9, 0.9, 0.1};
        Path f = raw.write(dir.resolve("quat.nii"));
        assertFails(IllegalArgumentException.class, () -> NiftiReader.read(f), f, "quatern_b/c/d");
    }

    @Test
    void missingFiles() throws Exception {
        Path f = dir.resolve("absent.nii.gz");
        assertFails(IOException.class, () -> NiftiReader.read(f), f);
        RawNifti raw = valid();
        raw.magic = "ni1\0";
        raw.voxOffset = 0;
        raw.payload = new byte[0];
        Path h = dir.resolve("lonely.hdr");
        Files.write(h, raw.header());
        assertFails(IOException.class, () -> NiftiReader.read(h), h, ".img");
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
