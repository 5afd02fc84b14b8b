package org.voxelforge.train.trainer;

/**
 * Where the trainer gets its batches. {@code next(epoch, step)} must be a pure function of
 * {@code (epoch, step)} (and the source's own seed): the same arguments give the same batch,
 * whatever was asked before. That is the whole "data position" of a checkpoint, and what
 * lets a resumed run see exactly the batches an uninterrupted run would have seen.
 */
@FunctionalInterface
public interface BatchSource {
    /** The batch for {@code step} (0-based) of {@code epoch} (0-based); the caller closes it. */
    Batch next(int epoch, int step);
}
