package org.voxelforge.core.cpu;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Sgemm (both micro-kernels) against SgemmReference over edge sizes, transposes, alpha/beta and thread counts. */
class SgemmTest {
    private static final int[] SIZES = {1, 7, 17, 33, 65};

    /** One problem: operands laid out with offsets and padded leading dimensions. */
    private static final class Problem {
        final boolean ta, tb;
        final int m, n, k, lda, ldb, ldc, aOff = 3, bOff = 5, cOff = 2;
        final float alpha, beta;
        final float[] a, b, c0;

        Problem(long seed, boolean ta, boolean tb, int m, int n, int k, float alpha, float beta) {
            this.ta = ta; this.tb = tb; this.m = m; this.n = n; this.k = k; this.alpha = alpha; this.beta = beta;
            lda = (ta ? m : k) + 3;
            ldb = (tb ? k : n) + 1;
            ldc = n + 4;
            SplittableRandom r = new SplittableRandom(seed);
            a = random(r, aOff + (ta ? k : m) * lda);
            b = random(r, bOff + (tb ? n : k) * ldb);
            c0 = random(r, cOff + m * ldc);
        }

        float[] reference() {
            float[] c = c0.clone();
            SgemmReference.sgemm(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return c;
        }

        float[] run(SgemmMicroKernel kern, int threads) {
            float[] c = c0.clone();
            Sgemm.run(kern, m, n, k, alpha,
                    MemorySegment.ofArray(a), aOff, ta ? 1 : lda, ta ? lda : 1,
                    MemorySegment.ofArray(b), bOff, tb ? 1 : ldb, tb ? ldb : 1,
                    beta, MemorySegment.ofArray(c), cOff, ldc, threads);
            return c;
        }

        /** |C - ref| within a float32 summation bound: 2e-6 * sqrt(k) * (|alpha| sum|a||b| + |beta c0|). */
        void assertClose(float[] got, String what) {
            float[] ref = reference();
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double scale = 0;
                    for (int p = 0; p < k; p++) scale += Math.abs(av(i, p) * bv(p, j));
                    int at = cOff + i * ldc + j;
                    scale = Math.abs(alpha) * scale + (beta == 0 ? 0 : Math.abs(beta * c0[at]));
                    double tol = 2e-6 * Math.sqrt(Math.max(k, 1)) * scale + 1e-30;
                    if (!(Math.abs(got[at] - ref[at]) <= tol)) {
                        fail(what + " " + this + ": C[" + i + "][" + j + "] = " + got[at] + " but reference " + ref[at]
                                + " (tolerance " + tol + ")");
                    }
                }
            }
            // padding between rows of C (j >= n) and before cOff must be untouched
            for (int idx = 0; idx < got.length; idx++) {
                int rel = idx - cOff;
                boolean inside = rel >= 0 && rel / ldc < m && rel % ldc < n;
                if (!inside) assertEquals(Float.floatToRawIntBits(c0[idx]), Float.floatToRawIntBits(got[idx]), what + ": wrote outside C at " + idx);
            }
        }

        private double av(int i, int p) { return ta ? a[aOff + p * lda + i] : a[aOff + i * lda + p]; }

