package org.voxelforge.train.ensemble;

import java.util.List;

final class Inputs {
    private Inputs() {}

    /** Checks that there is at least one map and that all have one length; returns it. */
    static int check(String op, List<int[]> maps) {
        if (maps.isEmpty()) throw new IllegalArgumentException(op + ": no label maps given; expected at least one");
        int n = maps.get(0).length;
        for (int j = 1; j < maps.size(); j++) {
            if (maps.get(j).length != n) {
                throw new IllegalArgumentException(op + ": label map " + j + " has " + maps.get(j).length
                        + " voxels but map 0 has " + n + "; expected maps on one grid");
            }
        }
        return n;
    }
}
