package org.voxelforge.core;

import java.util.Arrays;

/**
 * An immutable list of dimension sizes. A rank-0 shape is a scalar with one element.
 * Sizes are ints (a single axis never exceeds 2^31 in this field); element counts are longs.
 */
public final class Shape {
    private final int[] dims;

    private Shape(int[] dims) { this.dims = dims; }

    public static Shape of(int... dims) {
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] < 0) {
                throw new IllegalArgumentException("shape " + Arrays.toString(dims)
                        + " has a negative size at axis " + i + ": sizes must be >= 0");
            }
        }
        return new Shape(dims.clone());
    }

    public static Shape scalar() { return new Shape(new int[0]); }

    public int rank() { return dims.length; }

    public int dim(int axis) { return dims[normalizeAxis(axis, dims.length, "dim")]; }

    public int[] dims() { return dims.clone(); }

    public long numel() {
        long n = 1;
        for (int d : dims) n *= d;
        return n;
    }

    /** Row-major strides, in elements. */
    public long[] contiguousStrides() {
        long[] s = new long[dims.length];
        long acc = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= Math.max(dims[i], 1);
        }
        return s;
    }

    /** NumPy broadcasting of two shapes; {@code op} names the operation in the error. */
    public static Shape broadcast(String op, Shape a, Shape b) {
        int r = Math.max(a.rank(), b.rank());
        int[] out = new int[r];
        for (int i = 0; i < r; i++) {
            int da = i < r - a.rank() ? 1 : a.dims[i - (r - a.rank())];
            int db = i < r - b.rank() ? 1 : b.dims[i - (r - b.rank())];
            if (da != db && da != 1 && db != 1) {
                throw new ShapeMismatchException(op + ": shapes " + a + " and " + b
                        + " do not broadcast (axis " + (i - r) + ": " + da + " vs " + db
                        + "); each axis, aligned from the right, must be equal or 1");
            }
            out[i] = da == 1 ? db : da;
        }
        return new Shape(out);
    }

    /** Turns a possibly negative axis into 0..rank-1, or fails naming the op. */
    public static int normalizeAxis(int axis, int rank, String op) {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw new IllegalArgumentException(op + ": axis " + axis + " is out of range for rank "
                    + rank + "; expected -" + rank + " <= axis < " + rank);
        }
        return a;
    }

    public Shape withDim(int axis, int size) {
        int[] d = dims.clone();
        d[normalizeAxis(axis, d.length, "withDim")] = size;
        return new Shape(d);
    }

    @Override public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override public int hashCode() { return Arrays.hashCode(dims); }

    @Override public String toString() { return Arrays.toString(dims); }
}
