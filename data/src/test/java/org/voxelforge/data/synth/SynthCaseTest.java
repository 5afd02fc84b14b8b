package org.voxelforge.data.synth;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.voxelforge.core.RandomGenerator;

class SynthCaseTest {
    private static final int NCR = 1, ED = 2, ET = 3;

    private static SynthCase normalCase(long seed, String orientation, double[] spacing, int[] shape) {
        RandomGenerator rng = new RandomGenerator(seed);
        CaseGeometry g = new CaseGeometry(orientation, spacing, shape);
        HeadAnatomy a = HeadAnatomy.random(rng, g.fieldOfViewMm(), 0.25);
        return SynthCase.generate("t", g, a, rng.split());
    }

    private static TreeSet<Integer> labelSet(byte[] labels) {
        TreeSet<Integer> s = new TreeSet<>();
        for (byte b : labels) s.add((int) b);
        return s;
    }

    /** Necrosis touches only tumour core; the tumour core touches only tumour (so edema surrounds it). */
    private static void assertNested(SynthCase c) {
        byte[] l = c.labels();
        SynthCase.forEachNeighbour(c.geometry().shape(), (v, u) -> {
            if (l[v] == NCR) assertTrue(l[u] == NCR || l[u] == ET, "necrosis at " + v + " touches label " + l[u]);
            if (l[v] == NCR || l[v] == ET) assertNotEquals(0, l[u], "tumour core at " + v + " touches background");
        });
    }

    @Test void normalCasesHaveAllFourLabelsNestedAsInBrats() {
        for (long seed = 1; seed <= 4; seed++) {
            SynthCase c = normalCase(seed, "RAS", new double[] {1, 1, 1}, new int[] {48, 48, 40});
            assertEquals(new TreeSet<>(java.util.List.of(0, 1, 2, 3)), labelSet(c.labels()), "seed " + seed);
            assertNested(c);
            long ncr = 0, et = 0, ed = 0;
            for (byte b : c.labels()) { if (b == NCR) ncr++; else if (b == ET) et++; else if (b == ED) ed++; }
            assertTrue(ed > et && et > 0 && ncr > 0, "ncr " + ncr + " et " + et + " ed " + ed);
        }
    }

    @Test void nestingHoldsForEveryPlannedCaseIncludingSmallTumours() {
        for (SynthDataset.CasePlan p : SynthDataset.plan(new SynthOptions(12, 0, new int[] {24, 24, 20}, 5))) {
            SynthCase c = p.generate();
            assertNested(c);
            assertTrue(labelSet(c.labels()).stream().allMatch(v -> v >= 0 && v <= 3), c.id());
        }
    }

    @Test void nestingRepairFixesAThinRimAndATumourAgainstTheSkull() {
        int[] n = {5, 1, 1};
        byte bg = (byte) Tissue.BACKGROUND.ordinal(), sk = (byte) Tissue.SKULL.ordinal(), ncr = (byte) Tissue.NECROSIS.ordinal();
        byte[] t = {bg, ncr, (byte) Tissue.ENHANCING.ordinal(), sk, sk};
        SynthCase.enforceNesting(t, n);
        assertArrayEquals(new byte[] {(byte) Tissue.EDEMA.ordinal(), (byte) Tissue.ENHANCING.ordinal(),
                                      (byte) Tissue.ENHANCING.ordinal(), (byte) Tissue.EDEMA.ordinal(), sk}, t);
    }

    private static double mean(SynthCase c, int modality, java.util.function.IntPredicate voxel) {
        double s = 0;
        long k = 0;
        for (int v = 0; v < c.labels().length; v++) if (voxel.test(v)) { s += c.images()[modality][v]; k++; }
        assertTrue(k > 0);
        return s / k;
    }

    @Test void modalitiesShowTheExpectedContrastPerLabel() {
        SynthCase c = normalCase(11, "LPS", new double[] {1, 1, 1}, new int[] {48, 48, 40});
        int t1 = 0, t1c = 1, t2 = 2, flair = 3;
        byte[] l = c.labels(), t = c.tissue();
        java.util.function.IntPredicate normalBrain = v -> t[v] == Tissue.GREY_MATTER.ordinal() || t[v] == Tissue.WHITE_MATTER.ordinal();
        assertTrue(mean(c, t1c, v -> l[v] == ET) > 1.5 * mean(c, t1c, v -> l[v] == NCR), "ET bright, NCR dark on t1c");
        assertTrue(mean(c, flair, v -> l[v] == ED) > 1.3 * mean(c, flair, normalBrain), "edema bright on flair");
        assertTrue(mean(c, t2, v -> l[v] == ED) > 1.3 * mean(c, t2, normalBrain), "edema bright on t2");
        assertTrue(mean(c, t1, v -> t[v] == Tissue.WHITE_MATTER.ordinal()) > mean(c, t1, v -> t[v] == Tissue.GREY_MATTER.ordinal()));
        double background = mean(c, t1, v -> t[v] == Tissue.BACKGROUND.ordinal());
        assertTrue(background > 0 && background < 80, "Rician noise floor in the background: " + background);
        for (float[] img : c.images()) {
            for (float x : img) assertTrue(x >= 0 && x < 4000 && x == Math.rint(x), "intensity " + x);
        }
    }

    @Test void sameArgumentsGiveTheSameArraysAndTheOrderOfGenerationDoesNotMatter() {
        var plans = SynthDataset.plan(new SynthOptions(3, 0, new int[] {20, 20, 16}, 9));
        SynthCase c2 = plans.get(2).generate(), c0 = plans.get(0).generate();
        var again = SynthDataset.plan(new SynthOptions(3, 0, new int[] {20, 20, 16}, 9));
        SynthCase d0 = again.get(0).generate(), d2 = again.get(2).generate();
        assertArrayEquals(c0.labels(), d0.labels());
        assertArrayEquals(c2.labels(), d2.labels());
        for (int m = 0; m < 4; m++) {
            assertArrayEquals(c0.images()[m], d0.images()[m]);
            assertArrayEquals(c2.images()[m], d2.images()[m]);
        }
        assertFalse(Arrays.equals(c0.images()[0], c2.images()[0]));
    }

    @Test void affineFollowsTheAxisCodesAndCentresTheGrid() {
        CaseGeometry g = new CaseGeometry("PIR", new double[] {1.2, 2, 0.9}, new int[] {30, 20, 40});
        double[][] a = g.affine();
        assertEquals("PIR", org.voxelforge.data.orient.AxisCodes.fromAffine(a));
        assertArrayEquals(new double[] {0, -1.2, 0}, new double[] {a[0][0], a[1][0], a[2][0]});
        assertArrayEquals(new double[] {0, 0, -2}, new double[] {a[0][1], a[1][1], a[2][1]});
        assertArrayEquals(new double[] {0.9, 0, 0}, new double[] {a[0][2], a[1][2], a[2][2]});
        for (int r = 0; r < 3; r++) { // the grid centre maps to the world origin
            double w = a[r][3];
            for (int i = 0; i < 3; i++) w += a[r][i] * (g.shape()[i] - 1) / 2.0;
            assertEquals(0, w, 1e-12);
        }
        assertArrayEquals(new double[] {40 * 0.9, 30 * 1.2, 20 * 2}, g.fieldOfViewMm(), 1e-12);
    }
}
