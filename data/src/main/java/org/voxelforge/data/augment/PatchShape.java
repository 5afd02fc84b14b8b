package org.voxelforge.data.augment;

import java.util.Arrays;
import org.voxelforge.data.sampling.Patch;

/** What a parameter draw may look at: the channel count and the spatial size [X, Y, Z] of a sample. */
public record PatchShape(int channels, int[] dims) {
    public PatchShape {
        if (channels < 1 || dims.length != 3 || dims[0] < 1 || dims[1] < 1 || dims[2] < 1) {
            throw new IllegalArgumentException("patch shape: " + channels + " channels x " + Arrays.toString(dims)
                    + "; expected >= 1 channel and three sizes >= 1 [X, Y, Z]");
        }
        dims = dims.clone();
    }

    public static PatchShape of(Patch p) { return new PatchShape(p.channels, p.dims); }

    public int voxels() { return dims[0] * dims[1] * dims[2]; }

    @Override public int[] dims() { return dims.clone(); }
}
