package org.voxelforge.data.augment.device;

import java.util.Arrays;
import org.voxelforge.core.DType;
import org.voxelforge.core.Tensor;

/**
 * One sample's tensors while the device augments it: image float32 [C, X, Y, Z], labels int32
 * [X, Y, Z] and, when the sample has an annotation mask, the mask int32 [X, Y, Z] (null without
 * one, as Patch.mask). The sample owns its tensors: each step replaces them and closes the old ones.
 */
public final class DeviceSample implements AutoCloseable {
    private Tensor image, labels, mask;

    /** Takes ownership of the three tensors (mask may be null). */
    public DeviceSample(Tensor image, Tensor labels, Tensor mask) {
        if (image.dtype() != DType.FLOAT32 || image.rank() != 4 || labels.dtype() != DType.INT32 || labels.rank() != 3
                || !Arrays.equals(Arrays.copyOfRange(image.dims(), 1, 4), labels.dims())
                || (mask != null && (mask.dtype() != DType.INT32 || !Arrays.equals(mask.dims(), labels.dims())))) {
            throw new IllegalArgumentException("device sample: image " + image.describe() + ", labels " + labels.describe() + ", mask "
                    + (mask == null ? "none" : mask.describe()) + "; expected float32 [C, X, Y, Z], int32 [X, Y, Z] and an int32 [X, Y, Z] mask or none");
        }
        this.image = image;
        this.labels = labels;
        this.mask = mask;
    }

    public Tensor image() { return image; }

    public Tensor labels() { return labels; }

    public Tensor mask() { return mask; }

    public int channels() { return image.dim(0); }

    /** [X, Y, Z]. */
    public int[] dims() { return labels.dims(); }

    void setImage(Tensor t) { image = swap(image, t); }

    void setLabels(Tensor t) { labels = swap(labels, t); }

    void setMask(Tensor t) { mask = swap(mask, t); }

    /** Replaces image, labels and mask (if any) by {@code f} of each: a spatial rearrangement of all three alike. */
    void mapVolumes(java.util.function.UnaryOperator<Tensor> f) {
        setImage(f.apply(image));
        setLabels(f.apply(labels));
        if (mask != null) setMask(f.apply(mask));
    }

    private static Tensor swap(Tensor old, Tensor now) {
        if (old != null && old != now) old.close();
        return now;
    }

    @Override public void close() {
        image.close();
        labels.close();
        if (mask != null) mask.close();
    }
}
