package org.voxelforge.train.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ConnectedComponentsTest {
    private static final int[] D = {6, 6, 6};

    private static boolean[] voxels(int[]... xyz) {
        boolean[] m = new boolean[216];
        for (int[] v : xyz) m[Volumes.idx(D, v[0], v[1], v[2])] = true;
        return m;
    }

    @Test
    void faceEdgeAndCornerNeighboursJoinOnlyUnderTheirConnectivity() {
        boolean[] edge = voxels(new int[] {1, 1, 1}, new int[] {2, 2, 1});
        boolean[] corner = voxels(new int[] {1, 1, 1}, new int[] {2, 2, 2});
        boolean[] face = voxels(new int[] {1, 1, 1}, new int[] {1, 1, 2});
        assertEquals(1, ConnectedComponents.label(face, D, Connectivity.FACE).count());
        assertEquals(2, ConnectedComponents.label(edge, D, Connectivity.FACE).count());
        assertEquals(1, ConnectedComponents.label(edge, D, Connectivity.EDGE).count());
        assertEquals(2, ConnectedComponents.label(corner, D, Connectivity.EDGE).count());
        assertEquals(1, ConnectedComponents.label(corner, D, Connectivity.CORNER).count());
    }

    @Test
    void sizesAndLargest() {
        boolean[] m = new boolean[216];
        int[] l = new int[216];
        Volumes.box(l, D, 0, 2, 0, 2, 0, 2, 1); // 8 voxels
        Volumes.box(l, D, 4, 6, 0, 6, 0, 6, 1); // 72 voxels
        for (int i = 0; i < 216; i++) m[i] = l[i] == 1;
        ConnectedComponents.Components c = ConnectedComponents.label(m, D, Connectivity.FACE);
        assertEquals(2, c.count());
        assertArrayEquals(new int[] {0, 8, 72}, c.sizes());
        assertEquals(2, c.largest());
        assertEquals(0, c.labels()[Volumes.idx(D, 3, 3, 3)]);
    }

    @Test
    void matchesScipyNdimageLabelForAllConnectivities() throws Exception {
        ScipyScript.require();
        int[] d = {13, 11, 9};
        boolean[] m = Volumes.random(d[0] * d[1] * d[2], new Random(7), 0.33);
        for (Connectivity c : Connectivity.values()) {
            int rank = c == Connectivity.FACE ? 1 : c == Connectivity.EDGE ? 2 : 3;
            String script = """
                    import sys, numpy as np
                    from scipy import ndimage
                    a = np.fromfile(sys.argv[1], dtype='<i4').reshape(%d, %d, %d)
                    lab, n = ndimage.label(a, structure=ndimage.generate_binary_structure(3, %d))
                    lab.astype('<f8').ravel().tofile(sys.argv[2])
                    """.formatted(d[0], d[1], d[2], rank);
            double[] ref = ScipyScript.run(script, Volumes.ints(m));
            int[] got = ConnectedComponents.label(m, d, c).labels();
            for (int i = 0; i < got.length; i++) assertEquals((int) ref[i], got[i], c + " voxel " + i);
        }
    }
}
