package org.voxelforge.core.cpu;

import java.lang.foreign.MemorySegment;
import java.util.List;
import org.voxelforge.core.DType;
import org.voxelforge.core.PadMode;
import org.voxelforge.core.Parallel;
import org.voxelforge.core.Shape;
import org.voxelforge.core.Tensor;

/**
 * Data-movement ops on the CPU: arange, concat, pad, flip. The index-driven ops (gather,
 * scatterAdd, indexSelect, indexAdd, oneHot) live in {@link CpuIndexOps}. Outputs are new
 * contiguous tensors; inputs may be any strided view. Copies are bit-exact ({@link StridedCopy}).
 */
final class CpuShapeOps {
    private CpuShapeOps() {}

    // ---- arange ----------------------------------------------------------------------------

    /** {@code start + i * step} for i in [0, ceil((end - start) / step)), rounded to dtype. */
    static Tensor arange(double start, double end, double step, DType dtype) {
        if (!Double.isFinite(start) || !Double.isFinite(end) || !Double.isFinite(step) || step == 0) {
            throw new IllegalArgumentException("arange: start, end and step must be finite and step non-zero, got start="
                    + start + ", end=" + end + ", step=" + step);
        }
        double count = Math.ceil((end - start) / step);
        if (count > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("arange: [" + start + ", " + end + ") with step " + step + " has "
                    + (long) count + " elements; at most " + Integer.MAX_VALUE + " fit one axis");
        }
        int n = count > 0 ? (int) count : 0;
        Tensor out = CpuBackend.INSTANCE.zeros(dtype, Shape.of(n));
        MemorySegment s = out.segment();
        Parallel.forRange(n, StridedCopy.GRAIN, (lo, hi) -> {
            for (long i = lo; i < hi; i++) dtype.set(s, i, start + i * step);
        });
        return out;
    }

    // ---- concat ----------------------------------------------------------------------------

    /** Copies each input into its slab of the output along {@code axis}. */
    static Tensor concat(List<Tensor> xs, int axis) {
        Tensor first = xs.get(0);
        DType dt = first.dtype();
        int total = 0;
        for (Tensor t : xs) {
            if (t.dtype() != dt) {
                throw new IllegalArgumentException("concat: all tensors must be " + dt.label() + ", got " + t.describe());
            }
            total = Math.addExact(total, t.dim(axis));
        }
        Tensor out = CpuBackend.INSTANCE.zeros(dt, first.shape().withDim(axis, total));
        long[] os = out.strides();
        MemorySegment o = out.segment();
        long at = 0;
        for (Tensor t : xs) {
            StridedCopy.copy(t.dims(), o, at * os[axis], os, t.segment(), t.offset(), t.strides(), dt.byteSize());
            at += t.dim(axis);
        }
        return out;
    }

    // ---- flip ------------------------------------------------------------------------------

    /** Reads x through negated strides on the flipped axes and copies into a contiguous output. */
    static Tensor flip(Tensor x, int[] axes) {
        long[] st = x.strides();
        long off = x.offset();
        int[] d = x.dims();
        for (int a : axes) {
            if (d[a] > 0) off += (long) (d[a] - 1) * st[a];
            st[a] = -st[a];
        }
        Tensor out = CpuBackend.INSTANCE.zeros(x.dtype(), x.shape());
        StridedCopy.copy(d, out.segment(), 0, out.strides(), x.segment(), off, st, x.dtype().byteSize());
        return out;
    }

    // ---- pad -------------------------------------------------------------------------------