        private double bv(int p, int j) { return tb ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j]; }

        @Override public String toString() {
            return "sgemm(" + (ta ? "T" : "N") + (tb ? "T" : "N") + ", m=" + m + ", n=" + n + ", k=" + k
                    + ", alpha=" + alpha + ", beta=" + beta + ")";
        }
    }

    private static float[] random(SplittableRandom r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (r.nextDouble() * 2 - 1);
        return x;
    }

    @Test void vectorKernelMatchesReferenceOverOddSizes() {
        long seed = 1;
        for (int m : SIZES) for (int n : SIZES) for (int k : SIZES) {
            Problem p = new Problem(seed++, false, false, m, n, k, 1f, 0f);
            p.assertClose(p.run(SgemmKernels.BEST, 2), SgemmKernels.BEST.describe());
        }
    }

    @Test void largerSizesCrossEveryBlockBoundary() {
        // 513/1100 cross KC=512 (257 crossed the old 256), 129/300 cross MC=96, 4100 crosses NC=4096,
        // 129/65 are not multiples of MR or NR
        int[][] shapes = {{129, 257, 257}, {300, 65, 513}, {7, 4100, 3}, {257, 129, 33}, {150, 97, 260}, {40, 70, 1100}};
        for (int[] s : shapes) {
            Problem p = new Problem(s[0] * 31L + s[1], false, false, s[0], s[1], s[2], 1f, 0f);
            p.assertClose(p.run(SgemmKernels.BEST, 2), "vector");
        }
    }

    @Test void allTransposeCombinations() {
        for (boolean ta : new boolean[] {false, true}) for (boolean tb : new boolean[] {false, true}) {
            for (int[] s : new int[][] {{67, 45, 300}, {6, 33, 7}, {1, 65, 17}}) {
                Problem p = new Problem(11, ta, tb, s[0], s[1], s[2], 0.75f, 0.5f);
                p.assertClose(p.run(SgemmKernels.BEST, 2), "vector");
                p.assertClose(p.run(SgemmKernels.SCALAR, 2), "scalar");
            }
        }
    }

    @Test void scalarKernelMatchesReference() {
        long seed = 100;
        for (int m : new int[] {1, 5, 17}) for (int n : new int[] {1, 6, 33}) for (int k : new int[] {1, 7, 257}) {
            Problem p = new Problem(seed++, false, false, m, n, k, -1.5f, 0.25f);
            p.assertClose(p.run(SgemmKernels.SCALAR, 2), "scalar");
        }
    }

    @Test void alphaAndBeta() {
        Problem p = new Problem(7, false, true, 33, 40, 300, -1.5f, 0.25f);
        p.assertClose(p.run(SgemmKernels.BEST, 2), "alpha/beta");
        // beta = 0 must not read C: NaNs in C do not leak
        Problem nan = new Problem(8, false, false, 17, 33, 20, 2f, 0f);
        java.util.Arrays.fill(nan.c0, nan.cOff, nan.cOff + nan.m * nan.ldc, Float.NaN);
        for (int i = 0; i < nan.m; i++) {
            for (int j = nan.n; j < nan.ldc && nan.cOff + i * nan.ldc + j < nan.c0.length; j++) nan.c0[nan.cOff + i * nan.ldc + j] = 9f;
        }
        float[] got = nan.run(SgemmKernels.BEST, 2);
        nan.assertClose(got, "beta=0 over NaN");
        // alpha = 0 or k = 0: C = beta * C
        Problem scale = new Problem(9, false, false, 5, 6, 7, 0f, 2f);
        scale.assertClose(scale.run(SgemmKernels.BEST, 2), "alpha=0");
        Problem empty = new Problem(10, false, false, 5, 6, 0, 1f, 0.5f);
        empty.assertClose(empty.run(SgemmKernels.BEST, 2), "k=0");
    }

    @Test void vectorKernelStoresTheScalarKernelsBits() {
        // both sum each element with fmas in order p = 0..k-1 and store fma(acc, alpha, beta * c)
        // (alpha * acc when beta is 0), so full tiles (vector store), edge tiles (scalar store) and
        // the scalar kernel must agree bit for bit, for every alpha/beta case the drivers use
        for (SgemmMicroKernel kern : new SgemmMicroKernel[] {new SgemmVectorKernel(), new SgemmVectorKernel8()}) {
            for (float[] ab : new float[][] {{1f, 0f}, {-1.5f, 0f}, {1f, 1f}, {0.75f, 0.5f}}) {
                for (int[] s : new int[][] {{67, 100, 300}, {8, 64, 5}, {33, 31, 600}}) {
                    Problem p = new Problem(s[0] + s[2], false, false, s[0], s[1], s[2], ab[0], ab[1]);
                    float[] vector = p.run(kern, 2), scalar = p.run(SgemmKernels.SCALAR, 1);
                    for (int i = 0; i < vector.length; i++) {
                        assertEquals(Float.floatToRawIntBits(scalar[i]), Float.floatToRawIntBits(vector[i]), kern.describe() + " " + p + " at " + i);
                    }
                }
            }
        }
    }

    @Test void resultIsBitwiseIdenticalForAnyThreadCount() {
        // {6, 1000, 40}: one row block, so threads split its micro-panels instead
        for (int[] s : new int[][] {{300, 200, 300}, {6, 1000, 40}, {145, 33, 257}}) {
            Problem p = new Problem(s[0], false, false, s[0], s[1], s[2], 1f, 0.5f);
            float[] one = p.run(SgemmKernels.BEST, 1);
            for (int t : new int[] {2, 3, 8}) {
                assertArrayEquals(one, p.run(SgemmKernels.BEST, t), p + " differs between 1 and " + t + " threads");
            }
        }
    }

    @Test void publicArrayAndSegmentEntryPointsAgree() {
        int m = 37, n = 45, k = 70;
        Problem p = new Problem(3, true, false, m, n, k, 1f, 0f);
        float[] viaArray = p.c0.clone();
        Sgemm.sgemm(true, false, m, n, k, 1f, p.a, p.aOff, p.lda, p.b, p.bOff, p.ldb, 0f, viaArray, p.cOff, p.ldc);
        p.assertClose(viaArray, "float[] entry");
        // a confined arena makes sgemm stay on the calling thread; a shared one may use the pool
        for (Arena arena : new Arena[] {Arena.ofConfined(), Arena.ofShared()}) {
            try (arena) {
                MemorySegment a = arena.allocateFrom(ValueLayout.JAVA_FLOAT, p.a);
                MemorySegment b = arena.allocateFrom(ValueLayout.JAVA_FLOAT, p.b);
                MemorySegment c = arena.allocateFrom(ValueLayout.JAVA_FLOAT, p.c0);
                Sgemm.sgemm(true, false, m, n, k, 1f, a, p.aOff, p.lda, b, p.bOff, p.ldb, 0f, c, p.cOff, p.ldc, 2);
                assertArrayEquals(viaArray, c.toArray(ValueLayout.JAVA_FLOAT), "segment and array results differ");
            }
        }
    }

    @Test void badArgumentsNameSgemm() {
        float[] small = new float[10];
        var e = assertThrows(IndexOutOfBoundsException.class,
                () -> Sgemm.sgemm(false, false, 4, 4, 4, 1f, small, 0, 4, small, 0, 4, 0f, small, 0, 4));
        assertTrue(e.getMessage().startsWith("sgemm: operand A"), e.getMessage());
        var ld = assertThrows(IllegalArgumentException.class,
                () -> Sgemm.sgemm(false, false, 4, 4, 4, 1f, new float[16], 0, 3, new float[16], 0, 4, 0f, new float[16], 0, 4));
        assertTrue(ld.getMessage().contains("leading dimension of A"), ld.getMessage());
    }
}
