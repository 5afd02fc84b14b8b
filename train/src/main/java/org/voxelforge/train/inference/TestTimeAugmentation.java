package org.voxelforge.train.inference;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.voxelforge.core.Tensor;

/**
 * Test-time augmentation: each variant transforms a batch of windows [N, C, X, Y, Z] before the
 * model and maps the model's output [N, K, X, Y, Z] back; the prediction is the mean of the
 * back-mapped probabilities over the variants.
 *
 * <ul>
 *   <li>{@link #NONE}: the identity only.
 *   <li>{@link #FLIPS}: the 8 flip combinations of the spatial axes X, Y, Z (nnU-Net's mirroring
 *       over all three axes): {}, {X}, {Y}, {Z}, {X,Y}, {X,Z}, {Y,Z}, {X,Y,Z}.
 *   <li>{@link #BRATS16}: the 16 variants of the open BraTS 2020 set: the same 8 flips, each
 *       without and with a rotation by 90 degrees in the axial plane (the X-Y plane of an
 *       RAI-oriented volume, axes 2 and 3 of the batch). A rotated variant is
 *       {@code x -> flip_F(rot90(x))} and is undone as {@code y -> rot90^-1(flip_F(y))}, where
 *       rot90 is numpy's {@code np.rot90(x, k=1, axes=(2, 3))} (flip axis 3, then swap 2 and 3).
 *       A rotated window has X and Y exchanged, so the model must accept [.., Y, X, Z] (any fully
 *       convolutional network does when both sizes divide by its stride).
 * </ul>
 */
public enum TestTimeAugmentation {
    NONE, FLIPS, BRATS16;

    /** One variant: rotate (or not), then flip the given batch axes (2, 3, 4 = X, Y, Z). */
    public record Variant(boolean rot90, int[] flipAxes) {
        public Tensor forward(Tensor x) {
            Tensor r = rot90 ? rotate(x) : x;
            return flipAxes.length == 0 ? r : r.flip(flipAxes);
        }

        public Tensor inverse(Tensor y) {
            Tensor f = flipAxes.length == 0 ? y : y.flip(flipAxes);
            return rot90 ? unrotate(f) : f;
        }

        @Override public String toString() {
            List<String> names = new ArrayList<>();
            for (int a : flipAxes) names.add("XYZ".substring(a - 2, a - 1));
            return (rot90 ? "rot90+" : "") + "flip" + names;
        }
    }

    /** numpy's rot90(x, 1, axes=(2, 3)): flip axis 3, then swap axes 2 and 3. */
    static Tensor rotate(Tensor x) { return x.flip(3).transpose(2, 3).contiguous(); }

    /** numpy's rot90(x, -1, axes=(2, 3)): swap axes 2 and 3, then flip axis 3. */
    static Tensor unrotate(Tensor y) { return y.transpose(2, 3).flip(3); }

    /** The variants, identity first. */
    public List<Variant> variants() {
        int[][] flips = {{}, {2}, {3}, {4}, {2, 3}, {2, 4}, {3, 4}, {2, 3, 4}};
        List<Variant> out = new ArrayList<>();
        switch (this) {
            case NONE -> out.add(new Variant(false, new int[0]));
            case FLIPS -> { for (int[] f : flips) out.add(new Variant(false, f)); }
            case BRATS16 -> {
                for (int[] f : flips) out.add(new Variant(false, f));
                for (int[] f : flips) out.add(new Variant(true, f));
            }
        }
        return Collections.unmodifiableList(out);
    }

    public static TestTimeAugmentation parse(String s) {
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "none", "off" -> NONE;
            case "flips", "flip", "mirror", "8" -> FLIPS;
            case "brats16", "brats", "16" -> BRATS16;
            default -> throw new IllegalArgumentException("unknown test-time augmentation '" + s + "': expected none, flips or brats16");
        };
    }
}
