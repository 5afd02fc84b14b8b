package org.voxelforge.train.metrics;

/** 3D voxel neighbourhoods: faces (6), faces+edges (18), faces+edges+corners (26). */
public enum Connectivity {
    FACE(6, 1), EDGE(18, 2), CORNER(26, 3);

    public final int neighbours;
    /** Neighbour offsets as {dx, dy, dz} triples. */
    final int[][] offsets;

    Connectivity(int neighbours, int maxNonZero) {
        this.neighbours = neighbours;
        this.offsets = new int[neighbours][];
        int k = 0;
        for (int dx = -1; dx <= 1; dx++)
            for (int dy = -1; dy <= 1; dy++)
                for (int dz = -1; dz <= 1; dz++) {
                    int nz = Math.abs(dx) + Math.abs(dy) + Math.abs(dz);
                    if (nz > 0 && nz <= maxNonZero) offsets[k++] = new int[] {dx, dy, dz};
                }
    }

    public static Connectivity of(int neighbours) {
        for (Connectivity c : values()) if (c.neighbours == neighbours) return c;
        throw new IllegalArgumentException("connectivity: expected 6, 18 or 26 neighbours, got " + neighbours);
    }
}
