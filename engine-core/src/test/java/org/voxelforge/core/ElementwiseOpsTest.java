package org.voxelforge.core;

import static org.junit.jupiter.api.Assertions.*;
import static org.voxelforge.core.OpsTestSupport.*;

import java.util.Random;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/** Every elementwise op against a double-precision reference walked over multi-indices. */
class ElementwiseOpsTest {
    private final Random rng = new Random(42);

    /** Pairs of broadcastable shapes, including scalars, size-0 axes and one above the parallel grain. */
    private static final int[][][] BINARY_SHAPES = {
            {{3, 1, 4}, {2, 1}}, {{}, {2, 3}}, {{2, 3}, {}}, {{}, {}}, {{0, 3}, {1, 3}}, {{5}, {5}},
            {{4, 1}, {1, 5}}, {{2, 3, 4}, {2, 3, 4}}, {{260, 257}, {257}}, {{7, 300}, {7, 1}},
    };

    private static final int[][] UNARY_SHAPES = {{}, {0}, {7}, {3, 5}, {2, 3, 4}, {300, 270}};

    private static final int[][] SMALL_SHAPES = {{}, {0}, {7}, {3, 5}, {2, 3, 4}};

    private static void checkUnary(Tensor x, Tensor out, DType expectType, DoubleUnaryOperator ref, String what) {
        assertEquals(expectType, out.dtype(), what + " dtype");
        assertShape(x.shape(), out);
        assertTrue(out.isContiguous(), what + " output contiguous");
        for (long[] idx : indices(x.shape())) {
            assertClose(round(expectType, ref.applyAsDouble(x.get(idx))), out.get(idx), expectType, what + " at " + java.util.Arrays.toString(idx));
        }
    }

    @Test void unaryEveryOpDtypeShapeAndLayout() {
        try (TensorScope s = new TensorScope()) {
            for (DType t : ALL) for (int[] dims : UNARY_SHAPES) {
                if (Shape.of(dims).numel() > 10000 && t != DType.FLOAT32) continue;
                for (Tensor x : layouts(random(rng, t, dims))) for (UnaryOp op : UnaryOp.values()) {
                    boolean toFloat = switch (op) {
                        case EXP, LOG, SQRT, SIGMOID, TANH, RECIPROCAL, ERF -> true;
                        default -> false;
                    };
                    DType expect = toFloat && !t.isFloatingPoint() ? DType.FLOAT32 : t;
                    checkUnary(x, x.unary(op), expect, op::apply, op.label() + " " + x.describe());
                }
            }
        }
    }

    @Test void unaryEdgeValuesFloat32() {
        double[] v = {0.0, -0.0, 1e-30, -1e-30, 88, -88, 100, -100, 1e30, -1e30,
                Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.5, -0.5, 20, -20};
        try (TensorScope s = new TensorScope()) {
            Tensor x = Tensor.of(DType.FLOAT32, v, v.length);
            for (UnaryOp op : UnaryOp.values()) checkUnary(x, x.unary(op), DType.FLOAT32, op::apply, op.label());
        }
    }

