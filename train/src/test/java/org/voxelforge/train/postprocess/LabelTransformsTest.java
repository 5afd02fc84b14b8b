package org.voxelforge.train.postprocess;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.voxelforge.train.metrics.Connectivity;

class LabelTransformsTest {
    private static final int[] D = {12, 12, 12};

    static int idx(int x, int y, int z) { return (x * 12 + y) * 12 + z; }

    static void box(int[] l, int x0, int x1, int y0, int y1, int z0, int z1, int v) {
        for (int x = x0; x < x1; x++) for (int y = y0; y < y1; y++) for (int z = z0; z < z1; z++) l[idx(x, y, z)] = v;
    }

    static int count(int[] l, int v) {
        int c = 0;
        for (int x : l) if (x == v) c++;
        return c;
    }

    @Test
    void removeSmallObjectsDropsComponentsBelowMinSize() {
        int[] l = new int[1728];
        box(l, 0, 3, 0, 3, 0, 3, 1);    // 27 voxels
        box(l, 6, 8, 6, 8, 6, 8, 1);    // 8 voxels
        LabelTransforms.removeSmallObjects(l, D, new int[] {1}, false, 9, Connectivity.CORNER);
        assertEquals(27, count(l, 1));
        LabelTransforms.removeSmallObjects(l, D, new int[] {1}, false, 28, Connectivity.CORNER);
        assertEquals(0, count(l, 1));
    }

    @Test
    void groupTreatsLabelsAsOneMask() {
        int[] l = new int[1728];
        box(l, 0, 2, 0, 2, 0, 2, 1);
        box(l, 2, 4, 0, 2, 0, 2, 2); // touches the label-1 cube: 16 voxels together, 8 each
        int[] alone = l.clone();
        LabelTransforms.removeSmallObjects(alone, D, new int[] {1, 2}, false, 10, Connectivity.FACE);
        assertEquals(0, count(alone, 1) + count(alone, 2));
        LabelTransforms.removeSmallObjects(l, D, new int[] {1, 2}, true, 10, Connectivity.FACE);
        assertEquals(16, count(l, 1) + count(l, 2));
    }

    @Test
    void keepLargestKeepsTopK() {
        int[] l = new int[1728];
        box(l, 0, 2, 0, 2, 0, 2, 1);    // 8
        box(l, 4, 7, 0, 3, 0, 3, 1);    // 27
        box(l, 9, 12, 9, 12, 0, 2, 1);  // 18
        int[] one = l.clone();
        LabelTransforms.keepLargest(one, D, new int[] {1}, false, 1, Connectivity.CORNER);
        assertEquals(27, count(one, 1));
        assertEquals(1, one[idx(5, 1, 1)]);
        LabelTransforms.keepLargest(l, D, new int[] {1}, false, 2, Connectivity.CORNER);
        assertEquals(45, count(l, 1));
        assertThrows(IllegalArgumentException.class, () -> LabelTransforms.keepLargest(l, D, new int[] {1}, false, 0, Connectivity.CORNER));
    }

    @Test
    void fillHolesFillsEnclosedBackgroundButNotBorderPockets() {
        int[] l = new int[1728];
        box(l, 2, 7, 2, 7, 2, 7, 1);
        l[idx(4, 4, 4)] = 0;        // enclosed hole
        l[idx(3, 4, 4)] = 2;        // another label inside: also a hole of label 1's mask
        box(l, 0, 12, 0, 12, 9, 12, 3);
        l[idx(5, 5, 11)] = 0;       // pocket on the image border: not a hole
        int[] g = l.clone();
        LabelTransforms.fillHoles(l, D, new int[] {1}, false, -1);
        assertEquals(1, l[idx(4, 4, 4)]);
        assertEquals(1, l[idx(3, 4, 4)]);
        LabelTransforms.fillHoles(l, D, new int[] {3}, false, -1);
        assertEquals(0, l[idx(5, 5, 11)]);
        LabelTransforms.fillHoles(g, D, new int[] {1, 2}, true, 2);
        assertEquals(2, g[idx(4, 4, 4)]);
        assertEquals(2, g[idx(3, 4, 4)]);
    }

    @Test
    void brats2023DustPresetFollowsItsSteps() {
        int[] l = new int[1728];
        box(l, 1, 9, 1, 9, 1, 9, 2);   // edema, 512
        box(l, 3, 7, 3, 7, 3, 7, 3);   // ET 64, with a hole
        l[idx(5, 5, 5)] = 0;
        box(l, 10, 12, 10, 12, 10, 12, 3); // ET dust: 8 voxels
        l[idx(0, 11, 0)] = 1;          // NCR dust: 1 voxel
        PostprocessStrategy.brats2023Dust().apply(l, D);
        assertEquals(1, l[idx(5, 5, 5)]);          // TC hole filled with necrosis
        assertEquals(0, count(l, 3) - 63);         // ET cube kept (63 after the hole), dust gone
        assertEquals(0, l[idx(10, 10, 10)]);
        assertEquals(0, l[idx(0, 11, 0)]);
        assertEquals(512 - 64, count(l, 2));
    }

    @Test
    void strategyJsonRoundTripsAndRejectsUnknownTransforms() {
        PostprocessStrategy s = PostprocessStrategy.brats2023Dust();
        PostprocessStrategy again = PostprocessStrategy.parse(s.toJson(), "roundtrip");
        int[] a = new int[1728], b;
        box(a, 2, 4, 2, 4, 2, 4, 3);
        b = a.clone();
        s.apply(a, D);
        again.apply(b, D);
        assertArrayEquals(a, b);
        assertEquals(5, again.steps().size());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PostprocessStrategy.parse("[{\"transform\": \"erode\", \"labels\": [1]}]", "s.json"));
        assertEquals(true, e.getMessage().contains("erode"));
        assertThrows(IllegalArgumentException.class,
                () -> PostprocessStrategy.parse("[{\"transform\": \"remove_small_objects\", \"labels\": [1]}]", "s.json").apply(new int[1728], D));
    }

    @Test
    void medisegPresets() {
        int[] l = new int[1728];
        box(l, 0, 2, 0, 2, 0, 2, 1);
        box(l, 5, 8, 5, 8, 5, 8, 1);
        box(l, 10, 12, 0, 1, 0, 1, 2);
        int[] k = l.clone();
        PostprocessStrategy.keepLargestPerLabel(1, 2).apply(k, D);
        assertEquals(27, count(k, 1));
        assertEquals(2, count(k, 2));
        PostprocessStrategy.removeSmallAreas(5, 1, 2).apply(l, D);
        assertEquals(35, count(l, 1));
        assertEquals(0, count(l, 2));
    }
}
