package org.voxelforge.train.trainer;

import java.util.ArrayList;
import java.util.List;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;

/**
 * Uniform random crops from volumes held in memory, no augmentation: the simplest
 * {@link BatchSource}, for tests and tiny runs. Each batch comes from a generator seeded by
 * {@code (seed, epoch, step)} alone, so it does not depend on which batches were drawn before.
 */
public final class InMemoryBatchSource implements BatchSource {
    private final List<LabeledVolume> volumes;
    private final int[] patch;
    private final int batchSize;
    private final long seed;

    public InMemoryBatchSource(List<LabeledVolume> volumes, int[] patchSize, int batchSize, long seed) {
        if (volumes.isEmpty()) throw new IllegalArgumentException("InMemoryBatchSource: needs at least one volume");
        if (patchSize.length != 3 || batchSize < 1) {
            throw new IllegalArgumentException("InMemoryBatchSource: patch size " + java.util.Arrays.toString(patchSize)
                    + " must have 3 values and batch size " + batchSize + " must be >= 1");
        }
        for (LabeledVolume v : volumes) {
            for (int a = 0; a < 3; a++) {
                if (v.labels().dim(a) < patchSize[a]) {
                    throw new IllegalArgumentException("InMemoryBatchSource: volume " + v.id() + " " + v.labels().describe()
                            + " is smaller than the patch " + java.util.Arrays.toString(patchSize) + "; pad it first");
                }
            }
        }
        this.volumes = List.copyOf(volumes);
        this.patch = patchSize.clone();
        this.batchSize = batchSize;
        this.seed = seed;
    }

    /** The generator of one batch: a hash of (seed, epoch, step), mixed again by RandomGenerator. */
    static RandomGenerator generator(long seed, int epoch, int step) {
        return new RandomGenerator(seed * 0x9E3779B97F4A7C15L + epoch * 0xC2B2AE3D27D4EB4FL + step * 0x165667B19E3779F9L);
    }

    @Override public Batch next(int epoch, int step) {
        RandomGenerator rng = generator(seed, epoch, step);
        try (TensorScope scope = new TensorScope()) {
            List<Tensor> images = new ArrayList<>(), labels = new ArrayList<>();
            for (int b = 0; b < batchSize; b++) {
                LabeledVolume v = volumes.get(rng.nextInt(volumes.size()));
                Tensor img = v.image(), lab = v.labels();
                for (int a = 0; a < 3; a++) {
                    int start = rng.nextInt(lab.dim(a) - patch[a] + 1);
                    img = img.slice(a + 1, start, start + patch[a]);
                    lab = lab.slice(a, start, start + patch[a]);
                }
                images.add(img);
                labels.add(lab);
            }
            Tensor x = scope.retain(Tensor.stack(images, 0));
            Tensor y = scope.retain(Tensor.stack(labels, 0));
            TensorScope.untrack(x);
            TensorScope.untrack(y);
            return new Batch(x, y, null);
        }
    }
}
