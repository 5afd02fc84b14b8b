package org.voxelforge.data.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.voxelforge.data.sampling.Patch;

/**
 * Pins the CPU augmentation's seeded output: the fingerprints below were computed before the
 * parameter draw was split from the execution (so that a device can execute the same draws), and
 * must not change with that or any later refactoring. Every transform fires (probability 1, elastic
 * on) in {@link #everyTransform}, so each one's draw order and arithmetic is covered; nnU-Net's
 * default pipeline is pinned as it ships.
 */
class CpuAugmentFingerprintTest {

    static Patch patch(long seed, int channels, int[] d, boolean withMask) { return TestPatches.random(seed, channels, d, withMask); }

    static Compose everyTransform() {
        double a = Math.toRadians(30);
        return new Compose(new SpatialTransform(1, 20, 60, 3, 4, 1, new double[] {a, a, a}, 1, 0.7, 1.4),
                new GaussianNoise(1, 0, 0.3), new GaussianBlur(1, 0.5, 1.0), new Brightness(1, 0.75, 1.25),
                new Contrast(1, 0.75, 1.25), new LowResolution(1, 0.5, 1.0), new Gamma(1, 0.7, 1.5, true, true),
                new Gamma(1, 0.7, 1.5, false, true), new Flip(1, 0, 1, 2), new Rot90(1, 0, 1), new ChannelScaleShift(1, 0.1, 0.1),
                new ChannelDrop(1));
    }

    /** FNV-1a over the dims, the image's float bits, the labels and the mask. */
    static long fingerprint(Patch p) {
        long h = 0xcbf29ce484222325L;
        for (int d : p.dims) h = (h ^ d) * 0x100000001b3L;
        for (float v : p.image) h = (h ^ Float.floatToRawIntBits(v)) * 0x100000001b3L;
        for (byte b : p.label) h = (h ^ b) * 0x100000001b3L;
        if (p.mask != null) for (byte b : p.mask) h = (h ^ (b + 7)) * 0x100000001b3L;
        return h;
    }

    static long run(Transform t, int[] d, boolean withMask) {
        long h = 0;
        for (long s = 0; s < 6; s++) {
            Patch p = patch(100 + s, 2, d, withMask);
            ((Compose) t).apply(p, 7, 3, s);
            h = h * 31 + fingerprint(p);
        }
        return h;
    }

    @Test void everyTransformFiringKeepsItsSeededOutput() {
        assertEquals(259307315722207846L, run(everyTransform(), new int[] {10, 10, 7}, true), "square plane, with mask");
        assertEquals(8498535926104301966L, run(everyTransform(), new int[] {11, 9, 8}, false), "non-square plane, no mask");
    }

    @Test void nnUNetDefaultsKeepTheirSeededOutput() {
        assertEquals(3822568189819013090L, run(Compose.nnUNetDefaults(), new int[] {12, 10, 9}, true));
    }
}
