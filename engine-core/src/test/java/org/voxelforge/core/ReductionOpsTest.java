package org.voxelforge.core;

import static org.junit.jupiter.api.Assertions.*;
import static org.voxelforge.core.OpsTestSupport.*;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Reductions, arg-reductions, variance and softmax against double references over multi-indices. */
class ReductionOpsTest {
    private final Random rng = new Random(7);

    private static final int[][] SHAPES = {{}, {5}, {2, 3, 4}, {0, 3}, {3, 1, 4, 2}};

    /** All non-empty axis subsets (sorted) of a rank; rank 0 gives the one empty set Tensor passes. */
    private static int[][] axisSets(int rank) {
        if (rank == 0) return new int[][] {{}};
        int[][] out = new int[(1 << rank) - 1][];
        for (int m = 1; m < 1 << rank; m++) {
            int[] a = new int[Integer.bitCount(m)];
            for (int i = 0, j = 0; i < rank; i++) if ((m & (1 << i)) != 0) a[j++] = i;
            out[m - 1] = a;
        }
        return out;
    }

    /** The output multi-index an input multi-index reduces into. */
    private static long[] outIndex(long[] idx, int[] axes, boolean keep) {
        boolean[] red = new boolean[idx.length];
        for (int a : axes) red[a] = true;
        return java.util.stream.IntStream.range(0, idx.length).filter(i -> keep || !red[i])
                .mapToLong(i -> red[i] ? 0 : idx[i]).toArray();
    }

    /** Reference reduce: every input element folded in double into its output cell. */
    private static void checkReduce(ReduceOp op, Tensor x, int[] axes, boolean keep) {
        Tensor out = x.reduce(op, keep, axes);
        String what = op.label() + " " + x.describe() + " axes " + Arrays.toString(axes) + " keep " + keep;
        DType expectType = x.dtype().isFloatingPoint() ? x.dtype()
                : switch (op) { case SUM, PROD -> DType.INT64; case MEAN -> DType.FLOAT32; default -> x.dtype(); };
        assertEquals(expectType, out.dtype(), what);
        int n = (int) out.numel();
        double[] acc = new double[n];
        long[] count = new long[n];
        Arrays.fill(acc, switch (op) { case PROD -> 1; case MAX -> Double.NEGATIVE_INFINITY; case MIN -> Double.POSITIVE_INFINITY; default -> 0; });
        long[] ostr = out.shape().contiguousStrides();
        for (long[] idx : indices(x.shape())) {
            long[] o = outIndex(idx, axes, keep);
            int f = 0;
            for (int i = 0; i < o.length; i++) f += (int) (o[i] * ostr[i]);
            double v = x.get(idx);
            acc[f] = switch (op) {
                case SUM, MEAN -> acc[f] + v;
                case PROD -> acc[f] * v;
                case MAX -> Math.max(acc[f], v);
                case MIN -> Math.min(acc[f], v);
            };
            count[f]++;
        }
        for (int f = 0; f < n; f++) {
            double e = op == ReduceOp.MEAN ? acc[f] / count[f] : acc[f];
            if (expectType == DType.INT64 && Math.abs(e) > 0x1p53) continue; // int64 wraps like PyTorch; double cannot say how
            assertClose(round(expectType, e), out.getFlat(f), expectType, what + " at flat " + f);
        }
    }

    @Test void reduceEveryOpAxesSetDtypeAndLayout() {
        try (TensorScope s = new TensorScope()) {
            for (DType t : ALL) for (int[] dims : SHAPES) for (Tensor x : layouts(random(rng, t, dims))) {
                for (int[] axes : axisSets(dims.length)) for (ReduceOp op : ReduceOp.values()) {
                    if ((op == ReduceOp.MAX || op == ReduceOp.MIN) && x.numel() == 0) continue;
                    checkReduce(op, x, axes, false);
                    checkReduce(op, x, axes, true);
                }
            }
        }
    }

    @Test void reduceKeepsShapesAndHandlesEmpty() {
        try (TensorScope s = new TensorScope()) {
            Tensor e = Tensor.zeros(0, 3);
            assertArrayEquals(new int[] {3}, e.sum(0).dims());
            assertArrayEquals(new double[] {0, 0, 0}, e.sum(0).toDoubleArray());
            assertTrue(Double.isNaN(e.mean(0).getFlat(0)), "mean of nothing is NaN");
            assertArrayEquals(new int[] {1, 3}, e.sumKeep(0).dims());
            assertArrayEquals(new int[] {0}, e.sum(1).dims());
            assertThrows(IllegalArgumentException.class, () -> e.max());
            assertEquals(0.0, Tensor.zeros(DType.FLOAT32, 0).sum().item());
            // the backend's own contract: an empty axis list reduces every axis
            Tensor t = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
            assertEquals(21.0, t.backend().reduce(ReduceOp.SUM, t, new int[0], false).item());
            assertEquals(35.0 / 12, t.backend().variance(t, new int[0], 0, false).item(), 1e-6);
        }
    }

    @Test void maxAndMinPropagateNaNAndInt64IsExact() {
        try (TensorScope s = new TensorScope()) {
            Tensor x = Tensor.of(new float[] {1, Float.NaN, 3, -2, 5, 0}, 2, 3);
            assertTrue(Double.isNaN(x.max(1).getFlat(0)));
            assertEquals(5.0, x.max(1).getFlat(1));
            assertTrue(Double.isNaN(x.min().item()));
            long big = (1L << 60) + 1;
            Tensor l = Tensor.ofLongs(new long[] {big, 3, big - 2}, 3);
            assertEquals(big, l.max().toLongArray()[0]);
            assertEquals(2 * big + 1, l.sum().toLongArray()[0]);
        }
    }

