package org.voxelforge.train.pipeline;

import org.voxelforge.data.loader.BatchLoader;
import org.voxelforge.data.loader.PatchBatchSource;
import org.voxelforge.train.trainer.Batch;
import org.voxelforge.train.trainer.BatchSource;

/**
 * The trainer's {@link BatchSource} fed by background loader threads: batch (epoch, step) is
 * {@link PatchBatchSource#make} of the same arguments, made ahead of time by a
 * {@link BatchLoader} with a bounded prefetch window. Asked for the batch the loader will hand
 * out next, it takes it; asked for any other (a resumed run, a new epoch), it restarts the
 * loader there. So the batches, and training, are the same with any number of workers.
 *
 * <p>Softmax training needs class indices, so labels go through {@link LabelIndices}; region
 * training keeps the label values (the loss builds its regions).
 */
public final class PrefetchedBatches implements BatchSource, AutoCloseable {
    private final PatchBatchSource source;
    private final int stepsPerEpoch, workers, prefetch;
    private final LabelIndices indices; // null = keep label values
    private BatchLoader loader;
    private int loaderEpoch = -1;

    /** @param softmaxLabels the label values of the classes, in channel order, or null to keep label values */
    public PrefetchedBatches(PatchBatchSource source, int stepsPerEpoch, int workers, int prefetch, int[] softmaxLabels) {
        if (stepsPerEpoch < 1 || workers < 1 || prefetch < 1) {
            throw new IllegalArgumentException("prefetched batches: steps per epoch " + stepsPerEpoch + ", workers " + workers
                    + ", prefetch " + prefetch + " must all be >= 1");
        }
        this.source = source;
        this.stepsPerEpoch = stepsPerEpoch;
        this.workers = workers;
        this.prefetch = prefetch;
        this.indices = softmaxLabels == null ? null : new LabelIndices(softmaxLabels);
    }

    @Override public synchronized Batch next(int epoch, int step) {
        if (step < 0 || step >= stepsPerEpoch) {
            throw new IllegalArgumentException("prefetched batches: step " + step + " is outside 0.." + (stepsPerEpoch - 1));
        }
        if (loader == null || loaderEpoch != epoch || loader.position() != step) {
            if (loader != null) loader.close();
            loader = new BatchLoader(source, epoch, step, stepsPerEpoch, workers, prefetch);
            loaderEpoch = epoch;
        }
        org.voxelforge.data.loader.Batch b = loader.next();
        if (!loader.hasNext()) {
            loader.close();
            loader = null;
        }
        try {
            if (indices != null) {
                long perCase = b.labels().numel() / b.caseIds().size();
                indices.remapInPlace(b.labels(), i -> b.caseIds().get((int) (i / perCase)));
            }
            return new Batch(b.images(), b.labels(), b.masks());
        } catch (RuntimeException e) {
            b.close();
            throw e;
        }
    }

    @Override public synchronized void close() {
        if (loader != null) loader.close();
        loader = null;
    }
}
