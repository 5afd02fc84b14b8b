package org.voxelforge.train.ensemble;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EnsembleTest {
    @Test
    void majorityVoteWithTiesToTheLowerLabel() {
        int[] a = {0, 1, 2, 3, 2}, b = {0, 1, 1, 2, 3}, c = {1, 2, 3, 1, 1};
        assertArrayEquals(new int[] {0, 1, 1, 1, 1}, MajorityVote.vote(List.of(a, b, c)));
        assertArrayEquals(new int[] {0, 1, 1, 2, 2}, MajorityVote.vote(List.of(a, b)));
        assertThrows(IllegalArgumentException.class, () -> MajorityVote.vote(List.of(a, new int[] {1})));
    }

    @Test
    void stapleGroupedByPatternEqualsThePerVoxelEm() {
        Random r = new Random(3);
        int n = 400;
        boolean[] truth = new boolean[n];
        for (int i = 0; i < n; i++) truth[i] = r.nextDouble() < 0.3;
        double[] sens = {0.95, 0.8, 0.6, 0.9}, spec = {0.97, 0.9, 0.95, 0.7};
        List<boolean[]> raters = new ArrayList<>();
        for (int j = 0; j < 4; j++) {
            boolean[] d = new boolean[n];
            for (int i = 0; i < n; i++) d[i] = truth[i] ? r.nextDouble() < sens[j] : r.nextDouble() >= spec[j];
            raters.add(d);
        }
        Staple.Result fast = Staple.binary(raters, 1e-10, 500), slow = Staple.binaryPerVoxel(raters, 1e-10, 500);
        assertTrue(fast.converged());
        assertEquals(slow.iterations(), fast.iterations());
        assertArrayEquals(slow.posterior(), fast.posterior(), 1e-9);
        assertArrayEquals(slow.sensitivity(), fast.sensitivity(), 1e-9);
        // the estimates land near the raters' true performance
        for (int j = 0; j < 4; j++) {
            assertEquals(sens[j], fast.sensitivity()[j], 0.12, "sensitivity of rater " + j);
            assertEquals(spec[j], fast.specificity()[j], 0.12, "specificity of rater " + j);
        }
    }

    @Test
    void stapleTrustsTheGoodRatersOverABadOne() {
        // raters 0-2 agree on voxels 0..9; rater 3 marks voxels 5..14
        int n = 40;
        List<boolean[]> raters = new ArrayList<>();
        for (int j = 0; j < 4; j++) {
            boolean[] d = new boolean[n];
            for (int i = 0; i < n; i++) d[i] = j < 3 ? i < 10 : i >= 5 && i < 15;
            raters.add(d);
        }
        double[] w = Staple.binary(raters, 1e-12, 200).posterior();
        for (int i = 0; i < n; i++) assertEquals(i < 10, w[i] > 0.5, "voxel " + i);
        List<int[]> maps = new ArrayList<>();
        for (boolean[] d : raters) {
            int[] m = new int[n];
            for (int i = 0; i < n; i++) m[i] = d[i] ? 2 : 0;
            maps.add(m);
        }
        int[] fused = Staple.multiLabel(maps, 1e-12, 200);
        for (int i = 0; i < n; i++) assertEquals(i < 10 ? 2 : 0, fused[i], "voxel " + i);
    }

    @Test
    void regionMergeFollowsTheTable() {
        // voxel:            0  1  2  3  4  5
        int[] a = new int[] {2, 0, 3, 3, 1, 0};
        int[] b = new int[] {0, 2, 3, 1, 1, 3};
        assertArrayEquals(new int[] {2, 2, 3, 1, 1, 1}, RegionMerge.merge(a, b, RegionMerge.BRATS_2020));
        List<RegionMerge.RegionRule> onlyA = List.of(
                new RegionMerge.RegionRule("WT", new int[] {1, 2, 3}, RegionMerge.Rule.PIPELINE_A, 2),
                new RegionMerge.RegionRule("TC", new int[] {1, 3}, RegionMerge.Rule.PIPELINE_A, 1),
                new RegionMerge.RegionRule("ET", new int[] {3}, RegionMerge.Rule.PIPELINE_A, 3));
        assertArrayEquals(a, RegionMerge.merge(a, b, onlyA));
        List<RegionMerge.RegionRule> inter = List.of(new RegionMerge.RegionRule("WT", new int[] {1, 2, 3}, RegionMerge.Rule.INTERSECTION, 2));
        assertArrayEquals(new int[] {0, 0, 2, 2, 2, 0}, RegionMerge.merge(a, b, inter));
    }
}