    @Test void argmaxArgminFirstIndexAndNaN() {
        try (TensorScope s = new TensorScope()) {
            for (DType t : ALL) for (int[] dims : new int[][] {{7}, {2, 3, 4}, {3, 1, 5}}) for (Tensor x : layouts(random(rng, t, dims))) {
                for (int axis = 0; axis < x.rank(); axis++) for (boolean max : new boolean[] {true, false}) for (boolean keep : new boolean[] {false, true}) {
                    Tensor out = max ? x.argmax(axis, keep) : x.argmin(axis, keep);
                    assertEquals(DType.INT64, out.dtype());
                    Shape os = Shape.of(Arrays.stream(outIndex(new long[x.rank()], new int[] {axis}, keep)).mapToInt(v -> 1).toArray());
                    assertEquals(os.rank(), out.rank());
                    for (long[] idx : indices(x.shape())) {
                        if (idx[axis] != 0) continue;
                        long[] probe = idx.clone();
                        int best = 0;
                        double bv = x.get(probe);
                        for (int i = 1; i < x.dim(axis); i++) {
                            probe[axis] = i;
                            double v = x.get(probe);
                            if (max ? v > bv : v < bv) { bv = v; best = i; }
                        }
                        assertEquals(best, (long) out.get(outIndex(idx, new int[] {axis}, keep)), (max ? "argmax " : "argmin ") + x.describe());
                    }
                }
            }
            Tensor n = Tensor.of(new float[] {1, 9, Float.NaN, 9, Float.NaN}, 5);
            assertEquals(2, (long) n.argmax(0).item());
            assertEquals(2, (long) n.argmin(0, false).item());
            assertEquals(1, (long) Tensor.of(new float[] {1, 9, 3, 9}, 4).argmax(0).item(), "first of ties");
        }
    }

    @Test void varianceBothCorrections() {
        try (TensorScope s = new TensorScope()) {
            for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64, DType.INT32, DType.BFLOAT16}) for (int[] dims : SHAPES) {
                for (Tensor x : layouts(random(rng, t, dims))) for (int[] axes : axisSets(dims.length)) for (int c = 0; c <= 1; c++) {
                    Tensor out = x.variance(c, false, axes);
                    DType ot = t.isFloatingPoint() ? t : DType.FLOAT32;
                    assertEquals(ot, out.dtype());
                    int n = (int) out.numel();
                    double[] sum = new double[n], sq = new double[n];
                    long[] cnt = new long[n];
                    long[] ostr = out.shape().contiguousStrides();
                    for (int pass = 0; pass < 2; pass++) for (long[] idx : indices(x.shape())) {
                        long[] o = outIndex(idx, axes, false);
                        int f = 0;
                        for (int i = 0; i < o.length; i++) f += (int) (o[i] * ostr[i]);
                        if (pass == 0) { sum[f] += x.get(idx); cnt[f]++; }
                        else { double d = x.get(idx) - sum[f] / cnt[f]; sq[f] += d * d; }
                    }
                    for (int f = 0; f < n; f++) {
                        double e = sq[f] / Math.max(0, cnt[f] - c);
                        assertClose(round(ot, e), out.getFlat(f), ot, "variance " + x.describe() + " axes " + Arrays.toString(axes) + " c=" + c);
                    }
                }
            }
        }
    }

    @Test void softmaxAndLogSoftmaxEveryAxis() {
        try (TensorScope s = new TensorScope()) {
            for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64, DType.BFLOAT16, DType.FLOAT16}) {
                for (int[] dims : new int[][] {{5}, {2, 3, 4}, {3, 1, 2}, {0, 4}}) for (Tensor x : layouts(random(rng, t, dims))) {
                    for (int axis = 0; axis < x.rank(); axis++) for (boolean log : new boolean[] {false, true}) {
                        Tensor out = log ? x.logSoftmax(axis) : x.softmax(axis);
                        assertEquals(t, out.dtype());
                        assertShape(x.shape(), out);
                        assertTrue(out.isContiguous());
                        for (long[] idx : indices(x.shape())) {
                            long[] probe = idx.clone();
                            double m = Double.NEGATIVE_INFINITY, sum = 0;
                            for (int i = 0; i < x.dim(axis); i++) { probe[axis] = i; m = Math.max(m, x.get(probe)); }
                            for (int i = 0; i < x.dim(axis); i++) { probe[axis] = i; sum += Math.exp(x.get(probe) - m); }
                            double z = x.get(idx) - m;
                            double e = log ? z - Math.log(sum) : Math.exp(z) / sum;
                            assertClose(round(t, e), out.get(idx), t, (log ? "logSoftmax " : "softmax ") + x.describe() + " axis " + axis);
                        }
                    }
                }
            }
            Tensor big = Tensor.of(new float[] {1000, 1001, 1002}, 3);
            float[] p = big.softmax(0).toFloatArray();
            assertEquals(1.0, p[0] + p[1] + p[2], 1e-6, "stable for large logits");
            assertFalse(Float.isNaN(big.logSoftmax(0).toFloatArray()[0]));
        }
    }

    @Test void largeFloat32SumIsAccurate() {
        int n = 10_000_000;
        float[] v = new float[n];
        double ref = 0;
        for (int i = 0; i < n; i++) { v[i] = rng.nextFloat(); ref += v[i]; }
        try (TensorScope s = new TensorScope()) {
            Tensor x = Tensor.of(v, n);
            double got = x.sum().item();
            assertEquals(0, Math.abs(got - ref) / ref, 1e-6, "sum of 1e7 float32");
            assertEquals(0, Math.abs(x.mean().item() - ref / n) / (ref / n), 1e-6, "mean of 1e7 float32");
        }
    }
}
