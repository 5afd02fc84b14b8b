package org.voxelforge.data.sampling;

import java.util.Arrays;

/**
 * One training sample: a patch of image {@code [C, X, Y, Z]}, its label map {@code [X, Y, Z]}
 * and, for sparse annotation, its annotation mask {@code [X, Y, Z]} (1 = annotated, 0 = the loss
 * ignores the voxel; null when every voxel is annotated). Arrays are row-major and mutable:
 * augmentations work on them in place or replace them.
 */
public final class Patch {
    public final String caseId;
    public final int channels;
    public final int[] dims;
    public float[] image;
    public byte[] label;
    public byte[] mask;

    public Patch(String caseId, int channels, int[] dims, float[] image, byte[] label, byte[] mask) {
        int n = dims[0] * dims[1] * dims[2];
        if (image.length != n * channels || label.length != n || (mask != null && mask.length != n)) {
            throw new IllegalArgumentException("patch of case " + caseId + ": image " + image.length + ", label " + label.length
                    + ", mask " + (mask == null ? "none" : mask.length) + " values do not fit C=" + channels + " x "
                    + Arrays.toString(dims));
        }
        this.caseId = caseId;
        this.channels = channels;
        this.dims = dims.clone();
        this.image = image;
        this.label = label;
        this.mask = mask;
    }

    public int voxels() { return dims[0] * dims[1] * dims[2]; }

    /**
     * A random patch for checks (the augmentation tests and selftest): Gaussian images (mean 0.5,
     * std 2), labels 0..3, and when asked an 80%-annotated mask, all from {@code new Random(seed)}.
     */
    public static Patch random(String caseId, long seed, int channels, int[] dims, boolean withMask) {
        java.util.Random rnd = new java.util.Random(seed);
        int n = dims[0] * dims[1] * dims[2];
        float[] img = new float[channels * n];
        for (int i = 0; i < img.length; i++) img[i] = (float) (rnd.nextGaussian() * 2 + 0.5);
        byte[] lab = new byte[n], msk = withMask ? new byte[n] : null;
        for (int i = 0; i < n; i++) {
            lab[i] = (byte) rnd.nextInt(4);
            if (msk != null) msk[i] = (byte) (rnd.nextDouble() < 0.8 ? 1 : 0);
        }
        return new Patch(caseId, channels, dims, img, lab, msk);
    }

    public Patch copy() {
        return new Patch(caseId, channels, dims, image.clone(), label.clone(), mask == null ? null : mask.clone());
    }
}
