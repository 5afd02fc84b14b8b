package org.voxelforge.data.augment.device;

import org.voxelforge.core.Tensor;

/**
 * Mirroring and quarter turns of a volume whose last three axes are [X, Y, Z] (an image
 * [C, X, Y, Z] or a label map [X, Y, Z]): pure data movement, so the result equals the CPU's
 * Flip and Rot90 exactly.
 */
final class DeviceReorient {
    private DeviceReorient() {}

    /** Reverses the spatial axes listed (0..2 of [X, Y, Z]). */
    static Tensor flip(Tensor t, int[] spatialAxes) {
        int lead = t.rank() - 3;
        int[] axes = new int[spatialAxes.length];
        for (int i = 0; i < axes.length; i++) axes[i] = spatialAxes[i] + lead;
        return t.flip(axes);
    }

    /**
     * {@code k} quarter turns in the plane (a, b) as Rot90.rot90: one turn maps out[.., o_a, .., o_b, ..]
     * to in[.., s_a = o_b, .., s_b = n_b - 1 - o_a, ..], which is in flipped along b, then a and b
     * swapped.
     */
    static Tensor rot90(Tensor t, int a, int b, int k) {
        int lead = t.rank() - 3;
        Tensor cur = t.copy();
        for (int turn = 0; turn < Math.floorMod(k, 4); turn++) {
            try (Tensor prev = cur; Tensor flipped = prev.flip(b + lead); Tensor swapped = flipped.transpose(a + lead, b + lead)) {
                cur = swapped.contiguous();
            }
        }
        return cur;
    }
}
