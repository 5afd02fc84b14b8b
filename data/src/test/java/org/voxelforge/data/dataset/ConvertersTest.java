package org.voxelforge.data.dataset;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;
import org.voxelforge.data.nifti.NiftiDataType;
import org.voxelforge.data.nifti.NiftiHeader;
import org.voxelforge.data.nifti.NiftiImage;
import org.voxelforge.data.nifti.NiftiReader;
import org.voxelforge.data.nifti.NiftiWriter;
import org.voxelforge.data.orient.Affines;

class ConvertersTest {
    @TempDir Path dir;

    static final double[] SP = {1, 1, 3};

    @Test
    void msdFourDImagesAreSplitPerModalityWithTheirGeometry() throws Exception {
        Path msd = dir.resolve("Task01_BrainTumour");
        Files.createDirectories(msd.resolve("imagesTr"));
        Files.createDirectories(msd.resolve("labelsTr"));
        int[] s = SyntheticDataset.shape(SP);
        double[][] affine = SyntheticDataset.affine(SP, "LPS");
        for (String id : List.of("BRATS_001", "BRATS_002")) {
            double[] t1 = SyntheticDataset.draw("t1", SP, "LPS"), t2 = SyntheticDataset.draw("t2", SP, "LPS");
            double[] four = new double[t1.length * 2];
            // [x, y, z, c] row-major: channel fastest
            for (int i = 0; i < t1.length; i++) { four[2 * i] = t1[i]; four[2 * i + 1] = t2[i] + id.hashCode() % 7; }
            int[] s4 = {s[0], s[1], s[2], 2};
            try (TensorScope scope = new TensorScope()) {
                NiftiWriter.write(msd.resolve("imagesTr/" + id + ".nii.gz"), Tensor.of(four, s4),
                        NiftiHeader.of(s4, NiftiDataType.FLOAT32, affine), NiftiDataType.FLOAT32);
            }
            SyntheticDataset.writeVolume(msd.resolve("labelsTr/" + id + ".nii.gz"), SyntheticDataset.draw("mask", SP, "LPS"), SP,
                    "LPS", NiftiDataType.UINT8);
        }
        Files.writeString(msd.resolve("dataset.json"), """
                {"name": "BrainTumour", "modality": {"0": "FLAIR", "1": "T1w"},
                 "labels": {"0": "background", "1": "edema", "2": "non-enhancing tumor", "3": "enhancing tumour"},
                 "numTraining": 2,
                 "training": [{"image": "./imagesTr/BRATS_001.nii.gz", "label": "./labelsTr/BRATS_001.nii.gz"}]}
                """);
        DatasetDescription d = MsdConverter.convert(msd, dir.resolve("mist"));
        assertEquals("mr", d.modality());
        assertEquals(List.of("flair", "t1w"), d.modalities());
        assertEquals(List.of(0, 1, 2, 3), d.labels());
        assertEquals(List.of(3), d.finalClasses().get("enhancing tumour"));
        assertEquals(2, d.trainCases().size());
        PatientCase c = d.trainCases().get(1);
        try (NiftiImage four = NiftiReader.read(msd.resolve("imagesTr/BRATS_002.nii.gz"));
             NiftiImage t1w = NiftiReader.read(c.images().get("t1w"));
             NiftiImage mask = NiftiReader.read(c.mask());
             NiftiImage orig = NiftiReader.read(msd.resolve("labelsTr/BRATS_002.nii.gz"))) {
            assertArrayEquals(s, t1w.shape());
            assertArrayEquals(four.data().select(3, 1).contiguous().toDoubleArray(), t1w.data().contiguous().toDoubleArray());
            assertEquals(Affines.format(four.affine()), Affines.format(t1w.affine()));
            assertArrayEquals(orig.data().toIntArray(), mask.data().toIntArray());
        }
    }

