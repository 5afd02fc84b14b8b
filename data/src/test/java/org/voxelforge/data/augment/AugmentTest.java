package org.voxelforge.data.augment;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.data.sampling.Patch;

class AugmentTest {
    /** 2 channels of random values, a random label map with classes 0..3, a random mask. */
    static Patch randomPatch(int[] d, long seed) {
        RandomGenerator g = new RandomGenerator(seed);
        int n = d[0] * d[1] * d[2];
        float[] img = new float[2 * n];
        byte[] lab = new byte[n], msk = new byte[n];
        for (int i = 0; i < 2 * n; i++) img[i] = (float) g.nextGaussian();
        for (int i = 0; i < n; i++) { lab[i] = (byte) g.nextInt(4); msk[i] = (byte) g.nextInt(2); }
        return new Patch("p", 2, d, img, lab, msk);
    }

    /** One channel holding value(x, y, z), label = x mod 3. */
    static Patch functionPatch(int[] d, java.util.function.IntBinaryOperator unused, Coord f) {
        int n = d[0] * d[1] * d[2];
        float[] img = new float[n];
        byte[] lab = new byte[n];
        int i = 0;
        for (int x = 0; x < d[0]; x++) for (int y = 0; y < d[1]; y++) for (int z = 0; z < d[2]; z++, i++) {
            img[i] = f.at(x, y, z);
            lab[i] = (byte) (x % 3);
        }
        return new Patch("f", 1, d, img, lab, null);
    }

    interface Coord { float at(int x, int y, int z); }

    static final int[] D = {6, 7, 8};

    static List<RandomTransform> allRandomTransforms() {
        return List.of(new Flip(0, 0, 1, 2), new Rot90(0, 0, 1), new Gamma(0, 0.7, 1.5, true, true), new Gamma(0, 0.7, 1.5, false, false),
                new GaussianNoise(0, 0.1, 0.2), new GaussianBlur(0, 0.5, 1), new Brightness(0, 0.75, 1.25), new Contrast(0, 0.75, 1.25),
                new LowResolution(0, 0.5, 1), new ChannelScaleShift(0, 0.1, 0.1), new ChannelDrop(0));
    }

    static void assertSamePatch(Patch a, Patch b) {
        assertArrayEquals(a.dims, b.dims);
        assertArrayEquals(a.image, b.image);
        assertArrayEquals(a.label, b.label);
        assertArrayEquals(a.mask, b.mask);
    }

    @Test
    void everyTransformIsIdentityAtProbabilityZero() {
        for (RandomTransform t : allRandomTransforms()) {
            Patch p = randomPatch(D, 1), q = p.copy();
            RandomGenerator rng = new RandomGenerator(7);
            for (int k = 0; k < 20; k++) t.apply(p, rng);
            assertSamePatch(q, p);
        }
        Patch p = randomPatch(D, 1), q = p.copy();
        new SpatialTransform(0, 100, 200, 3, 4, 0, new double[] {1, 1, 1}, 0, 0.5, 2).apply(p, new RandomGenerator(3));
        assertSamePatch(q, p);
    }

    @Test
    void everyTransformChangesTheImageAtProbabilityOne() {
        List<RandomTransform> all = List.of(new Rot90(1, 1, 2), new Gamma(1, 1.3, 1.5, true, false), new GaussianNoise(1, 0.1, 0.2),
                new GaussianBlur(1, 0.5, 1), new Brightness(1, 1.1, 1.25), new Contrast(1, 1.1, 1.25), new LowResolution(1, 0.5, 0.6),
                new ChannelScaleShift(1, 0.1, 0.1), new ChannelDrop(1));
        for (RandomTransform t : all) {
            Patch p = randomPatch(new int[] {6, 8, 8}, 2), q = p.copy();
            t.apply(p, new RandomGenerator(11));
            assertFalse(java.util.Arrays.equals(p.image, q.image), t.getClass().getSimpleName() + " left the image unchanged");
        }
    }

