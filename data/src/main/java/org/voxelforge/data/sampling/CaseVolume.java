package org.voxelforge.data.sampling;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Arrays;
import org.voxelforge.core.DType;
import org.voxelforge.core.Tensor;
import org.voxelforge.data.npy.Npy;

/**
 * One preprocessed case held on the heap: its image as {@code [C, X, Y, Z]} float32 (row-major,
 * channel first) and its label map as {@code [X, Y, Z]} uint8, as the preprocessing writes them
 * to {@code images/<id>.npy} and {@code labels/<id>.npy}.
 */
public record CaseVolume(String id, int channels, int[] dims, float[] image, byte[] label) {
    public CaseVolume {
        if (dims.length != 3) throw new IllegalArgumentException("case " + id + ": dims " + Arrays.toString(dims) + " are not [X, Y, Z]");
        long n = (long) dims[0] * dims[1] * dims[2];
        if (image.length != n * channels) {
            throw new IllegalArgumentException("case " + id + ": image has " + image.length + " values, expected C*X*Y*Z = "
                    + channels + "*" + Arrays.toString(dims));
        }
        if (label != null && label.length != n) {
            throw new IllegalArgumentException("case " + id + ": label has " + label.length + " values, expected X*Y*Z for "
                    + Arrays.toString(dims));
        }
    }

    public int voxels() { return dims[0] * dims[1] * dims[2]; }

    /** Reads {@code images/<id>.npy} and {@code labels/<id>.npy} from a preprocessed folder. */
    public static CaseVolume read(Path preprocessed, String id) throws IOException {
        try (Tensor img = Npy.read(preprocessed.resolve("images/" + id + ".npy"));
             Tensor lab = Npy.read(preprocessed.resolve("labels/" + id + ".npy"))) {
            return fromTensors(id, img, lab);
        }
    }

    /** Copies a float [C, X, Y, Z] image and an integer [X, Y, Z] label tensor (label may be null). */
    public static CaseVolume fromTensors(String id, Tensor image, Tensor label) {
        if (image.rank() != 4) {
            throw new IllegalArgumentException("case " + id + ": image is " + image.describe() + ", expected float32[C, X, Y, Z]");
        }
        int[] d = image.dims();
        int[] dims = {d[1], d[2], d[3]};
        if (label != null && !Arrays.equals(label.dims(), dims)) {
            throw new IllegalArgumentException("case " + id + ": label " + label.describe() + " does not match image "
                    + image.describe() + "; expected uint8" + Arrays.toString(dims));
        }
        float[] img;
        if (image.dtype() == DType.FLOAT32 && image.isContiguous()) {
            img = new float[(int) image.numel()];
            java.lang.foreign.MemorySegment.copy(image.segment(), ValueLayout.JAVA_FLOAT_UNALIGNED, image.offset() * 4, img, 0, img.length);
        } else {
            img = image.toFloatArray();
        }
        byte[] lab = null;
        if (label != null) {
            lab = new byte[(int) label.numel()];
            for (int i = 0; i < lab.length; i++) {
                double v = label.getFlat(i);
                if (v < 0 || v > 255 || v != Math.rint(v)) {
                    throw new IllegalArgumentException("case " + id + ": label value " + v + " at flat index " + i + " is not in uint8 range");
                }
                lab[i] = (byte) (int) v;
            }
        }
        return new CaseVolume(id, d[0], dims, img, lab);
    }
}