    @Test
    void nnUnetV2PerChannelFilesAreCopied() throws Exception {
        Path nn = dir.resolve("Dataset002_Heart");
        Files.createDirectories(nn.resolve("imagesTr"));
        Files.createDirectories(nn.resolve("labelsTr"));
        Files.createDirectories(nn.resolve("imagesTs"));
        for (String id : List.of("la_003", "la_004")) {
            SyntheticDataset.writeVolume(nn.resolve("imagesTr/" + id + "_0000.nii.gz"), SyntheticDataset.draw("t1", SP, "RAS"), SP,
                    "RAS", NiftiDataType.FLOAT32);
            SyntheticDataset.writeVolume(nn.resolve("labelsTr/" + id + ".nii.gz"), SyntheticDataset.draw("mask", SP, "RAS"), SP,
                    "RAS", NiftiDataType.UINT8);
        }
        SyntheticDataset.writeVolume(nn.resolve("imagesTs/la_009_0000.nii.gz"), SyntheticDataset.draw("t1", SP, "RAS"), SP, "RAS",
                NiftiDataType.FLOAT32);
        Files.writeString(nn.resolve("dataset.json"), """
                {"channel_names": {"0": "CT"}, "labels": {"background": 0, "atrium": 1, "wall": 2, "core": 3, "all": [1, 2, 3]},
                 "numTraining": 2, "file_ending": ".nii.gz"}
                """);
        DatasetDescription d = MsdConverter.convert(nn, dir.resolve("out"));
        assertEquals("ct", d.modality());
        assertEquals(List.of(1, 2, 3), d.finalClasses().get("all"));
        assertEquals(1, d.testCases().size());
        assertNull(d.testCases().get(0).mask());
        assertArrayEquals(Files.readAllBytes(nn.resolve("imagesTr/la_004_0000.nii.gz")),
                Files.readAllBytes(d.trainCases().get(1).images().get("ct")));
    }

    @Test
    void csvOfPathsBecomesAMistDatasetWithTheLabelsItFinds() throws Exception {
        Path src = dir.resolve("scans");
        Files.createDirectories(src);
        StringBuilder csv = new StringBuilder("id,mask,ct,pet\n");
        for (String id : List.of("p1", "p2", "p3")) {
            SyntheticDataset.writeVolume(src.resolve(id + "_ct.nii.gz"), SyntheticDataset.draw("t1", SP, "RAS"), SP, "RAS",
                    NiftiDataType.FLOAT32);
            SyntheticDataset.writeVolume(src.resolve(id + "_pet.nii"), SyntheticDataset.draw("t2", SP, "RAS"), SP, "RAS",
                    NiftiDataType.FLOAT32);
            SyntheticDataset.writeVolume(src.resolve(id + "_seg.nii.gz"), SyntheticDataset.draw("mask", SP, "RAS"), SP, "RAS",
                    NiftiDataType.UINT8);
            csv.append(id).append(",scans/").append(id).append("_seg.nii.gz,scans/").append(id).append("_ct.nii.gz,")
                    .append(src.resolve(id + "_pet.nii").toAbsolutePath()).append('\n');
        }
        Files.writeString(dir.resolve("train.csv"), csv.toString());
        DatasetDescription d = CsvConverter.convert(dir.resolve("train.csv"), null, "petct", "other", dir.resolve("mist"));
        assertEquals(List.of("ct", "pet"), d.modalities());
        assertEquals(List.of(0, 1, 2, 3), d.labels());
        assertEquals(List.of(2), d.finalClasses().get("label_2"));
        assertEquals(3, d.trainCases().size());
        PatientCase p2 = d.trainCases().get(1);
        assertEquals("p2", p2.id());
        assertArrayEquals(Files.readAllBytes(src.resolve("p2_pet.nii")), Files.readAllBytes(p2.images().get("pet")));
        assertArrayEquals(Files.readAllBytes(src.resolve("p2_seg.nii.gz")), Files.readAllBytes(p2.mask()));

        Files.writeString(dir.resolve("bad.csv"), "id,mask,ct\np9,scans/nothing.nii.gz,scans/p1_ct.nii.gz\n");
        var e = assertThrows(IllegalArgumentException.class,
                () -> CsvConverter.convert(dir.resolve("bad.csv"), null, "t", "ct", dir.resolve("m2")));
        assertTrue(e.getMessage().contains("nothing.nii.gz") && e.getMessage().contains("row 2"), e.getMessage());
    }
}
