package org.voxelforge.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.voxelforge.data.dataset.DatasetDescription;

/** convert-msd and convert-csv produce a MIST dataset that loads; bad inputs name the flag or file. */
class ConvertCommandsTest {
    @TempDir Path tmp;

    private void writeCase(Path image, Path mask) throws Exception {
        TestVolumes.writeImage(image, new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 2, 2, 2);
        TestVolumes.writeLabels(mask, new int[] {0, 1, 0, 2, 0, 0, 1, 0}, 2, 2, 2);
    }

    @Test void convertMsdWritesMistLayout() throws Exception {
        Path msd = tmp.resolve("Task01_Toy");
        Files.createDirectories(msd.resolve("imagesTr"));
        Files.createDirectories(msd.resolve("labelsTr"));
        Files.writeString(msd.resolve("dataset.json"),
                "{\"name\": \"Toy\", \"modality\": {\"0\": \"MRI\"}, \"labels\": {\"0\": \"background\", \"1\": \"edema\", \"2\": \"tumor\"}}");
        writeCase(msd.resolve("imagesTr/toy_001_0000.nii.gz"), msd.resolve("labelsTr/toy_001.nii.gz"));
        Path out = tmp.resolve("mist");
        CliRun r = CliRun.run("convert-msd", "--source", msd.toString(), "--output", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.isRegularFile(out.resolve("raw/train/toy_001/mri.nii.gz")));
        assertTrue(Files.isRegularFile(out.resolve("raw/train/toy_001/mask.nii.gz")));
        DatasetDescription d = DatasetDescription.load(out.resolve("dataset.json"));
        assertEquals("Toy", d.task());
        assertEquals("mr", d.modality());

        CliRun bad = CliRun.run("convert-msd", "--source", tmp.resolve("nowhere").toString(), "--output", out.toString());
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("--source") && bad.err().contains("dataset.json"), bad.err());
    }

    @Test void convertCsvWritesMistLayout() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        writeCase(src.resolve("p1_ct.nii.gz"), src.resolve("p1_seg.nii.gz"));
        Files.writeString(src.resolve("train.csv"), "id,mask,ct\np1,p1_seg.nii.gz,p1_ct.nii.gz\n");
        Files.writeString(src.resolve("test.csv"), "id,ct\nq1,p1_ct.nii.gz\n");
        Path out = tmp.resolve("mist");
        CliRun r = CliRun.run("convert-csv", "--train", src.resolve("train.csv").toString(), "--test", src.resolve("test.csv").toString(),
                "--output", out.toString(), "--modality", "ct");
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.isRegularFile(out.resolve("raw/train/p1/ct.nii.gz")));
        assertTrue(Files.isRegularFile(out.resolve("raw/test/q1/ct.nii.gz")));
        DatasetDescription d = DatasetDescription.load(out.resolve("dataset.json"));
        assertEquals("mist", d.task());
        assertTrue(r.out().contains("[ct]"), r.out());

        CliRun missing = CliRun.run("convert-csv", "--train", src.resolve("nope.csv").toString(), "--output", out.toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("--train") && missing.err().contains("nope.csv"), missing.err());

        Files.writeString(src.resolve("broken.csv"), "id,mask,ct\np1,p1_seg.nii.gz,absent.nii.gz\n");
        CliRun row = CliRun.run("convert-csv", "--train", src.resolve("broken.csv").toString(), "--output", tmp.resolve("m2").toString());
        assertEquals(2, row.code());
        assertTrue(row.err().contains("broken.csv") && row.err().contains("absent.nii.gz"), row.err());
    }
}
