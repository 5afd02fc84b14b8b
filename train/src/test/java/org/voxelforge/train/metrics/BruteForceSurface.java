package org.voxelforge.train.metrics;

import java.util.ArrayList;
import java.util.List;

/** The obvious O(n*m) reference: naive surfaces, then every pair of surface voxels. */
final class BruteForceSurface {
    final double[] aToB, bToA;

    BruteForceSurface(boolean[] a, boolean[] b, int[] d, double[] s) {
        List<int[]> sa = surface(a, d), sb = surface(b, d);
        aToB = directed(sa, sb, s);
        bToA = directed(sb, sa, s);
    }

    static List<int[]> surface(boolean[] m, int[] d) {
        List<int[]> out = new ArrayList<>();
        int[][] off = {{1, 0, 0}, {-1, 0, 0}, {0, 1, 0}, {0, -1, 0}, {0, 0, 1}, {0, 0, -1}};
        for (int x = 0; x < d[0]; x++) for (int y = 0; y < d[1]; y++) for (int z = 0; z < d[2]; z++) {
            if (!m[Volumes.idx(d, x, y, z)]) continue;
            boolean edge = false;
            for (int[] o : off) {
                int xx = x + o[0], yy = y + o[1], zz = z + o[2];
                boolean inside = xx >= 0 && yy >= 0 && zz >= 0 && xx < d[0] && yy < d[1] && zz < d[2] && m[Volumes.idx(d, xx, yy, zz)];
                edge |= !inside;
            }
            if (edge) out.add(new int[] {x, y, z});
        }
        return out;
    }

    static double[] directed(List<int[]> from, List<int[]> to, double[] s) {
        double[] r = new double[from.size()];
        for (int i = 0; i < r.length; i++) {
            double best = Double.POSITIVE_INFINITY;
            int[] p = from.get(i);
            for (int[] q : to) {
                double dx = (p[0] - q[0]) * s[0], dy = (p[1] - q[1]) * s[1], dz = (p[2] - q[2]) * s[2];
                best = Math.min(best, dx * dx + dy * dy + dz * dz);
            }
            r[i] = Math.sqrt(best);
        }
        return r;
    }

    double hausdorff() {
        double m = 0;
        for (double v : aToB) m = Math.max(m, v);
        for (double v : bToA) m = Math.max(m, v);
        return m;
    }

    double[] pooled() {
        double[] all = new double[aToB.length + bToA.length];
        System.arraycopy(aToB, 0, all, 0, aToB.length);
        System.arraycopy(bToA, 0, all, aToB.length, bToA.length);
        return all;
    }

    double surfaceDice(double tol) {
        int k = 0;
        for (double v : pooled()) if (v <= tol) k++;
        return k / (double) pooled().length;
    }
}