    @Test void leakyReluAndClamp() {
        try (TensorScope s = new TensorScope()) {
            for (DType t : ALL) for (int[] dims : SMALL_SHAPES) for (Tensor x : layouts(random(rng, t, dims))) {
                checkUnary(x, x.leakyRelu(0.1), t, v -> v > 0 ? v : 0.1 * v, "leakyRelu " + x.describe());
                checkUnary(x, x.clamp(-1, 2), t, v -> Math.min(Math.max(v, -1), 2), "clamp " + x.describe());
                checkUnary(x, x.clamp(Double.NaN, 1.5), t, v -> Math.min(v, 1.5), "clamp(hi) " + x.describe());
                checkUnary(x, x.clamp(0.5, Double.NaN), t, v -> Math.max(v, 0.5), "clamp(lo) " + x.describe());
            }
            Tensor n = Tensor.of(new float[] {Float.NaN, -5, 5}, 3);
            assertTrue(Double.isNaN(n.clamp(-1, 1).get(0)), "clamp keeps NaN");
            // the leaky ReLU's gradient: g where x > 0, slope * g elsewhere (NaN x too), any layout
            for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) for (int[] dims : SMALL_SHAPES) {
                Tensor x0 = random(rng, t, dims), g = random(rng, t, dims);
                for (Tensor x : layouts(x0)) {
                    Tensor got = x.backend().leakyReluBackward(x, g, 0.1);
                    for (long i = 0; i < g.numel(); i++) {
                        double xv = x.getFlat(i), gv = g.getFlat(i), want = xv > 0 ? gv : (t == DType.FLOAT32 ? (float) 0.1 : 0.1) * gv;
                        if (t == DType.FLOAT32) want = (float) want;
                        assertEquals(want, got.getFlat(i), 0.0, "leakyReluBackward " + x.describe() + " at " + i);
                    }
                }
            }
            Tensor gn = Tensor.of(new float[] {2, 2, 2}, 3);
            assertArrayEquals(new float[] {0.5f, 0.5f, 2}, n.backend().leakyReluBackward(n, gn, 0.25).toFloatArray(), "NaN takes the slope");
            assertThrows(ShapeMismatchException.class, () -> n.backend().leakyReluBackward(n, Tensor.of(new float[] {1, 2}, 2), 0.1));
        }
    }

    private static DType binaryType(BinaryOp op, DType a, DType b) {
        return op.isComparison() ? DType.BOOL : DType.promote(a, b);
    }

    private void checkBinary(BinaryOp op, Tensor a, Tensor b) {
        Shape shape = Shape.broadcast("ref", a.shape(), b.shape());
        Tensor out = a.binary(op, b);
        DType t = binaryType(op, a.dtype(), b.dtype());
        String what = op.label() + " " + a.describe() + " " + b.describe();
        assertEquals(t, out.dtype(), what + " dtype");
        assertShape(shape, out);
        for (long[] idx : indices(shape)) {
            double e = round(t, op.apply(at(a, idx), at(b, idx)));
            assertClose(e, out.get(idx), t, what + " at " + java.util.Arrays.toString(idx));
        }
    }

    @Test void binaryBroadcastingSameDtype() {
        try (TensorScope s = new TensorScope()) {
            for (DType t : ALL) for (int[][] pair : BINARY_SHAPES) {
                if (Shape.of(pair[0]).numel() > 10000 && t != DType.FLOAT32) continue; // the big case exercises threads and fast rows
                java.util.List<Tensor> as = layouts(random(rng, t, pair[0]));
                if (Shape.of(pair[0]).numel() > 10000) as = as.subList(0, 1); // small shapes cover the strided layouts
                for (Tensor a : as) {
                    Tensor b = random(rng, t, pair[1]);
                    for (BinaryOp op : BinaryOp.values()) {
                        if (op == BinaryOp.SUB && t == DType.BOOL) continue; // Tensor refuses bool subtraction
                        checkBinary(op, a, b);
                        checkBinary(op, b, a);
                    }
                }
            }
        }
    }

    @Test void binaryBroadcastOfExpandedAndNonContiguousOperands() {
        try (TensorScope s = new TensorScope()) {
            Tensor a = random(rng, DType.FLOAT32, 4, 1).expand(4, 6);
            Tensor b = random(rng, DType.FLOAT32, 6, 4).transpose(0, 1);
            for (BinaryOp op : BinaryOp.values()) { checkBinary(op, a, b); checkBinary(op, b, a); }
            Tensor c = random(rng, DType.FLOAT64, 5, 8).slice(1, 1, 8, 3);
            Tensor d = random(rng, DType.FLOAT64, 8);
            for (BinaryOp op : BinaryOp.values()) checkBinary(op, c, d.slice(0, 0, 3));
        }
    }

    @Test void binaryMixedDtypesPromote() {
        DType[][] pairs = {{DType.INT32, DType.FLOAT32}, {DType.UINT8, DType.BOOL}, {DType.BFLOAT16, DType.FLOAT16},
                {DType.INT64, DType.FLOAT64}, {DType.FLOAT32, DType.FLOAT64}, {DType.INT32, DType.INT64}, {DType.BFLOAT16, DType.INT32}};
        try (TensorScope s = new TensorScope()) {
            for (DType[] p : pairs) {
                Tensor a = random(rng, p[0], 3, 1, 4), b = random(rng, p[1], 2, 1);
                for (BinaryOp op : BinaryOp.values()) {
                    if (op == BinaryOp.SUB && (p[0] == DType.BOOL || p[1] == DType.BOOL)) continue;
                    checkBinary(op, a, b);
                    checkBinary(op, b, a);
                }
            }
        }
    }

    @Test void int64ArithmeticIsExactBeyondDoublePrecision() {
        try (TensorScope s = new TensorScope()) {
            long big = (1L << 53) + 1;
            Tensor a = Tensor.ofLongs(new long[] {big, -big}, 2);
            Tensor b = Tensor.ofLongs(new long[] {2, 3}, 2);
            assertArrayEquals(new long[] {big + 2, -big + 3}, a.add(b).toLongArray());
            assertArrayEquals(new long[] {big * 2, -big * 3}, a.mul(b).toLongArray());
            assertArrayEquals(new long[] {big, -big}, Tensor.where(Tensor.ofInts(new int[] {1, 1}, 2).gt(0), a, b).toLongArray());
            assertArrayEquals(new long[] {big, -big}, a.cast(DType.INT64).toLongArray());
        }
    }

    @Test void binaryScalarAgainstReference() {
        double[] scalars = {2.5, -1, 0, 0.1};
        try (TensorScope s = new TensorScope()) {
            for (DType t : ALL) for (int[] dims : SMALL_SHAPES) for (Tensor a : layouts(random(rng, t, dims))) {
                for (double sv : scalars) for (BinaryOp op : BinaryOp.values()) {
                    Tensor out = a.binary(op, sv);
                    DType ot = op.isComparison() ? DType.BOOL : t;
                    assertEquals(ot, out.dtype());
                    double sr = t == DType.FLOAT32 ? (float) sv : sv;
                    DoubleUnaryOperator ref = v -> op.apply(v, sr);
                    checkUnary(a, out, ot, ref, op.label() + " " + a.describe() + " with " + sv);
                }
            }
        }
    }

    @Test void whereBroadcastsAllThree() {
        try (TensorScope s = new TensorScope()) {
            for (DType t : ALL) for (DType ct : new DType[] {DType.BOOL, DType.UINT8}) {
                Tensor c = random(rng, DType.BOOL, 3, 1, 4).cast(ct);
                Tensor a = random(rng, t, 2, 1), b = random(rng, t, 4);
                for (Tensor cv : layouts(c)) {
                    Tensor out = Tensor.where(cv, a, b);
                    assertEquals(t, out.dtype());
                    Shape shape = Shape.of(3, 2, 4);
                    assertShape(shape, out);
                    for (long[] idx : indices(shape)) assertEquals(at(cv, idx) != 0 ? at(a, idx) : at(b, idx), out.get(idx));
                }
            }
        }
    }

    @Test void castBetweenEveryPairRoundsLikeDTypeSet() {
        try (TensorScope s = new TensorScope()) {
            for (DType from : ALL) for (DType to : ALL) for (Tensor x : layouts(random(rng, from, 3, 5))) {
                Tensor y = x.cast(to);
                assertEquals(to, y.dtype());
                assertTrue(y.isContiguous());
                for (long[] idx : indices(x.shape())) assertEquals(round(to, x.get(idx)), y.get(idx), from + "->" + to);
            }
        }
    }

    @Test void copyIntoStridedDestinationWithBroadcastAndFill() {
        try (TensorScope s = new TensorScope()) {
            Tensor dst = Tensor.zeros(DType.FLOAT32, 4, 6).transpose(0, 1); // [6, 4], not contiguous
            Tensor src = random(rng, DType.FLOAT64, 4);
            int v0 = dst.version();
            dst.copy_(src);
            assertTrue(dst.version() > v0, "copy bumps the version");
            for (long[] idx : indices(dst.shape())) assertEquals(round(DType.FLOAT32, at(src, idx)), dst.get(idx));
            Tensor half = dst.slice(0, 0, 6, 2);
            half.fill_(7);
            for (long[] idx : indices(dst.shape())) {
                double e = idx[0] % 2 == 0 ? 7 : round(DType.FLOAT32, at(src, idx));
                assertEquals(e, dst.get(idx));
            }
            for (DType t : ALL) {
                Tensor z = Tensor.zeros(t, 3, 3).slice(1, 0, 3, 2).fill_(3);
                for (long[] idx : indices(z.shape())) assertEquals(round(t, 3), z.get(idx));
            }
        }
    }

    @Test void largeFloat32MatchesReferenceAcrossThreads() {
        // above the grain, so the pool splits the work; the fast kernels handle whole rows
        try (TensorScope s = new TensorScope()) {
            Tensor a = random(rng, DType.FLOAT32, 1 << 18), b = random(rng, DType.FLOAT32, 1 << 18);
            float[] av = a.toFloatArray(), bv = b.toFloatArray();
            DoubleBinaryOperator[] refs = {(x, y) -> (float) (x + y), (x, y) -> (float) (x * y), (x, y) -> (float) (x / y)};
            Tensor[] outs = {a.add(b), a.mul(b), a.div(b)};
            for (int k = 0; k < refs.length; k++) {
                float[] o = outs[k].toFloatArray();
                for (int i = 0; i < o.length; i++) assertEquals((float) refs[k].applyAsDouble(av[i], bv[i]), o[i]);
            }
            float[] e = a.exp().toFloatArray();
            for (int i = 0; i < e.length; i++) assertClose((float) Math.exp(av[i]), e[i], DType.FLOAT32, "exp[" + i + "]");
        }
    }

    @Test void nonBroadcastableShapesNameTheOpAndShapes() {
        try (TensorScope s = new TensorScope()) {
            Tensor a = Tensor.zeros(3, 4), b = Tensor.zeros(2, 4);
            ShapeMismatchException e = assertThrows(ShapeMismatchException.class, () -> a.add(b));
            assertTrue(e.getMessage().contains("add") && e.getMessage().contains("[3, 4]") && e.getMessage().contains("[2, 4]"), e.getMessage());
            e = assertThrows(ShapeMismatchException.class, () -> Tensor.where(a.gt(0), a, Tensor.zeros(5)));
            assertTrue(e.getMessage().contains("where"), e.getMessage());
        }
    }
}