    @Test
    void flipOfAGradientImage() {
        for (int axis = 0; axis < 3; axis++) {
            final int ax = axis;
            Patch p = functionPatch(D, null, (x, y, z) -> ax == 0 ? x : ax == 1 ? y : z);
            Flip.flip(p, axis);
            int i = 0;
            for (int x = 0; x < D[0]; x++) for (int y = 0; y < D[1]; y++) for (int z = 0; z < D[2]; z++, i++) {
                int c = axis == 0 ? x : axis == 1 ? y : z;
                assertEquals(D[axis] - 1 - c, p.image[i]);
                assertEquals(axis == 0 ? (D[0] - 1 - x) % 3 : x % 3, p.label[i]);
            }
        }
    }

    @Test
    void randomFlipKeepsImageAndLabelAligned() {
        Patch p = functionPatch(D, null, (x, y, z) -> x % 3), q = p.copy();
        new Flip(1, 0, 1, 2).apply(p, new RandomGenerator(5));
        for (int i = 0; i < p.label.length; i++) assertEquals(p.label[i], p.image[i]);
        assertEquals(sum(q.image), sum(p.image), 1e-6);
    }

    @Test
    void rot90MatchesNumpyAndFourTurnsAreIdentity() {
        int[] d = {5, 5, 3};
        Patch p = functionPatch(d, null, (x, y, z) -> 100 * x + 10 * y + z);
        Patch orig = p.copy();
        Rot90.rot90(p, 0, 1, 1);
        int i = 0;
        for (int x = 0; x < 5; x++) for (int y = 0; y < 5; y++) for (int z = 0; z < 3; z++, i++) {
            // np.rot90(m, 1, axes=(0, 1))[x, y, z] == m[y, 4 - x, z]
            assertEquals(100 * y + 10 * (4 - x) + z, p.image[i]);
            assertEquals(y % 3, p.label[i]);
        }
        Rot90.rot90(p, 0, 1, 3);
        assertSamePatch(orig, p);
        for (int[] plane : new int[][] {{0, 2}, {1, 2}}) {
            Patch r = randomPatch(new int[] {4, 4, 4}, 3), r0 = r.copy();
            for (int k = 0; k < 4; k++) Rot90.rot90(r, plane[0], plane[1], 1);
            assertSamePatch(r0, r);
        }
    }

    @Test
    void zoomOneAndIdentityRotationAreExactIdentity() {
        Patch p = randomPatch(D, 4), q = p.copy();
        new SpatialTransform(0, 0, 0, 1, 1, 1, new double[] {0, 0, 0}, 1, 1, 1).apply(p, new RandomGenerator(2));
        assertSamePatch(q, p);
    }

    @Test
    void elasticWithAlphaZeroIsIdentity() {
        Patch p = randomPatch(D, 5), q = p.copy();
        new SpatialTransform(1, 0, 0, 2, 3, 0, new double[] {0, 0, 0}, 0, 1, 1).apply(p, new RandomGenerator(2));
        assertSamePatch(q, p);
    }

    @Test
    void scalingZoomsAboutTheCentre() {
        // a linear ramp along x is reproduced by trilinear interpolation: scale s maps value x to ctr + s (x - ctr)
        int[] d = {9, 3, 3};
        Patch p = functionPatch(d, null, (x, y, z) -> x + 1);
        SpatialTransform.resample(p, null, new double[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}, 0.5);
        int i = 0;
        for (int x = 0; x < 9; x++) for (int y = 0; y < 3; y++) for (int z = 0; z < 3; z++, i++) {
            double expected = 4 + 0.5 * (x - 4) + 1;
            // y and z map to 1 + 0.5 (y - 1): inside the volume, weights sum to 1
            assertEquals(expected, p.image[i], 1e-5);
        }
    }

