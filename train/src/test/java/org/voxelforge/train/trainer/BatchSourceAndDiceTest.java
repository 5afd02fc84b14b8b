package org.voxelforge.train.trainer;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.voxelforge.core.Tensor;

class BatchSourceAndDiceTest {
    @Test void batchesArePureFunctionsOfEpochAndStepAndAreRealCrops() {
        List<LabeledVolume> vs = Synthetic.twoSpheres();
        InMemoryBatchSource s = new InMemoryBatchSource(vs, Synthetic.PATCH, 3, 9);
        try (Batch a = s.next(2, 5); Batch b0 = s.next(0, 0); Batch again = s.next(2, 5); Batch c = s.next(2, 6)) {
            assertArrayEquals(new int[] {3, 1, 16, 16, 16}, a.images().dims());
            assertArrayEquals(new int[] {3, 16, 16, 16}, a.labels().dims());
            assertArrayEquals(a.images().toFloatArray(), again.images().toFloatArray());
            assertArrayEquals(a.labels().toIntArray(), again.labels().toIntArray());
            assertFalse(java.util.Arrays.equals(a.images().toFloatArray(), c.images().toFloatArray()));
            // each patch is a crop of one case: find its offset by brute force and compare labels
            for (int i = 0; i < 3; i++) assertTrue(isCropOfSomeCase(a, i, vs), "patch " + i + " is not a crop of any case");
        }
        Synthetic.close(vs);
    }

    private static boolean isCropOfSomeCase(Batch b, int i, List<LabeledVolume> vs) {
        for (LabeledVolume v : vs) {
            int n = v.labels().dim(0);
            for (int x = 0; x + 16 <= n; x++) for (int y = 0; y + 16 <= n; y++) for (int z = 0; z + 16 <= n; z++) {
                if (b.images().getFlat((long) i * 4096) != v.image().getFlat(((long) x * n + y) * n + z)) continue;
                boolean same = true;
                for (int p = 0; p < 16 && same; p += 5) for (int q = 0; q < 16 && same; q += 5) for (int r = 0; r < 16 && same; r += 5) {
                    same = b.images().getFlat(i * 4096L + p * 256 + q * 16 + r) == v.image().getFlat(((long) (x + p) * n + y + q) * n + z + r)
                            && b.labels().getFlat(i * 4096L + p * 256 + q * 16 + r) == v.labels().getFlat(((long) (x + p) * n + y + q) * n + z + r);
                }
                if (same) return true;
            }
        }
        return false;
    }

    @Test void meanForegroundDiceByHand() {
        // class 1: P = {0, 1}, G = {1, 2} -> 2*1/4 = 0.5; class 2: P = {3}, G = {3} -> 1; class 3 absent from both -> 1
        try (Tensor p = Tensor.ofInts(new int[] {1, 1, 0, 2}, 1, 2, 2); Tensor g = Tensor.ofInts(new int[] {0, 1, 1, 2}, 1, 2, 2)) {
            assertEquals((0.5 + 1 + 1) / 3, ValidationDice.meanForegroundDice(p, g, 4), 1e-15);
            assertEquals((0.5 + 1) / 2, ValidationDice.meanForegroundDice(p, g, 3), 1e-15);
        }
        try (Tensor p = Tensor.ofInts(new int[] {0, 0}, 1, 1, 2); Tensor g = Tensor.ofInts(new int[] {1, 0}, 1, 1, 2)) {
            assertEquals(0.0, ValidationDice.meanForegroundDice(p, g, 2), 0.0);
        }
    }

    @Test void badOptionsAreRefusedWithClearMessages() {
        var e = assertThrows(IllegalArgumentException.class, () -> Synthetic.options(1, 1).withOptimizer("lion", 1e-3, 0, 0, false));
        assertTrue(e.getMessage().contains("lion") && e.getMessage().contains("sgd"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Synthetic.options(1, 1).withLoss("nope", false));
        assertTrue(e.getMessage().contains("nope") && e.getMessage().contains("dice_ce"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Synthetic.options(0, 1));
        assertTrue(e.getMessage().contains("epochs"), e.getMessage());
    }
}
