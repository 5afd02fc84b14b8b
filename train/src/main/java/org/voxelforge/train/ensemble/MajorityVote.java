package org.voxelforge.train.ensemble;

import java.util.List;

/** Per-voxel majority vote of label maps; a tie goes to the lowest of the tied labels. */
public final class MajorityVote {
    private MajorityVote() {}

    public static int[] vote(List<int[]> maps) {
        int n = Inputs.check("majority_vote", maps);
        int r = maps.size();
        int[] out = new int[n];
        int[] votes = new int[r];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < r; j++) votes[j] = maps.get(j)[i];
            int best = votes[0], bestCount = 0;
            for (int j = 0; j < r; j++) {
                int label = votes[j], count = 0;
                for (int k = 0; k < r; k++) if (votes[k] == label) count++;
                if (count > bestCount || (count == bestCount && label < best)) { best = label; bestCount = count; }
            }
            out[i] = best;
        }
        return out;
    }
}