    @Test
    void spatialTransformKeepsLabelAndOneHotImageAligned() {
        int[] d = {24, 24, 24};
        int n = d[0] * d[1] * d[2], classes = 3;
        byte[] lab = new byte[n];
        float[] onehot = new float[classes * n];
        int i = 0;
        for (int x = 0; x < d[0]; x++) for (int y = 0; y < d[1]; y++) for (int z = 0; z < d[2]; z++, i++) {
            double r1 = Math.hypot(Math.hypot(x - 8, y - 12), z - 12), r2 = Math.hypot(Math.hypot(x - 17, y - 10), z - 14);
            int c = r1 < 6 ? 1 : r2 < 5 ? 2 : 0;
            lab[i] = (byte) c;
            onehot[c * n + i] = 1;
        }
        SpatialTransform t = new SpatialTransform(1, 20, 40, 4, 5, 1, new double[] {0.4, 0.4, 0.4}, 1, 0.8, 1.2);
        for (long seed = 0; seed < 3; seed++) {
            Patch p = new Patch("s", classes, d, onehot.clone(), lab.clone(), null);
            t.apply(p, new RandomGenerator(seed));
            int agree = 0, foreground = 0, changed = 0;
            for (int v = 0; v < n; v++) {
                int best = 0;
                for (int c = 1; c < classes; c++) if (p.image[c * n + v] > p.image[best * n + v]) best = c;
                if (p.image[best * n + v] < 0.5) best = 0; // outside the volume every channel reads 0
                if (best == p.label[v]) agree++;
                if (p.label[v] != 0) foreground++;
                if (p.label[v] != lab[v]) changed++;
            }
            assertTrue(foreground > 500, "foreground survived the transform");
            assertTrue(changed > 200, "the transform moved the labels");
            assertTrue(agree >= 0.985 * n, "seed " + seed + ": only " + agree + " of " + n + " voxels agree");
        }
    }

    @Test
    void gammaOneIsIdentityAndGammaBendsTheRange() {
        Patch p = randomPatch(D, 6), q = p.copy();
        int n = p.voxels();
        Gamma.apply(p.image, 0, n, 1.0, false, true);
        Gamma.apply(p.image, n, n, 1.0, true, false);
        for (int i = 0; i < p.image.length; i++) assertEquals(q.image[i], p.image[i], 2e-5);
        float[] ramp = {0, 0.25f, 0.5f, 1};
        Gamma.apply(ramp, 0, 4, 2.0, false, false);
        assertArrayEquals(new float[] {0, 0.0625f, 0.25f, 1}, ramp, 1e-6f);
        float[] inv = {0, 0.25f, 0.5f, 1};
        Gamma.apply(inv, 0, 4, 2.0, true, false); // on -x in [-1, 0]: 1 - (1 - x)^2
        assertArrayEquals(new float[] {0, 0.4375f, 0.75f, 1}, inv, 1e-6f);
    }

    @Test
    void noiseHasTheRequestedStd() {
        int[] d = {32, 32, 32};
        int n = d[0] * d[1] * d[2];
        Patch p = new Patch("n", 1, d, new float[n], new byte[n], null);
        new GaussianNoise(1, 0.3, 0.3).apply(p, new RandomGenerator(8));
        double[] s = VolumeOps.stats(p.image, 0, n);
        assertEquals(0.0, s[2], 0.01);
        assertEquals(0.3, s[3], 0.005);
    }

    @Test
    void separableBlurEqualsNaive3dConvolution() {
        int[] d = {5, 6, 7};
        Patch p = randomPatch(d, 9);
        float[] v = java.util.Arrays.copyOf(p.image, p.voxels());
        double sigma = 0.8;
        double[] k = VolumeOps.gaussianKernel(sigma);
        int r = k.length / 2;
        for (boolean reflect : new boolean[] {true, false}) {
            float[] fast = v.clone();
            VolumeOps.gaussianBlur(fast, 0, d, sigma, reflect);
            int i = 0;
            for (int x = 0; x < d[0]; x++) for (int y = 0; y < d[1]; y++) for (int z = 0; z < d[2]; z++, i++) {
                double acc = 0;
                for (int a = -r; a <= r; a++) for (int b = -r; b <= r; b++) for (int c = -r; c <= r; c++) {
                    int xs = x + a, ys = y + b, zs = z + c;
                    boolean out = xs < 0 || xs >= d[0] || ys < 0 || ys >= d[1] || zs < 0 || zs >= d[2];
                    if (out && !reflect) continue;
                    xs = VolumeOps.reflectIndex(xs, d[0]); ys = VolumeOps.reflectIndex(ys, d[1]); zs = VolumeOps.reflectIndex(zs, d[2]);
                    acc += k[a + r] * k[b + r] * k[c + r] * v[(xs * d[1] + ys) * d[2] + zs];
                }
                assertEquals(acc, fast[i], 1e-5);
            }
        }
        float[] constant = new float[5 * 6 * 7];
        java.util.Arrays.fill(constant, 3f);
        VolumeOps.gaussianBlur(constant, 0, d, 1.5, true);
        for (float c : constant) assertEquals(3f, c, 1e-5f);
    }

