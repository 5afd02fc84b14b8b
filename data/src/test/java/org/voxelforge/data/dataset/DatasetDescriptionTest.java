package org.voxelforge.data.dataset;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetDescriptionTest {
    @TempDir Path dir;

    @Test
    void loadsASyntheticDatasetWithEveryCaseAndChannelOrder() throws Exception {
        Path json = SyntheticDataset.write(dir, SyntheticDataset.standardCases(), "mr");
        DatasetDescription d = DatasetDescription.load(json);
        assertEquals("spheres", d.task());
        assertEquals(List.of("t1", "t2"), d.modalities());
        assertEquals(List.of("case_a", "case_b", "case_c", "case_d"), d.trainCases().stream().map(PatientCase::id).toList());
        PatientCase c = d.trainCases().get(2);
        assertEquals(dir.resolve("raw/train/case_c/t2.nii.gz").toAbsolutePath().normalize(), c.images().get("t2"));
        assertEquals("mask.nii.gz", c.mask().getFileName().toString());
        assertEquals(List.of(0, 1, 2, 3), d.labels());
        assertEquals(List.of(2, 3), d.finalClasses().get("core"));
    }

    @Test
    void aBrokenDescriptionReportsEveryProblemAtOnceWithItsFix() throws Exception {
        Path train = dir.resolve("train");
        Files.createDirectories(train.resolve("p1"));
        Files.createDirectories(train.resolve("p2"));
        Files.writeString(train.resolve("p1/ct.nii.gz"), "x");
        Files.writeString(train.resolve("p1/mask.nii.gz"), "x");
        Files.writeString(train.resolve("p2/ct.nii.gz"), "x");
        Files.writeString(train.resolve("p2/ct_old.nii.gz"), "x"); // two files match "ct"
        Files.writeString(train.resolve("p2/mask.nii.gz"), "x");
        Files.writeString(train.resolve("p1/pet.nii.gz"), "x");
        Path json = dir.resolve("dataset.json");
        Files.writeString(json, """
                {"modality": "xray", "train-data": "train", "test-data": "no/such/folder",
                 "mask": ["mask.nii.gz"], "images": {"ct": ["ct"], "pet": ["pet.nii.gz"]},
                 "labels": [1, 2], "final_classes": {"tumor": [1, 7]}}
                """);
        DatasetException e = assertThrows(DatasetException.class, () -> DatasetDescription.load(json));
        String msg = e.getMessage();
        System.out.println(msg);
        assertTrue(msg.contains("missing key \"task\""), msg);
        assertTrue(msg.contains("\"modality\" is \"xray\"; set it to"), msg);
        assertTrue(msg.contains("does not include 0; add 0"), msg);
        assertTrue(msg.contains("refers to label 7, which is not in \"labels\""), msg);
        assertTrue(msg.contains("\"test-data\" folder") && msg.contains("does not exist"), msg);
        assertTrue(msg.contains("patient p2 has no file for modality \"pet\""), msg);
        assertTrue(msg.contains("patient p2: 2 files match modality \"ct\""), msg);
        assertEquals(7, e.problems().size(), msg);
        assertTrue(msg.startsWith(json + ": 7 problems"), msg);
    }

    @Test
    void missingKeysAndAMissingTrainFolderAreNamed() throws Exception {
        Path json = dir.resolve("d.json");
        Files.writeString(json, "{\"task\": \"t\", \"modality\": \"ct\", \"train-data\": \"nowhere\"}");
        DatasetException e = assertThrows(DatasetException.class, () -> DatasetDescription.load(json));
        for (String key : List.of("\"mask\"", "\"images\"", "\"labels\"", "\"final_classes\"", "\"train-data\" folder")) {
            assertTrue(e.getMessage().contains(key), key + " not named in " + e.getMessage());
        }
    }
}
