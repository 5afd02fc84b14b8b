package org.voxelforge.data.nifti;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.voxelforge.core.DType;
import org.voxelforge.core.Tensor;

/** The streaming reader against {@link RawNifti#naiveValue}, its slow twin, on hand-built files. */
class NiftiReaderTest {
    @TempDir Path dir;

    private static final int[][] TYPES = {{2, 1}, {256, 1}, {4, 2}, {512, 2}, {8, 4}, {768, 4}, {1024, 8}, {16, 4}, {64, 8}};

    @Test
    void everyDatatypeByteOrderVersionAndCompressionMatchesTheNaiveDecoder() throws Exception {
        Random rnd = new Random(42);
        int files = 0;
        for (int[] t : TYPES) {
            for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
                for (int version = 1; version <= 2; version++) {
                    for (boolean gz : new boolean[] {false, true}) {
                        for (boolean scaled : new boolean[] {false, true}) {
                            RawNifti raw = new RawNifti();
                            raw.version = version;
                            raw.order = order;
                            raw.datatype = t[0];
                            raw.bitpix = 8 * t[1];
                            raw.dim = files % 3 == 0 ? new long[] {4, 3, 2, 2, 2, 1, 1, 1} : new long[] {3, 5, 4, 3, 1, 1, 1, 1};
                            raw.slope = scaled ? 0.37 : 0;
                            raw.inter = scaled ? -12.5 : 0;
                            raw.randomPayload(rnd, t[1]);
                            Path f = raw.write(dir.resolve("f" + files++ + (gz ? ".nii.gz" : ".nii")));
                            checkAgainstNaive(f, raw, t[1]);
                        }
                    }
                }
            }
        }
        assertEquals(144, files);
    }

    @Test
    void volumesLargerThanOneChunkDecodeAcrossChunkBoundaries() throws Exception {
        Random rnd = new Random(7);
        // int16 big-endian scaled and float32 big-endian: 1.3 MB and 2.6 MB, over the 1 MiB chunk
        for (int[] t : new int[][] {{4, 2}, {16, 4}, {4, 2}}) {
            RawNifti raw = new RawNifti();
            raw.order = ByteOrder.BIG_ENDIAN;
            raw.datatype = t[0];
            raw.bitpix = 8 * t[1];
            raw.dim = new long[] {3, 101, 89, 73, 1, 1, 1, 1};
            raw.slope = t[0] == 4 ? 2.5 : 0;
            raw.randomPayload(rnd, t[1]);
            Path f = raw.write(dir.resolve("big" + t[0] + ".nii.gz"));
            checkAgainstNaive(f, raw, t[1]);
        }
    }

    private static void checkAgainstNaive(Path f, RawNifti raw, int bytesPer) throws Exception {
        try (NiftiImage img = NiftiReader.read(f)) {
            Tensor d = img.data();
            int rank = (int) raw.dim[0];
            int[] shape = new int[rank];
            for (int i = 0; i < rank; i++) shape[i] = (int) raw.dim[i + 1];
            assertArrayEquals(shape, d.dims(), f + " shape");
            boolean scaled = raw.slope != 0;
            DType want = scaled ? (raw.datatype == 64 ? DType.FLOAT64 : DType.FLOAT32)
                    : NiftiDataType.fromCode(raw.datatype, f).tensorType();
            assertEquals(want, d.dtype(), f + " dtype");
            long n = raw.voxels();
            long[] idx = new long[rank];
            for (long v = 0; v < n; v++) {
                long r = v;
                for (int a = 0; a < rank; a++) { idx[a] = r % shape[a]; r /= shape[a]; } // i fastest, as on disk
                String where = f.getFileName() + " voxel " + java.util.Arrays.toString(idx) + " (type " + raw.datatype + ", " + raw.order + ")";
                if (!scaled && (raw.datatype == 1024 || raw.datatype == 768)) {
                    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(raw.payload).order(raw.order);
                    long exact = raw.datatype == 1024 ? b.getLong(8 * (int) v) : b.getInt(4 * (int) v) & 0xFFFFFFFFL;
                    assertEquals(exact, d.dtype().getLong(d.segment(), d.elementIndex(idx)), where);
                } else {
                    // NIfTI-1 stores slope and intercept as float32
                    double slope = raw.version == 1 ? (float) raw.slope : raw.slope;
                    double inter = raw.version == 1 ? (float) raw.inter : raw.inter;
                    assertEquals(RawNifti.naiveValue(raw.payload, raw.order, raw.datatype, v, slope, inter), d.get(idx), where);
                }
            }
        }
    }

    @Test
    void headerFieldsAreExposed() throws Exception {
        RawNifti raw = new RawNifti();
        raw.dim = new long[] {4, 3, 2, 2, 5, 1, 1, 1};
        raw.pixdim = new double[] {1, 0.5, 0.75, 1.25, 2.5, 1, 1, 1};
        raw.xyztUnits = 3 | 16; // micron, msec
        raw.randomPayload(new Random(1), 4);
        try (NiftiImage img = NiftiReader.read(raw.write(dir.resolve("h.nii")))) {
            NiftiHeader h = img.header();
            assertEquals(1, h.version());
            assertEquals(NiftiUnits.Space.MICRON, img.spaceUnit());
            assertEquals(NiftiUnits.Time.MSEC, img.timeUnit());
            assertArrayEquals(new double[] {0.5, 0.75, 1.25, 2.5}, img.zooms());
            assertEquals("raw test file", h.descrip());
            assertEquals(352, h.voxOffset());
            assertArrayEquals(new long[] {1, 3, 6, 12}, img.data().strides(), "Fortran-order view of the file's layout");
            assertFalse(h.hasScaling());
        }
    }

    @Test
    void qformWithQfacMinusOneWhenNoSform() throws Exception {
        RawNifti raw = new RawNifti();
        raw.sformCode = 0;
        raw.qformCode = 1;
        raw.pixdim = new double[] {-1, 1.5, 2, 2.5, 1, 1, 1, 1};
        double s = Math.sqrt(0.5); // 90 degrees about z: w = d = sqrt(1/2)
        raw.quatern = new double[] {0, 0, s};
        raw.qoffset = new double[] {10, -20, 30};
        raw.randomPayload(new Random(2), 4);
        try (NiftiImage img = NiftiReader.read(raw.write(dir.resolve("q.nii")))) {
            // R = [[0,-1,0],[1,0,0],[0,0,1]]; columns scaled by 1.5, 2, 2.5 * qfac(-1)
            double[][] want = {{0, -2, 0, 10}, {1.5, 0, 0, -20}, {0, 0, -2.5, 30}, {0, 0, 0, 1}};
            NibabelReferenceTest.assertAffine(want, img.affine(), "qform affine");
            assertEquals("ALI", img.axisCodes());
        }
    }

    @Test
    void sformWinsOverQformAndNeitherGivesNibabelsBaseAffine() throws Exception {
        RawNifti raw = new RawNifti();
        raw.qformCode = 1;
        raw.sformCode = 2;
        raw.quatern = new double[] {1, 0, 0};
        raw.randomPayload(new Random(3), 4);
        try (NiftiImage img = NiftiReader.read(raw.write(dir.resolve("s.nii")))) {
            NibabelReferenceTest.assertAffine(new double[][] {{1.5, 0, 0, -3}, {0, 2, 0, -2}, {0, 0, 2.5, -1}, {0, 0, 0, 1}},
                    img.affine(), "sform");
        }
        raw.qformCode = 0;
        raw.sformCode = 0;
        try (NiftiImage img = NiftiReader.read(raw.write(dir.resolve("none.nii")))) {
            // shape [4, 3, 2], zooms 1.5, 2, 2.5: diag(-1.5, 2, 2.5), origin at the centre voxel (1.5, 1, 0.5)
            NibabelReferenceTest.assertAffine(new double[][] {{-1.5, 0, 0, 2.25}, {0, 2, 0, -2}, {0, 0, 2.5, -1.25}, {0, 0, 0, 1}},
                    img.affine(), "base affine");
        }
    }

    @Test
    void hdrImgPairReadsFromEitherName() throws Exception {
        RawNifti raw = new RawNifti();
        raw.magic = "ni1\0";
        raw.voxOffset = 0;
        raw.datatype = 4;
        raw.bitpix = 16;
        raw.randomPayload(new Random(4), 2);
        byte[] payload = raw.payload;
        raw.payload = new byte[0];
        Files.write(dir.resolve("p.hdr"), raw.header());
        Files.write(dir.resolve("p.img"), payload);
        for (String name : new String[] {"p.hdr", "p.img"}) {
            try (NiftiImage img = NiftiReader.read(dir.resolve(name))) {
                assertEquals(RawNifti.naiveValue(payload, raw.order, 4, 5, 0, 0), img.data().get(1, 1, 0));
                assertTrue(img.header().dim()[0] == 3);
            }
        }
    }
}
