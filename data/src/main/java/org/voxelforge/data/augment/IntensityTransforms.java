package org.voxelforge.data.augment;

/** Factories for the intensity transforms with nnU-Net's default ranges and probabilities. */
public final class IntensityTransforms {
    private IntensityTransforms() {}

    public static GaussianNoise noise() { return new GaussianNoise(0.1, 0, Math.sqrt(0.1)); }
    public static GaussianBlur blur() { return new GaussianBlur(0.2, 0.5, 1.0); }
    public static Brightness brightness() { return new Brightness(0.15, 0.75, 1.25); }
    public static Contrast contrast() { return new Contrast(0.15, 0.75, 1.25); }
    public static LowResolution lowResolution() { return new LowResolution(0.25, 0.5, 1.0); }
    public static Gamma gammaInverted() { return new Gamma(0.1, 0.7, 1.5, true, true); }
    public static Gamma gamma() { return new Gamma(0.3, 0.7, 1.5, false, true); }
}
