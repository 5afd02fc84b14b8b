package org.voxelforge.data.synth;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.core.io.Json;
import org.voxelforge.data.nifti.NiftiDataType;
import org.voxelforge.data.nifti.NiftiImage;
import org.voxelforge.data.nifti.NiftiReader;
import org.voxelforge.data.orient.Affines;

class SynthDatasetTest {
    @TempDir Path tmp;

    private static final int[] SMALL = {24, 24, 20};

    private static List<Path> files(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).map(root::relativize).sorted().toList();
        }
    }

    @Test void writesMistLayoutAndADatasetJsonWithEveryKey() throws IOException {
        Path out = tmp.resolve("ds");
        Path json = SynthDataset.write(out, new SynthOptions(2, 1, SMALL, 3), false);
        Map<String, Object> d = Json.parseObject(Files.readString(json), json.toString());
        assertEquals(List.of("task", "modality", "train-data", "test-data", "mask", "images", "labels", "final_classes"),
                new ArrayList<>(d.keySet()));
        assertEquals("mr", d.get("modality"));
        assertEquals(List.of(0L, 1L, 2L, 3L), d.get("labels"));
        assertEquals(Map.of("WT", List.of(1L, 2L, 3L), "TC", List.of(1L, 3L), "ET", List.of(3L)), d.get("final_classes"));
        @SuppressWarnings("unchecked") Map<String, Object> images = (Map<String, Object>) d.get("images");
        assertEquals(List.of("t1", "t1c", "t2", "flair"), new ArrayList<>(images.keySet()));

        // MIST finds a case's files by substring: each file must match exactly one pattern
        List<String> patterns = new ArrayList<>();
        patterns.add(((List<?>) d.get("mask")).getFirst().toString());
        for (Object v : images.values()) patterns.add(((List<?>) v).getFirst().toString());
        Path train = out.resolve((String) d.get("train-data")), test = out.resolve((String) d.get("test-data"));
        assertEquals(List.of("synth_0000", "synth_0001"), Files.list(train).map(p -> p.getFileName().toString()).sorted().toList());
        assertEquals(List.of("synth_0002"), Files.list(test).map(p -> p.getFileName().toString()).toList());
        for (Path caseDir : List.of(train.resolve("synth_0000"), train.resolve("synth_0001"), test.resolve("synth_0002"))) {
            List<Path> fs = files(caseDir);
            assertEquals(5, fs.size(), fs.toString());
            for (String pattern : patterns) {
                assertEquals(1, fs.stream().filter(f -> f.toString().contains(pattern)).count(), pattern + " in " + fs);
            }
        }
        NiftiImage seg = NiftiReader.read(train.resolve("synth_0000/synth_0000_seg.nii.gz"));
        assertEquals(NiftiDataType.UINT8.code(), seg.header().datatype());
        assertEquals(NiftiDataType.INT16.code(), NiftiReader.readHeader(train.resolve("synth_0000/synth_0000_t1c.nii.gz")).datatype());
        seg.close();
        assertFalse(Files.list(out).anyMatch(p -> p.getFileName().toString().endsWith(".tmp")));
    }

    @Test void withoutTestCasesThereIsNoTestDataKey() throws IOException {
        Path json = SynthDataset.write(tmp.resolve("ds"), new SynthOptions(1, 0, SMALL, 3), false);
        assertFalse(Json.parseObject(Files.readString(json), "d").containsKey("test-data"));
        assertFalse(Files.exists(tmp.resolve("ds/test")));
    }

    @Test void sameSeedGivesIdenticalBytesAndAnotherSeedDiffers() throws IOException {
        Path a = tmp.resolve("a"), b = tmp.resolve("b"), c = tmp.resolve("c");
        SynthDataset.write(a, new SynthOptions(2, 1, SMALL, 42), false);
        SynthDataset.write(b, new SynthOptions(2, 1, SMALL, 42), false);
        SynthDataset.write(c, new SynthOptions(2, 1, SMALL, 43), false);
        List<Path> names = files(a);
        assertEquals(names, files(b));
        assertEquals(16, names.size());
        for (Path f : names) assertArrayEquals(Files.readAllBytes(a.resolve(f)), Files.readAllBytes(b.resolve(f)), f.toString());
        Path seg = Path.of("train/synth_0000/synth_0000_seg.nii.gz");
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(a.resolve(seg)), Files.readAllBytes(c.resolve(seg))));
    }

    @Test void refusesANonEmptyFolderUnlessOverwriting() throws IOException {
        Path out = tmp.resolve("ds");
        SynthDataset.write(out, new SynthOptions(3, 0, SMALL, 1), false);
        var e = assertThrows(IllegalArgumentException.class, () -> SynthDataset.write(out, new SynthOptions(1, 0, SMALL, 1), false));
        assertTrue(e.getMessage().contains(out.toString()) && e.getMessage().contains("not empty"), e.getMessage());
        Files.writeString(out.resolve("notes.txt"), "mine");
        SynthDataset.write(out, new SynthOptions(1, 0, SMALL, 2), true);
        assertEquals(List.of("synth_0000"), Files.list(out.resolve("train")).map(p -> p.getFileName().toString()).toList(),
                "stale cases from the earlier, larger run are gone");
        assertEquals("mine", Files.readString(out.resolve("notes.txt")), "files that are not ours stay");
    }

    /** Centroid of {@code label} in world mm. */
    private static double[] worldCentroid(NiftiImage img, int label) {
        int[] n = img.shape();
        double[] s = new double[3];
        long k = 0;
        for (int x = 0; x < n[0]; x++) for (int y = 0; y < n[1]; y++) for (int z = 0; z < n[2]; z++) {
            if (img.data().get(x, y, z) == label) { s[0] += x; s[1] += y; s[2] += z; k++; }
        }
        assertTrue(k > 0, "label " + label + " absent");
        double[][] a = img.affine();
        double[] w = new double[3];
        for (int r = 0; r < 3; r++) w[r] = a[r][3] + a[r][0] * s[0] / k + a[r][1] * s[1] / k + a[r][2] * s[2] / k;
        return w;
    }

    @Test void orientationIsWrittenAsRequestedAndTheAnatomyAgreesAfterReorientation() throws IOException {
        // one head, sampled on an RAS grid and on a sagittal PIR grid covering the same world box
        RandomGenerator rng = new RandomGenerator(77);
        CaseGeometry ras = new CaseGeometry("RAS", new double[] {1, 1.2, 1.5}, new int[] {40, 36, 28});
        CaseGeometry pir = new CaseGeometry("PIR", new double[] {1.2, 1.5, 1}, new int[] {36, 28, 40});
        assertArrayEquals(ras.fieldOfViewMm(), pir.fieldOfViewMm(), 1e-12);
        HeadAnatomy anatomy = HeadAnatomy.random(rng, ras.fieldOfViewMm(), 0.25);
        RandomGenerator noise = rng.split();
        Path a = tmp.resolve("a"), b = tmp.resolve("b");
        SynthDataset.writeCase(a, new SynthDataset.CasePlan("synth_0000", false, ras, anatomy, noise));
        SynthDataset.writeCase(b, new SynthDataset.CasePlan("synth_0000", false, pir, anatomy, noise));
        try (NiftiImage sa = NiftiReader.read(a.resolve("train/synth_0000/synth_0000_seg.nii.gz"));
             NiftiImage sb = NiftiReader.read(b.resolve("train/synth_0000/synth_0000_seg.nii.gz"))) {
            assertEquals("RAS", sa.axisCodes());
            assertEquals("PIR", sb.axisCodes());
            assertArrayEquals(new double[] {1.2, 1.5, 1}, sb.zooms(), 1e-6);
            assertArrayEquals(Affines.copy(pir.affine())[0], sb.affine()[0], 1e-5);
            try (NiftiImage rb = sb.reoriented("RAS")) {
                assertArrayEquals(sa.shape(), rb.shape());
                for (int r = 0; r < 3; r++) assertArrayEquals(sa.affine()[r], rb.affine()[r], 1e-5);
                for (int label = 1; label <= 3; label++) {
                    double[] ca = worldCentroid(sa, label), cb = worldCentroid(rb, label), c0 = worldCentroid(sb, label);
                    assertArrayEquals(ca, cb, 0.2, "label " + label);
                    assertArrayEquals(ca, c0, 0.2, "label " + label + " before reorienting");
                }
                double[] seed = anatomy.tumourSeed(), tc = worldCentroid(sa, 1);
                double dist = Math.sqrt(Math.pow(seed[0] - tc[0], 2) + Math.pow(seed[1] - tc[1], 2) + Math.pow(seed[2] - tc[2], 2));
                assertTrue(dist < 0.5 * 0.25 * 36 * 1.2 * HeadAnatomy.SKULL_INNER, "necrotic centre " + dist + " mm from the seed");
                int[] n = sa.shape();
                long same = 0, total = (long) n[0] * n[1] * n[2];
                for (int x = 0; x < n[0]; x++) for (int y = 0; y < n[1]; y++) for (int z = 0; z < n[2]; z++) {
                    if (sa.data().get(x, y, z) == rb.data().get(x, y, z)) same++;
                }
                assertTrue(same >= total - total / 1000, "labels agree on " + same + " of " + total + " voxels");
            }
        }
    }
}
