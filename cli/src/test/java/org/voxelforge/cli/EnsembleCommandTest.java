package org.voxelforge.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.voxelforge.data.nifti.NiftiImage;
import org.voxelforge.data.nifti.NiftiReader;

/** ensemble: vote, STAPLE and the BraTS 2020 merge over prediction folders; missing cases are named. */
class EnsembleCommandTest {
    @TempDir Path tmp;

    // three raters on a 2x2x2 grid
    static final int[] A = {0, 1, 1, 2, 3, 0, 0, 2};
    static final int[] B = {0, 1, 2, 2, 3, 3, 0, 1};
    static final int[] C = {1, 1, 2, 0, 0, 3, 0, 2};

    private Path folder(String name, int[] labels) throws Exception {
        Path d = Files.createDirectories(tmp.resolve(name));
        TestVolumes.writeLabels(d.resolve("case1.nii.gz"), labels, 2, 2, 2);
        return d;
    }

    /** The majority of three, the lowest label on a three-way tie: obviously right for three raters. */
    static int[] naiveVote(int[] a, int[] b, int[] c) {
        int[] out = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] == b[i] || a[i] == c[i] ? a[i] : b[i] == c[i] ? b[i] : Math.min(a[i], Math.min(b[i], c[i]));
        }
        return out;
    }

    @Test void fusesCasesWithEachMethodAndKeepsTheFirstInputsGeometry() throws Exception {
        String inputs = folder("a", A) + "," + folder("b", B) + "," + folder("c", C);
        Path vote = tmp.resolve("vote");
        CliRun r = CliRun.run("ensemble", "--inputs", inputs, "--output", vote.toString(), "--method", "vote");
        assertEquals(0, r.code(), r.err());
        assertArrayEquals(naiveVote(A, B, C), TestVolumes.readLabels(vote.resolve("case1.nii.gz")));
        try (NiftiImage img = NiftiReader.read(vote.resolve("case1.nii.gz"))) {
            assertArrayEquals(new int[] {2, 2, 2}, img.shape());
            for (int i = 0; i < 4; i++) assertArrayEquals(TestVolumes.AFFINE[i], img.affine()[i], 1e-6);
        }

        Path staple = tmp.resolve("staple");
        assertEquals(0, CliRun.run("ensemble", "--inputs", inputs, "--output", staple.toString(), "--method", "staple").code());
        int[] s = TestVolumes.readLabels(staple.resolve("case1.nii.gz"));
        for (int i = 0; i < s.length; i++) {
            if (A[i] == B[i] && B[i] == C[i]) assertEquals(A[i], s[i], "unanimous voxel " + i);
        }

        Path brats = tmp.resolve("brats");
        CliRun m = CliRun.run("ensemble", "--inputs", tmp.resolve("a") + "," + tmp.resolve("b"), "--output", brats.toString(), "--method", "brats2020");
        assertEquals(0, m.code(), m.err());
        // WT (union) paints 2, then TC (union of {1,3}) paints 1, then ET (3 in both: voxel 4 only) paints 3
        assertArrayEquals(new int[] {0, 1, 1, 2, 3, 1, 0, 1}, TestVolumes.readLabels(brats.resolve("case1.nii.gz")));
    }

    @Test void aCaseMissingInOneInputIsNamedAndNothingIsWritten() throws Exception {
        Path a = folder("a", A), b = folder("b", B);
        TestVolumes.writeLabels(a.resolve("case2.nii.gz"), A, 2, 2, 2);
        Path out = tmp.resolve("out");
        CliRun r = CliRun.run("ensemble", "--inputs", a + "," + b, "--output", out.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("case2") && r.err().contains(b.toString()), r.err());
        assertFalse(Files.exists(out.resolve("case1.nii.gz")), "nothing written when a case is missing");

        TestVolumes.writeLabels(b.resolve("case2.nii.gz"), new int[] {0, 1, 2, 3}, 2, 2, 1);
        CliRun grid = CliRun.run("ensemble", "--inputs", a + "," + b, "--output", out.toString());
        assertEquals(2, grid.code());
        assertTrue(grid.err().contains("case2") && grid.err().contains("[2, 2, 1]") && grid.err().contains("[2, 2, 2]"), grid.err());
        assertFalse(Files.exists(out.resolve("case1.nii.gz")), "nothing written when one case's grids differ");

        CliRun method = CliRun.run("ensemble", "--inputs", a + "," + b, "--output", out.toString(), "--method", "mean");
        assertEquals(2, method.code());
        assertTrue(method.err().contains("--method") && method.err().contains("staple"), method.err());

        CliRun three = CliRun.run("ensemble", "--inputs", a + "," + b + "," + a, "--output", out.toString(), "--method", "brats2020");
        assertEquals(2, three.code());
        assertTrue(three.err().contains("brats2020") && three.err().contains("two"), three.err());
    }
}
