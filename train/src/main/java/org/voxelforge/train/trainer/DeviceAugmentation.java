package org.voxelforge.train.trainer;

import java.util.ArrayList;
import java.util.List;
import org.voxelforge.core.Tensor;
import org.voxelforge.data.augment.AugmentStep;
import org.voxelforge.data.augment.DrawableTransform;
import org.voxelforge.data.augment.PatchShape;
import org.voxelforge.data.augment.SampleSeeds;
import org.voxelforge.data.augment.Transform;
import org.voxelforge.data.augment.device.DeviceAugmenter;

/**
 * {@code --augment-on device}: the loader only crops; here, for sample {@code s = step *
 * batchSize + j} of the batch, the pipeline's parameters are drawn on the CPU from
 * {@link SampleSeeds#augmentationGenerator}{@code (seed, epoch, s)}, the generator the loader
 * would have augmented that sample with, and {@link DeviceAugmenter} executes them on the batch
 * where it lies. So the device sees the loader path's augmentation (noise aside: same
 * distribution, made on the device).
 */
public final class DeviceAugmentation implements BatchAugmentation {
    /** Whether sample {@code s} of {@code epoch} carries an annotation mask of its own. */
    @FunctionalInterface
    public interface MaskOwnership {
        boolean hasMask(int epoch, long sample);
    }

    private final Transform pipeline;
    private final long seed;
    private final int batchSize;
    private final MaskOwnership masks;

    /** @param pipeline a drawable transform (every named pipeline is one) */
    public DeviceAugmentation(Transform pipeline, long seed, int batchSize, MaskOwnership masks) {
        if (!(pipeline instanceof DrawableTransform)) {
            throw new IllegalArgumentException("--augment-on device: augmentation " + pipeline.getClass().getName()
                    + " cannot be drawn ahead; use --augment-on loader");
        }
        if (batchSize < 1) throw new IllegalArgumentException("device augmentation: batch size " + batchSize + " must be >= 1");
        this.pipeline = pipeline;
        this.seed = seed;
        this.batchSize = batchSize;
        this.masks = masks;
    }

    @Override public Tensor[] augment(int epoch, int step, Tensor images, Tensor labels, Tensor maskOrNull) {
        int b = images.dim(0);
        if (b != batchSize) {
            throw new IllegalArgumentException("device augmentation: batch " + images.describe() + " of " + b + " samples; expected " + batchSize);
        }
        PatchShape shape = new PatchShape(images.dim(1), new int[] {images.dim(2), images.dim(3), images.dim(4)});
        List<List<AugmentStep>> steps = new ArrayList<>(b);
        boolean[] own = new boolean[b];
        for (int j = 0; j < b; j++) {
            long s = (long) step * batchSize + j;
            steps.add(DrawableTransform.draw(pipeline, shape, SampleSeeds.augmentationGenerator(seed, epoch, s)));
            own[j] = maskOrNull != null && masks.hasMask(epoch, s);
        }
        return DeviceAugmenter.augmentBatch(images, labels, maskOrNull, steps, own);
    }
}