    /**
     * Padding is separable: output coordinate o on axis a reads input coordinate
     * {@code map[a][o]} (or the constant, where the map says -1), independently per axis. So each
     * output row is the input row chosen by the outer coordinates, read through the inner map,
     * with its interior copied in one piece.
     */
    static Tensor pad(Tensor x, int[] before, int[] after, PadMode mode, double value) {
        int r = x.rank();
        int[] in = x.dims();
        int[] outDims = new int[r];
        for (int a = 0; a < r; a++) outDims[a] = Math.addExact(Math.addExact(in[a], before[a]), after[a]);
        DType dt = x.dtype();
        Tensor out = CpuBackend.INSTANCE.zeros(dt, Shape.of(outDims));
        long total = out.numel();
        if (total == 0) return out;
        if (r == 0) {
            StridedCopy.copyElement(out.segment(), 0, x.segment(), x.offset(), dt.byteSize());
            return out;
        }
        int[][] map = new int[r][];
        for (int a = 0; a < r; a++) map[a] = padMap(in[a], before[a], outDims[a], mode);

        MemorySegment o = out.segment(), s = x.segment();
        long[] xs = x.strides();
        long xOff = x.offset();
        int bytes = dt.byteSize();
        int inner = outDims[r - 1];
        int[] innerMap = map[r - 1];
        long innerStride = xs[r - 1];
        // the unit-stride interior of each row (valid when the input axis is not empty)
        int lo = before[r - 1], len = in[r - 1];
        long rows = total / inner;
        Parallel.forRange(rows, Math.max(1, StridedCopy.GRAIN / inner), (r0, r1) -> {
            int[] idx = new int[r - 1];
            for (long row = r0; row < r1; row++) {
                // decompose the row number into outer output coordinates, map them to the input
                long rem = row, src = xOff;
                boolean constant = false;
                for (int a = r - 2; a >= 0; a--) {
                    idx[a] = (int) (rem % outDims[a]);
                    rem /= outDims[a];
                    int m = map[a][idx[a]];
                    if (m < 0) constant = true;
                    else src += m * xs[a];
                }
                long dst = row * inner;
                if (constant) {
                    for (int i = 0; i < inner; i++) dt.set(o, dst + i, value);
                    continue;
                }
                for (int i = 0; i < lo; i++) padElement(o, dst + i, s, src, innerMap[i], innerStride, dt, bytes, value);
                StridedCopy.copyRow(o, dst + lo, 1, s, src, innerStride, len, bytes);
                for (int i = lo + len; i < inner; i++) padElement(o, dst + i, s, src, innerMap[i], innerStride, dt, bytes, value);
            }
        });
        return out;
    }

    private static void padElement(MemorySegment o, long di, MemorySegment s, long rowStart, int m, long stride,
                                   DType dt, int bytes, double value) {
        if (m < 0) dt.set(o, di, value);
        else StridedCopy.copyElement(o, di, s, rowStart + m * stride, bytes);
    }

    /** For each output coordinate on one axis, the input coordinate it reads, or -1 for the constant. */
    static int[] padMap(int n, int before, int outLen, PadMode mode) {
        int[] m = new int[outLen];
        for (int o = 0; o < outLen; o++) {
            int i = o - before;
            if (i >= 0 && i < n) { m[o] = i; continue; }
            m[o] = switch (mode) {
                case CONSTANT -> -1;
                case EDGE -> i < 0 ? 0 : n - 1;
                case REFLECT -> reflect(i, n);
            };
        }
        return m;
    }

    /** NumPy's 'reflect' (mirror about the edge element, which is not repeated), periodic with 2(n-1). */
    static int reflect(int i, int n) {
        if (n == 1) return 0;
        int period = 2 * (n - 1);
        int k = Math.floorMod(i, period);
        return k < n ? k : period - k;
    }

    // ---- index ops (see CpuIndexOps) -------------------------------------------------------

    static Tensor gather(Tensor x, int axis, Tensor index) { return CpuIndexOps.gather(x, axis, index); }

    static void scatterAdd(Tensor dst, int axis, Tensor index, Tensor src) { CpuIndexOps.scatterAdd(dst, axis, index, src); }

    static Tensor indexSelect(Tensor x, int axis, Tensor index) { return CpuIndexOps.indexSelect(x, axis, index); }

    static void indexAdd(Tensor dst, int axis, Tensor index, Tensor src) { CpuIndexOps.indexAdd(dst, axis, index, src); }

    static Tensor oneHot(Tensor labels, int numClasses, int axis, DType dtype) {
        return CpuIndexOps.oneHot(labels, numClasses, axis, dtype);
    }
}
