package org.voxelforge.core.fused;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.voxelforge.core.fused.GroupNormAct.Layout;

/**
 * The NDHWC twin against the NCDHW twin on the same values (x and dy transposed to channels last):
 * the same formulas, so the results differ only by the order of the float additions inside the
 * chunks (NCDHW sums one (n, g) row or one channel in order; NDHWC per voxel row of a block, then
 * the rows) and by how the chunks fall. Tolerances: mean and rstd 1e-5 relative (mean: to
 * max(1, |mean|)), y and dx 2e-5 of their largest magnitude, dgamma and dbeta 1e-4 of theirs (float
 * sums of ~2000 terms in different orders differ by a few 1e-6 relative). Worst seen with this seed:
 * mean 1.5e-6, rstd 3e-6, y 4e-6, dx 3e-6, dgamma/dbeta 5e-6.
 */
class GroupNormActLayoutTest {
    private final SplittableRandom rnd = new SplittableRandom(5);

    @Test void channelsLastEqualsChannelsFirst() {
        for (float slope : new float[] {1f, 0.01f, 0f}) {
            compare(2, 6, 1, 60, 0, slope);
            compare(2, 6, 2, 60, 0, slope);
            compare(2, 6, 6, 60, 0, slope);     // instance norm
        }
        compare(2, 6, 3, 2100, 0, 0.01f);       // 7 voxel chunks (NDHWC), 2-3 chunks per row (NCDHW)
        compare(1, 2, 1, 2100, 500, 0.1f);      // large mean: the shift keeps the variance
        compare(1, 300, 3, 8, 0, 0.01f);        // C > 256: two channel tiles per block
        compare(3, 1, 1, 700, -2, 0f);          // one channel: 256 voxel rows per block
    }

    private float[] uniform(int n, double lo, double hi) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (lo + (hi - lo) * rnd.nextDouble());
        return a;
    }

    /** [N, C, S] -> [N, S, C]. */
    static float[] toChannelsLast(GroupNormAct.Geometry geo, float[] a) {
        float[] t = new float[a.length];
        for (int n = 0; n < geo.n(); n++) {
            for (int c = 0; c < geo.c(); c++) {
                for (int s = 0; s < geo.spatial(); s++) t[Layout.NDHWC.index(geo, n, c, s)] = a[Layout.NCDHW.index(geo, n, c, s)];
            }
        }
        return t;
    }

    private void compare(int n, int c, int g, int s, double offset, float slope) {
        GroupNormAct.Geometry geo = new GroupNormAct.Geometry(n, c, g, s);
        float[] x = uniform((int) geo.numel(), offset - 1, offset + 2), dy = uniform(x.length, -1, 1);
        float[] gamma = uniform(c, 0.5, 1.5), beta = uniform(c, -0.5, 0.5);
        float[] y = new float[x.length], dx = new float[x.length], yl = new float[x.length], dxl = new float[x.length];
        GroupNormAct.Saved want = GroupNormAct.forward(geo, x, gamma, beta, slope, 1e-5, y);
        GroupNormAct.ParamGrads wantG = GroupNormAct.backward(geo, x, dy, gamma, beta, want, slope, dx);
        float[] xl = toChannelsLast(geo, x);
        GroupNormAct.Saved got = GroupNormAct.forward(geo, Layout.NDHWC, xl, gamma, beta, slope, 1e-5, yl);
        GroupNormAct.ParamGrads gotG = GroupNormAct.backward(geo, Layout.NDHWC, xl, toChannelsLast(geo, dy), gamma, beta, got, slope, dxl);
        String tag = "N=" + n + " C=" + c + " G=" + g + " S=" + s + " offset " + offset + " slope " + slope;
        for (int i = 0; i < want.mean().length; i++) {
            assertEquals(want.mean()[i], got.mean()[i], 1e-5 * Math.max(1, Math.abs(want.mean()[i])), tag + ": mean " + i);
            assertEquals(want.rstd()[i], got.rstd()[i], 1e-5 * want.rstd()[i], tag + ": rstd " + i);
        }
        close(tag + ": y", toChannelsLast(geo, y), yl, 2e-5);
        close(tag + ": dx", toChannelsLast(geo, dx), dxl, 2e-5);
        close(tag + ": dgamma", wantG.dgamma(), gotG.dgamma(), 1e-4);
        close(tag + ": dbeta", wantG.dbeta(), gotG.dbeta(), 1e-4);
    }

    /** Within tol times the largest |want| (at least 1). */
    static void close(String what, float[] want, float[] got, double tol) {
        double scale = 1;
        for (float w : want) scale = Math.max(scale, Math.abs(w));
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], tol * scale, what + " at " + i);
        }
    }

    @Test void theChunksCoverTheVoxels() {
        for (int[] cs : new int[][] {{6, 60}, {6, 2100}, {1, 700}, {300, 8}, {32, 128 * 128 * 128}}) {
            GroupNormAct.Geometry geo = new GroupNormAct.Geometry(1, cs[0], 1, cs[1]);
            long len = GroupNormAct.voxelChunk(geo);
            int chunks = GroupNormAct.voxelChunks(geo);
            assertTrue(len * cs[0] >= Chunking.MIN_CHUNK, "a chunk holds at least MIN_CHUNK elements: " + len + " voxels of " + cs[0]);
            assertTrue(chunks <= Chunking.MAX_CHUNKS && (chunks - 1) * len < cs[1] && chunks * len >= cs[1],
                    chunks + " chunks of " + len + " voxels for S = " + cs[1]);
        }
    }

    @Test void nullLayoutIsNamed() {
        GroupNormAct.Geometry geo = new GroupNormAct.Geometry(1, 2, 1, 3);
        float[] six = new float[6], two = new float[2];
        var e = assertThrows(IllegalArgumentException.class, () -> GroupNormAct.forward(geo, null, six, two, two, 1f, 1e-5, six));
        assertTrue(e.getMessage().contains("GroupNormAct: layout is null"), e.getMessage());
        GroupNormAct.Saved saved = GroupNormAct.forward(geo, six, two, two, 1f, 1e-5, new float[6]);
        e = assertThrows(IllegalArgumentException.class,
                () -> GroupNormAct.backward(geo, null, six, six, two, two, saved, 1f, new float[6]));
        assertTrue(e.getMessage().contains("GroupNormAct: layout is null"), e.getMessage());
    }
}