    @Test
    void brightnessContrastAndChannelTransformsHaveTheirEffect() {
        Patch p = randomPatch(D, 10), q = p.copy();
        int n = p.voxels();
        new Brightness(1, 1.2, 1.2).apply(p, new RandomGenerator(1));
        for (int i = 0; i < p.image.length; i++) assertEquals(q.image[i] * 1.2f, p.image[i], 1e-6);

        Patch c = randomPatch(D, 11);
        double[] before = VolumeOps.stats(c.image, 0, n);
        Contrast.apply(c.image, 0, n, 0.5);
        double[] after = VolumeOps.stats(c.image, 0, n);
        assertEquals(before[2], after[2], 1e-5);           // mean kept
        assertEquals(before[3] * 0.5, after[3], 1e-5);     // std halved (no clipping when shrinking)
        assertTrue(after[0] >= before[0] && after[1] <= before[1]);

        Patch s = randomPatch(D, 12), s0 = s.copy();
        new ChannelScaleShift(1, 0.1, 0.1).apply(s, new RandomGenerator(2));
        for (int ch = 0; ch < 2; ch++) { // affine per channel: fit from two voxels, check all
            int o = ch * n;
            double f = (s.image[o + 1] - s.image[o]) / (double) (s0.image[o + 1] - s0.image[o]);
            double b = s.image[o] - f * s0.image[o];
            assertTrue(f >= 0.9 - 1e-4 && f <= 1.1 + 1e-4 && Math.abs(b) <= 0.1 + 1e-4);
            for (int i = 0; i < n; i++) assertEquals(f * s0.image[o + i] + b, s.image[o + i], 1e-4);
        }

        Patch dr = randomPatch(D, 13);
        new ChannelDrop(1).apply(dr, new RandomGenerator(3));
        int zeroChannels = 0;
        for (int ch = 0; ch < 2; ch++) {
            boolean allZero = true;
            for (int i = 0; i < n; i++) allZero &= dr.image[ch * n + i] == 0;
            if (allZero) zeroChannels++;
        }
        assertEquals(1, zeroChannels);
    }

    @Test
    void lowResolutionKeepsShapeAndSmoothLinearRamps() {
        int[] d = {8, 8, 8};
        Patch p = functionPatch(d, null, (x, y, z) -> 5f);
        LowResolution.apply(p, new int[] {4, 4, 4});
        for (float v : p.image) assertEquals(5f, v, 1e-5f);
        Patch r = randomPatch(d, 14), r0 = r.copy();
        LowResolution.apply(r, new int[] {8, 8, 8}); // no reduction: identity
        assertArrayEquals(r0.image, r.image, 1e-6f);
        LowResolution.apply(r, new int[] {3, 3, 3});
        assertTrue(VolumeOps.stats(r.image, 0, 512)[3] < VolumeOps.stats(r0.image, 0, 512)[3], "detail was lost");
    }

    @Test
    void composeIsAFunctionOfSeedEpochAndIndex() {
        Compose c = Compose.nnUNetDefaults();
        int[] d = {16, 16, 16};
        Patch a = randomPatch(d, 15), b = a.copy(), other = a.copy();
        c.apply(a, 42, 3, 17);
        c.apply(b, 42, 3, 17);
        assertSamePatch(a, b);
        int differ = 0;
        for (int idx = 0; idx < 6; idx++) {
            Patch o = other.copy();
            c.apply(o, 42, 3, 100 + idx);
            if (!java.util.Arrays.equals(o.image, a.image)) differ++;
        }
        assertTrue(differ >= 5);
    }

    @Test
    void badParametersNameTheTransform() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Brightness(1.5, 1, 1));
        assertTrue(e.getMessage().contains("Brightness"));
        var e2 = assertThrows(IllegalArgumentException.class, () -> new Rot90(1, 1, 1));
        assertTrue(e2.getMessage().contains("rot90"));
        var e3 = assertThrows(IllegalArgumentException.class, () -> new Gamma(1, 1.5, 0.7, false, false));
        assertTrue(e3.getMessage().contains("gamma"));
    }

    static double sum(float[] v) { double s = 0; for (float f : v) s += f; return s; }
}
