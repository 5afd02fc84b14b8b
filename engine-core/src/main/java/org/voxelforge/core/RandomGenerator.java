package org.voxelforge.core;

/**
 * A seeded, splittable, counter-based random generator (Philox4x32-10, Salmon et al. 2011, the
 * generator cuRAND and PyTorch's CUDA backend use).
 *
 * <p>Element {@code i} of a tensor filled at counter {@code c} is a pure function of
 * {@code (key, c + i)}: results do not depend on the number of threads or on the device, and a
 * CUDA kernel reproduces them exactly by evaluating the same function. The definition:
 * <ul>
 *   <li>{@code (w0, w1, w2, w3) = philox4x32_10(counter = (lo32(c+i), hi32(c+i), 0, 0), key = (lo32(key), hi32(key)))}</li>
 *   <li>UNIFORM(a, b): {@code u = (w0 >>> 8) * 2^-24} for 32-bit and narrower floats,
 *       {@code u = ((w0 << 21) | (w1 >>> 11)) * 2^-53} for float64; value {@code a + (b - a) * u}.</li>
 *   <li>NORMAL(mean, std): Box-Muller, {@code u1 = (w0 + 1) * 2^-32}, {@code u2 = w1 * 2^-32},
 *       {@code mean + std * sqrt(-2 ln u1) * cos(2 pi u2)} in double, then rounded to the dtype.</li>
 *   <li>BERNOULLI(p, -): 1 when {@code (w0 >>> 8) * 2^-24 < p}, else 0.</li>
 * </ul>
 * Each fill advances the generator's counter by the number of elements.
 */
public final class RandomGenerator {
    public enum Distribution { UNIFORM, NORMAL, BERNOULLI }

    private static final int M0 = 0xD2511F53, M1 = 0xCD9E8D57;
    private static final int W0 = 0x9E3779B9, W1 = 0xBB67AE85;

    private final long key;
    private long counter;
    private long splits;

    public RandomGenerator(long seed) { this(mix(seed), 0); }

    private RandomGenerator(long key, long counter) {
        this.key = key;
        this.counter = counter;
    }

    public long key() { return key; }

    public long counter() { return counter; }

    /** An independent generator: its key is derived from this key and a split count. */
    public RandomGenerator split() {
        splits++;
        return new RandomGenerator(mix(key ^ mix(splits * 0x9E3779B97F4A7C15L)), 0);
    }

    /** Reserves {@code n} counters and returns the first. */
    public long advance(long n) {
        long c = counter;
        counter += n;
        return c;
    }

    /** A tensor of the given dtype and dims filled from this generator. */
    public Tensor fill(Distribution dist, double a, double b, DType dtype, int... dims) {
        Tensor t = Tensor.zeros(dtype, dims);
        fill(t, dist, a, b);
        return t;
    }

    /** Fills a contiguous tensor in place. */
    public void fill(Tensor t, Distribution dist, double a, double b) {
        if (!t.isContiguous()) throw new IllegalArgumentException("random fill needs a contiguous tensor, got a strided " + t.describe());
        if (dist == Distribution.BERNOULLI && (a < 0 || a > 1)) {
            throw new IllegalArgumentException("bernoulli: probability must be in [0, 1], got " + a);
        }
        t.backend().fillRandom(t, dist, a, b, key, advance(t.numel()));
    }

    public Tensor uniform(double lo, double hi, int... dims) { return fill(Distribution.UNIFORM, lo, hi, DType.FLOAT32, dims); }

    public Tensor normal(double mean, double std, int... dims) { return fill(Distribution.NORMAL, mean, std, DType.FLOAT32, dims); }

    public Tensor bernoulli(double p, int... dims) { return fill(Distribution.BERNOULLI, p, 0, DType.FLOAT32, dims); }

    /** A uniform double in [0, 1) from the next counter (for samplers on the CPU). */
    public double nextDouble() {
        int[] w = philox(key, advance(1));
        return uniform53(w[0], w[1]);
    }

