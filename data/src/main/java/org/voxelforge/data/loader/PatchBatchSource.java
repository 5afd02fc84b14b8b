package org.voxelforge.data.loader;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.voxelforge.core.DType;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.core.Tensor;
import org.voxelforge.data.augment.SampleSeeds;
import org.voxelforge.data.augment.Transform;
import org.voxelforge.data.sampling.CaseVolume;
import org.voxelforge.data.sampling.Patch;
import org.voxelforge.data.sampling.PatchSampler;

/**
 * Batches of sampled, augmented patches. Sample {@code s = index * batchSize + j} of an epoch
 * takes case {@code perm[s mod n]}, where {@code perm} is a seeded shuffle of the n cases for
 * the pass {@code s / n} of that epoch, and draws its patch and augmentation from the generator
 * of {@code (seed, epoch, s)}: a batch is a function of (seed, epoch, index) alone.
 */
public final class PatchBatchSource implements BatchSource {
    private final CaseProvider cases;
    private final PatchSampler sampler;
    private final Transform augment; // may be null
    private final int batchSize;
    private final long seed;

    public PatchBatchSource(CaseProvider cases, PatchSampler sampler, Transform augment, int batchSize, long seed) {
        if (batchSize <= 0) throw new IllegalArgumentException("batch source: batch size " + batchSize + " must be positive");
        if (cases.size() == 0) throw new IllegalArgumentException("batch source: no cases to sample from");
        this.cases = cases;
        this.sampler = sampler;
        this.augment = augment;
        this.batchSize = batchSize;
        this.seed = seed;
    }

    public int batchSize() { return batchSize; }

    /** Case index of sample {@code s} in {@code epoch}. */
    public int caseOf(int epoch, long s) {
        int n = cases.size();
        long pass = s / n;
        // The shuffle's generator uses negative sample indices, which no sample uses.
        RandomGenerator g = SampleSeeds.generator(seed, epoch, -1 - pass);
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) perm[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = g.nextInt(i + 1);
            int t = perm[i]; perm[i] = perm[j]; perm[j] = t;
        }
        return perm[(int) (s % n)];
    }

    /** Sample {@code s} of {@code epoch}: a patch of its case, augmented. */
    public Patch sample(int epoch, long s) {
        int c = caseOf(epoch, s);
        String id = cases.id(c);
        try {
            CaseVolume cv = cases.load(c);
            RandomGenerator rng = SampleSeeds.generator(seed, epoch, s);
            Patch p = sampler.sample(cv, cases.annotation(c), rng.split());
            if (augment != null) augment.apply(p, rng.split());
            return p;
        } catch (Exception e) {
            throw new SampleException(id, "epoch " + epoch + ", sample " + s, e);
        }
    }

    @Override public Batch make(int epoch, int index) {
        List<Patch> patches = new ArrayList<>(batchSize);
        for (int j = 0; j < batchSize; j++) patches.add(sample(epoch, (long) index * batchSize + j));
        return stack(epoch, index, patches);
    }

    /** Stacks patches of equal shape; a patch without a mask counts as fully annotated. */
    public static Batch stack(int epoch, int index, List<Patch> patches) {
        Patch first = patches.get(0);
        int b = patches.size(), ch = first.channels, n = first.voxels();
        int[] d = first.dims;
        boolean anyMask = false;
        for (Patch p : patches) {
            if (p.channels != ch || !Arrays.equals(p.dims, d)) {
                throw new IllegalArgumentException("batch stack: patch of case " + p.caseId + " is " + p.channels + "x" + Arrays.toString(p.dims)
                        + ", expected " + ch + "x" + Arrays.toString(d) + " like case " + first.caseId);
            }
            anyMask |= p.mask != null;
        }
        Tensor images = Tensor.zeros(DType.FLOAT32, b, ch, d[0], d[1], d[2]);
        Tensor labels = Tensor.zeros(DType.UINT8, b, d[0], d[1], d[2]);
        Tensor masks = anyMask ? Tensor.zeros(DType.UINT8, b, d[0], d[1], d[2]) : null;
        MemorySegment is = images.segment(), ls = labels.segment();
        List<String> ids = new ArrayList<>(b);
        for (int k = 0; k < b; k++) {
            Patch p = patches.get(k);
            ids.add(p.caseId);
            MemorySegment.copy(p.image, 0, is, ValueLayout.JAVA_FLOAT_UNALIGNED, (long) k * ch * n * 4, ch * n);
            MemorySegment.copy(p.label, 0, ls, ValueLayout.JAVA_BYTE, (long) k * n, n);
            if (masks != null) {
                if (p.mask != null) MemorySegment.copy(p.mask, 0, masks.segment(), ValueLayout.JAVA_BYTE, (long) k * n, n);
                else masks.segment().asSlice((long) k * n, n).fill((byte) 1);
            }
        }
        return new Batch(epoch, index, List.copyOf(ids), images, labels, masks);
    }
}
