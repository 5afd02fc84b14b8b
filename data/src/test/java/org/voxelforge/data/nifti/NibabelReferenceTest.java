package org.voxelforge.data.nifti;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.voxelforge.core.DType;
import org.voxelforge.core.Tensor;
import org.voxelforge.data.orient.AxisCodes;
import org.voxelforge.data.orient.Reorientation;

/**
 * Every .nii / .nii.gz / .hdr that nibabel loads, from Debian's nibabel test data, Debian's
 * mricron templates, and files nibabel writes at test time (every datatype, both byte orders,
 * NIfTI-1 and -2, scaled, 4D, pairs, qform-only, no transform): our shape, affine (1e-6),
 * axis codes, dtype and voxel values (SHA-256 of the float64 values: exact) equal nibabel's, and
 * so does reorientation to RAS (nibabel's as_closest_canonical), whose undo restores the input.
 */
class NibabelReferenceTest {
    private static Path work;

    @AfterAll
    static void cleanUp() throws Exception {
        if (work != null) {
            try (Stream<Path> s = Files.walk(work)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    @TestFactory
    List<DynamicTest> everyFileNibabelLoadsReadsTheSame() throws Exception {
        NibabelReference.requireInstalled();
        work = Files.createTempDirectory("vf-nibabel-");
        List<Map<String, Object>> reports = NibabelReference.run(work);
        List<DynamicTest> tests = new ArrayList<>();
        int compared = 0;
        for (Map<String, Object> r : reports) {
            Path file = Path.of((String) r.get("file"));
            if (r.containsKey("error")) {
                System.out.println("skipped " + file + ": nibabel cannot load it as NIfTI (" + r.get("error") + ")");
                continue;
            }
            compared++;
            tests.add(DynamicTest.dynamicTest(file.getFileName().toString(), () -> compare(file, r)));
        }
        // nibabel's own files (about 50) plus the Debian ones: guards against a silently empty run
        assertTrue(compared >= 60, "only " + compared + " files compared with nibabel");
        return tests;
    }

    private static void compare(Path file, Map<String, Object> r) throws Exception {
        try (NiftiImage img = NiftiReader.read(file)) {
            int[] shape = NibabelReference.ints(r.get("shape"));
            assertArrayEquals(shape, img.shape(), file + ": shape");
            assertAffine(NibabelReference.matrix(r.get("affine")), img.affine(), file + ": affine");
            assertEquals(r.get("axcodes"), img.axisCodes(), file + ": axis codes");
            boolean scaled = (Boolean) r.get("scaled");
            assertEquals(scaled, img.header().hasScaling(), file + ": scaling in effect");
            assertEquals(expectedDType((String) r.get("dtype"), scaled), img.data().dtype(), file + ": dtype");
            String sha = VoxelDigest.fortranSha256(img.data());
            assertEquals(r.get("sha256"), sha, file + ": voxel values differ from nibabel's (sum there: " + r.get("sum") + ")");

            @SuppressWarnings("unchecked")
            Map<String, Object> can = (Map<String, Object>) r.get("canonical");
            if (can != null) {
                Reorientation plan = Reorientation.plan(img.affine(), img.shape(), "RAS");
                if (plan.isIdentity()) {
                    // already RAS: nibabel returns the image itself; hashing 35M voxels twice more proves nothing new
                    assertEquals(sha, can.get("sha256"), file + ": nibabel moved voxels of an RAS image");
                    assertArrayEquals(img.shape(), NibabelReference.ints(can.get("shape")), file + ": RAS shape");
                    assertAffine(NibabelReference.matrix(can.get("affine")), plan.targetAffine(), file + ": RAS affine");
                    return;
                }
                try (NiftiImage ras = img.reoriented(plan)) {
                    assertArrayEquals(NibabelReference.ints(can.get("shape")), ras.shape(), file + ": RAS shape");
                    assertAffine(NibabelReference.matrix(can.get("affine")), ras.affine(), file + ": RAS affine");
                    assertEquals("RAS", AxisCodes.fromAffine(ras.affine()), file + ": codes after reorienting");
                    assertEquals(can.get("sha256"), VoxelDigest.fortranSha256(ras.data()), file + ": RAS voxels");
                    try (Tensor back = plan.undo(ras.data())) {
                        assertEquals(sha, VoxelDigest.fortranSha256(back), file + ": undo of RAS");
                    }
                }
            }
        }
    }

    /**
     * The other direction: files our writer makes (float32, int16, uint8; .nii and .nii.gz; 3D
     * and 4D; a reoriented image) read by nibabel give our voxels, affine and header fields.
     */
    @Test
    void nibabelReadsWhatWeWrite() throws Exception {
        NibabelReference.requireInstalled();
        Path out = Files.createTempDirectory("vf-written-");
        try {
            Path example4d = NibabelReference.NIBABEL_DATA.resolve("example4d.nii.gz");
            Path anatomical = NibabelReference.NIBABEL_DATA.resolve("anatomical.nii");
            List<Path> files = new ArrayList<>();
            try (NiftiImage a = NiftiReader.read(anatomical); NiftiImage e = NiftiReader.read(example4d);
                 NiftiImage ras = a.reoriented("RAS")) {
                Object[][] cases = {
                    {a, NiftiDataType.INT16, "anat_i16.nii"}, {a, NiftiDataType.FLOAT32, "anat_f32.nii.gz"},
                    {e, NiftiDataType.INT16, "ex4d_i16.nii.gz"}, {ras, NiftiDataType.FLOAT32, "anat_ras.nii"},
                };
                for (Object[] c : cases) {
                    Path f = out.resolve((String) c[2]);
                    assertTrue(NiftiWriter.write(f, (NiftiImage) c[0], (NiftiDataType) c[1]).exact(), f + " exact");
                    files.add(f);
                }
                try (Tensor labels = ras.data().cast(DType.INT32)) {
                    // uint8 labels with clamping: values above 255 become 255, as documented
                    Path f = out.resolve("labels_u8.nii.gz");
                    NiftiWriter.write(f, labels, ras.header(), NiftiDataType.UINT8);
                    files.add(f);
                }
                List<Map<String, Object>> seen = NibabelReference.checkWritten(out, files);
                assertEquals(files.size(), seen.size());
                for (int i = 0; i < files.size(); i++) {
                    Map<String, Object> r = seen.get(i);
                    Path f = files.get(i);
                    try (NiftiImage ours = NiftiReader.read(f)) {
                        assertArrayEquals(NibabelReference.ints(r.get("shape")), ours.shape(), f + " shape");
                        assertAffine(NibabelReference.matrix(r.get("affine")), ours.affine(), f + " affine");
                        assertAffine(NibabelReference.matrix(r.get("qform")), ours.header().qformAffine(), f + " qform");
                        assertEquals(r.get("sha256"), VoxelDigest.fortranSha256(ours.data()), f + " voxels");
                        assertEquals(ours.header().descrip(), r.get("descrip"), f + " descrip");
                        assertEquals(List.of("mm", "sec"), r.get("units"), f + " units");
                    }
                }
                // what nibabel sees equals what we wrote, not only what we read back
                try (NiftiImage back = NiftiReader.read(files.get(0))) {
                    assertEquals(VoxelDigest.fortranSha256(a.data()), VoxelDigest.fortranSha256(back.data()));
                    assertAffine(a.affine(), back.affine(), "anatomical round trip");
                }
                assertAffine(ras.affine(), NibabelReference.matrix(seen.get(3).get("affine")), "reoriented affine as nibabel reads it");
            }
        } finally {
            try (Stream<Path> s = Files.walk(out)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    private static DType expectedDType(String nibabelDtype, boolean scaled) {
        if (scaled) return nibabelDtype.equals("float64") ? DType.FLOAT64 : DType.FLOAT32;
        return switch (nibabelDtype) {
            case "uint8" -> DType.UINT8;
            case "int8", "int16", "uint16", "int32" -> DType.INT32;
            case "uint32", "int64" -> DType.INT64;
            case "float32" -> DType.FLOAT32;
            case "float64" -> DType.FLOAT64;
            default -> throw new AssertionError("unexpected dtype " + nibabelDtype);
        };
    }

    static void assertAffine(double[][] want, double[][] got, String what) {
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                double tol = 1e-6 * Math.max(1, Math.abs(want[i][j]));
                assertEquals(want[i][j], got[i][j], tol, what + " [" + i + "][" + j + "]: want " + Arrays.deepToString(want)
                        + " got " + Arrays.deepToString(got));
            }
        }
    }
}