    /** A uniform int in [0, bound). */
    public int nextInt(int bound) {
        if (bound <= 0) throw new IllegalArgumentException("nextInt: bound must be positive, got " + bound);
        return (int) Math.floor(nextDouble() * bound);
    }

    public double nextGaussian() {
        int[] w = philox(key, advance(1));
        return boxMuller(w[0], w[1]);
    }

    // ---- the reference definition (a GPU kernel implements exactly this) ------------------

    /** Philox4x32 with 10 rounds on counter (lo32(c), hi32(c), 0, 0) and key (lo32(key), hi32(key)). */
    public static int[] philox(long key, long c) {
        return philox4x32_10(new int[] {(int) c, (int) (c >>> 32), 0, 0}, new int[] {(int) key, (int) (key >>> 32)});
    }

    /** Philox4x32-10 of Random123 on a 128-bit counter and a 64-bit key, as four and two 32-bit words. */
    public static int[] philox4x32_10(int[] counter4, int[] key2) {
        if (counter4.length != 4 || key2.length != 2) {
            throw new IllegalArgumentException("philox4x32_10: needs a counter of 4 words and a key of 2, got "
                    + counter4.length + " and " + key2.length);
        }
        int[] out = new int[4];
        philox4x32_10(counter4[0], counter4[1], counter4[2], counter4[3], key2[0], key2[1], out);
        return out;
    }

    /** The same function writing into {@code out}, for hot loops that must not allocate. */
    public static void philox4x32_10(int c0, int c1, int c2, int c3, int k0, int k1, int[] out) {
        for (int r = 0; r < 10; r++) {
            if (r > 0) { // the key is bumped between rounds, 9 times in all
                k0 += W0;
                k1 += W1;
            }
            long p0 = (M0 & 0xFFFFFFFFL) * (c0 & 0xFFFFFFFFL);
            long p1 = (M1 & 0xFFFFFFFFL) * (c2 & 0xFFFFFFFFL);
            int hi0 = (int) (p0 >>> 32), lo0 = (int) p0;
            int hi1 = (int) (p1 >>> 32), lo1 = (int) p1;
            int n0 = hi1 ^ c1 ^ k0;
            int n1 = lo1;
            int n2 = hi0 ^ c3 ^ k1;
            int n3 = lo0;
            c0 = n0; c1 = n1; c2 = n2; c3 = n3;
        }
        out[0] = c0; out[1] = c1; out[2] = c2; out[3] = c3;
    }

    public static double uniform24(int w0) { return (w0 >>> 8) * 0x1.0p-24; }

    public static double uniform53(int w0, int w1) {
        return ((((long) w0 & 0xFFFFFFFFL) << 21) | ((w1 & 0xFFFFFFFFL) >>> 11)) * 0x1.0p-53;
    }

    public static double boxMuller(int w0, int w1) {
        double u1 = ((w0 & 0xFFFFFFFFL) + 1) * 0x1.0p-32;
        double u2 = (w1 & 0xFFFFFFFFL) * 0x1.0p-32;
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
    }

    /** Value of element at counter {@code c} for {@code dist}, before rounding to the dtype. */
    public static double sample(Distribution dist, double a, double b, long key, long c, DType dtype) {
        return sample(dist, a, b, key, c, dtype, new int[4]);
    }

    /** {@link #sample} using {@code scratch} (4 ints) for the Philox output instead of allocating. */
    public static double sample(Distribution dist, double a, double b, long key, long c, DType dtype, int[] scratch) {
        philox4x32_10((int) c, (int) (c >>> 32), 0, 0, (int) key, (int) (key >>> 32), scratch);
        int w0 = scratch[0], w1 = scratch[1];
        return switch (dist) {
            case UNIFORM -> a + (b - a) * (dtype == DType.FLOAT64 ? uniform53(w0, w1) : uniform24(w0));
            case NORMAL -> a + b * boxMuller(w0, w1);
            case BERNOULLI -> uniform24(w0) < a ? 1.0 : 0.0;
        };
    }

    /** SplitMix64's finalizer: spreads a seed over all 64 bits. */
    static long mix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
