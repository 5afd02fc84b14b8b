package org.voxelforge.data.augment;

import java.util.Random;
import org.voxelforge.data.sampling.Patch;

/** Random patches for the augmentation tests: Gaussian images (mean 0.5, std 2), labels 0..3, an 80%-annotated mask if asked. */
public final class TestPatches {
    private TestPatches() {}

    public static Patch random(long seed, int channels, int[] d, boolean withMask) {
        Random rnd = new Random(seed);
        int n = d[0] * d[1] * d[2];
        float[] img = new float[channels * n];
        for (int i = 0; i < img.length; i++) img[i] = (float) (rnd.nextGaussian() * 2 + 0.5);
        byte[] lab = new byte[n], msk = withMask ? new byte[n] : null;
        for (int i = 0; i < n; i++) {
            lab[i] = (byte) rnd.nextInt(4);
            if (msk != null) msk[i] = (byte) (rnd.nextDouble() < 0.8 ? 1 : 0);
        }
        return new Patch("case", channels, d, img, lab, msk);
    }
}
