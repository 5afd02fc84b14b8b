package org.voxelforge.train.pipeline;

import java.util.List;
import org.voxelforge.data.augment.ChannelDrop;
import org.voxelforge.data.augment.ChannelScaleShift;
import org.voxelforge.data.augment.Compose;
import org.voxelforge.data.augment.Flip;
import org.voxelforge.data.augment.IntensityTransforms;
import org.voxelforge.data.augment.Rot90;
import org.voxelforge.data.augment.SpatialTransform;
import org.voxelforge.data.augment.Transform;

/** The named augmentation pipelines a training run can use ({@code --augmentation}). */
public final class Augmentations {
    public static final List<String> NAMES = List.of("nnunet", "brats2020", "flips", "none");

    private Augmentations() {}

    /** The pipeline of that name, or null for "none". */
    public static Transform named(String name) {
        return switch (name) {
            case "nnunet" -> Compose.nnUNetDefaults();
            // open BraTS 2020: flips and axial rot90, per-channel intensity scale and shift, channel dropping,
            // plus nnU-Net's rotation/scaling and noise
            case "brats2020" -> new Compose(SpatialTransform.nnUNetDefaults(), new ChannelScaleShift(0.8, 0.1, 0.1), new ChannelDrop(0.1),
                    IntensityTransforms.noise(), new Flip(1.0, 0, 1, 2), new Rot90(0.5, 0, 1));
            case "flips" -> new Flip(1.0, 0, 1, 2);
            case "none" -> null;
            default -> throw new IllegalArgumentException("unknown augmentation '" + name + "'; expected one of " + NAMES);
        };
    }
}
