package org.voxelforge.train.pipeline;

import org.voxelforge.core.DType;
import org.voxelforge.core.Tensor;
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
 * <p>Softmax training needs class indices, so labels go through {@code labelToIndex} (label
 * value -> channel); region training keeps the label values (the loss builds its regions).
 */
public final class PrefetchedBatches implements BatchSource, AutoCloseable {
    private final PatchBatchSource source;
    private final int stepsPerEpoch, workers, prefetch;
    private final byte[] labelToIndex; // null = keep label values
    private BatchLoader loader;
    private int loaderEpoch = -1;

    /** @param labelToIndex 256 entries mapping a label value to its class index (-1 = not a label), or null */
    public PrefetchedBatches(PatchBatchSource source, int stepsPerEpoch, int workers, int prefetch, int[] labelToIndex) {
        if (stepsPerEpoch < 1 || workers < 1 || prefetch < 1) {
            throw new IllegalArgumentException("prefetched batches: steps per epoch " + stepsPerEpoch + ", workers " + workers
                    + ", prefetch " + prefetch + " must all be >= 1");
        }
        this.source = source;
        this.stepsPerEpoch = stepsPerEpoch;
        this.workers = workers;
        this.prefetch = prefetch;
        if (labelToIndex == null) {
            this.labelToIndex = null;
        } else {
            this.labelToIndex = new byte[256];
            for (int v = 0; v < 256; v++) this.labelToIndex[v] = (byte) (v < labelToIndex.length ? labelToIndex[v] : -1);
        }
    }

    /** The lookup for a label list: label value {@code labels[k]} -> index k. */
    public static int[] indexOf(int[] labels) {
        int[] map = new int[256];
        java.util.Arrays.fill(map, -1);
        for (int k = 0; k < labels.length; k++) {
            if (labels[k] < 0 || labels[k] > 255) throw new IllegalArgumentException("label " + labels[k] + " is outside 0..255");
            map[labels[k]] = k;
        }
        return map;
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
            if (labelToIndex != null) remap(b.labels(), b.caseIds());
            return new Batch(b.images(), b.labels(), b.masks());
        } catch (RuntimeException e) {
            b.close();
            throw e;
        }
    }

    /** Label values to class indices, in place (uint8); an unknown value names its case. */
    private void remap(Tensor labels, java.util.List<String> ids) {
        if (labels.dtype() != DType.UINT8 || !labels.isContiguous()) {
            throw new IllegalStateException("prefetched batches: labels must be contiguous uint8, got " + labels.describe());
        }
        var seg = labels.segment();
        long n = labels.numel(), perCase = n / Math.max(1, ids.size());
        for (long i = 0; i < n; i++) {
            int v = seg.get(java.lang.foreign.ValueLayout.JAVA_BYTE, i) & 0xff;
            byte k = labelToIndex[v];
            if (k < 0) {
                throw new IllegalArgumentException("case " + ids.get((int) (i / perCase)) + ": label value " + v
                        + " is not one of the dataset's labels; fix the mask or the labels in dataset.json");
            }
            seg.set(java.lang.foreign.ValueLayout.JAVA_BYTE, i, k);
        }
    }

    @Override public synchronized void close() {
        if (loader != null) loader.close();
        loader = null;
    }
}
