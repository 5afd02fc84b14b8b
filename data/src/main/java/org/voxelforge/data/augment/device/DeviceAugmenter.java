package org.voxelforge.data.augment.device;

import java.util.ArrayList;
import java.util.List;
import org.voxelforge.core.DType;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;
import org.voxelforge.data.augment.AugmentStep;
import org.voxelforge.data.augment.Brightness;
import org.voxelforge.data.augment.ChannelDrop;
import org.voxelforge.data.augment.ChannelScaleShift;
import org.voxelforge.data.augment.Contrast;
import org.voxelforge.data.augment.Flip;
import org.voxelforge.data.augment.Gamma;
import org.voxelforge.data.augment.GaussianBlur;
import org.voxelforge.data.augment.GaussianNoise;
import org.voxelforge.data.augment.LowResolution;
import org.voxelforge.data.augment.Rot90;
import org.voxelforge.data.augment.SpatialTransform;

/**
 * Executes drawn augmentation steps ({@link AugmentStep}, drawn on the CPU by a
 * DrawableTransform) on tensors already on a device, with Tensor ops and, for the spatial
 * transform, one resampling launch: the CPU never touches the voxels. Every step gives what its
 * CPU twin ({@link AugmentStep#apply}) gives to float tolerance, labels and masks exactly, except
 * Gaussian noise, whose values the device generates itself (see {@link DeviceNoise}), and the
 * elastic field, blurred in float (a label may then differ where a source point falls within
 * ~1e-5 voxel of a nearest-neighbour tie). Works on CPU tensors too (the resampling then runs
 * through its CPU twin), which is how the steps are tested without a device.
 */
public final class DeviceAugmenter {
    private DeviceAugmenter() {}

    /** Applies {@code steps} in order to the sample's tensors, replacing them. */
    public static void apply(List<AugmentStep> steps, DeviceSample s) {
        for (AugmentStep step : steps) {
            try (TensorScope scope = new TensorScope()) {
                apply(step, s);
                scope.retain(s.image());
                scope.retain(s.labels());
                if (s.mask() != null) scope.retain(s.mask());
            }
        }
    }

    static void apply(AugmentStep step, DeviceSample s) {
        switch (step) {
            case SpatialTransform.Step t -> DeviceSpatial.apply(s, t);
            case Flip.Step t -> s.mapVolumes(v -> DeviceReorient.flip(v, t.axes()));
            case Rot90.Step t -> s.mapVolumes(v -> DeviceReorient.rot90(v, t.axisA(), t.axisB(), t.k()));
            case GaussianNoise.Step t -> s.setImage(DeviceNoise.add(s.image(), t));
            case GaussianBlur.Step t -> s.setImage(blurChannels(s.image(), t.sigmas()));
            case Brightness.Step t -> s.setImage(DeviceIntensity.brightness(s.image(), t));
            case Contrast.Step t -> s.setImage(DeviceIntensity.contrast(s.image(), t));
            case Gamma.Step t -> s.setImage(DeviceIntensity.gamma(s.image(), t));
            case ChannelScaleShift.Step t -> s.setImage(DeviceIntensity.scaleShift(s.image(), t));
            case ChannelDrop.Step t -> s.setImage(DeviceIntensity.channelDrop(s.image(), t));
            case LowResolution.Step t -> s.setImage(DeviceZoom.lowResolution(s.image(), t.small()));
        }
    }

    /** Channel c blurred with sigmas[c] (reflect border), as GaussianBlur.Step. */
    private static Tensor blurChannels(Tensor img, double[] sigmas) {
        List<Tensor> out = new ArrayList<>(sigmas.length);
        for (int c = 0; c < sigmas.length; c++) {
            try (Tensor ch = img.select(0, c)) {
                out.add(DeviceBlur.blur(ch, sigmas[c], true));
            }
        }
        return Tensor.stack(out, 0);
    }

    /**
     * Augments a batch on its device, sample by sample: images float32 [B, C, X, Y, Z], labels
     * integer [B, X, Y, Z], masks integer [B, X, Y, Z] or null; {@code steps.get(k)} and
     * {@code hasMask[k]} belong to sample k. A sample without a mask of its own (its rows of
     * {@code masks} are the loader's "all annotated") keeps them, as the CPU path, which
     * augments no mask there. Returns new {images, labels, masks} of the input dtypes; the inputs
     * stay open.
     */
    public static Tensor[] augmentBatch(Tensor images, Tensor labels, Tensor masks, List<List<AugmentStep>> steps, boolean[] hasMask) {
        int b = images.dim(0);
        if (steps.size() != b || hasMask.length != b || labels.dim(0) != b || (masks != null && masks.dim(0) != b)) {
            throw new IllegalArgumentException("device augmentation: images " + images.describe() + ", labels " + labels.describe()
                    + ", masks " + (masks == null ? "none" : masks.describe()) + " with " + steps.size() + " step lists and "
                    + hasMask.length + " mask flags; expected one of each per sample");
        }
        try (TensorScope scope = new TensorScope()) {
            List<Tensor> imgs = new ArrayList<>(b), labs = new ArrayList<>(b), msks = new ArrayList<>(b);
            for (int k = 0; k < b; k++) {
                boolean own = masks != null && hasMask[k];
                DeviceSample s = new DeviceSample(images.select(0, k).contiguous(), labels.select(0, k).cast(DType.INT32),
                        own ? masks.select(0, k).cast(DType.INT32) : null);
                apply(steps.get(k), s);
                imgs.add(s.image());
                labs.add(s.labels());
                if (masks != null) msks.add(own ? s.mask() : masks.select(0, k).cast(DType.INT32));
            }
            Tensor x = scope.retain(Tensor.stack(imgs, 0));
            Tensor y = scope.retain(castStack(labs, labels.dtype()));
            Tensor m = masks == null ? null : scope.retain(castStack(msks, masks.dtype()));
            return new Tensor[] {x, y, m};
        }
    }

    private static Tensor castStack(List<Tensor> parts, DType dtype) {
        try (Tensor stacked = Tensor.stack(parts, 0)) {
            return stacked.cast(dtype);
        }
    }
}
