package org.voxelforge.data.sampling;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.voxelforge.core.RandomGenerator;

/**
 * Draws training patches from a case, MIST/nnU-Net style.
 *
 * <ul>
 *   <li>Uniform: the patch's corner is uniform over all positions that keep it inside the case.</li>
 *   <li>Foreground oversampling: with probability {@code foregroundProbability} (MIST: 0.6) the
 *       patch is centred (then shifted back inside the case) on a voxel drawn uniformly from the
 *       case's non-zero labels; a case without foreground falls back to uniform.</li>
 *   <li>Per-class probabilities (sparse-annotation study): when given, they replace the rule
 *       above: a class {@code c} is drawn with probability {@code classProbabilities[c]}
 *       (class 0 = background), then a voxel of that class; an absent class falls back to uniform.</li>
 * </ul>
 * With an annotation mask, centres are drawn among annotated voxels only and the patch carries
 * its crop of the mask. A case smaller than the patch along an axis is padded with image 0,
 * label 0 and mask 0 (padding is not annotated), the case placed at a random offset.
 */
public final class PatchSampler {
    private final int[] patchSize;
    private final double foregroundProbability;
    private final double[] classCumulative; // null when per-class probabilities are not used
    private final Map<String, ClassLocations> locations = new ConcurrentHashMap<>();

    public PatchSampler(int[] patchSize, double foregroundProbability, double[] classProbabilities) {
        if (patchSize.length != 3 || Arrays.stream(patchSize).anyMatch(s -> s <= 0)) {
            throw new IllegalArgumentException("patch sampler: patch size " + Arrays.toString(patchSize) + " must be 3 positive sizes [X, Y, Z]");
        }
        if (!(foregroundProbability >= 0 && foregroundProbability <= 1)) {
            throw new IllegalArgumentException("patch sampler: foreground probability " + foregroundProbability + " must be in [0, 1]");
        }
        this.patchSize = patchSize.clone();
        this.foregroundProbability = foregroundProbability;
        this.classCumulative = classProbabilities == null ? null : cumulative(classProbabilities);
    }

    /** MIST's default: foreground oversampling with probability 0.6. */
    public PatchSampler(int[] patchSize) { this(patchSize, 0.6, null); }

    public int[] patchSize() { return patchSize.clone(); }

    private static double[] cumulative(double[] p) {
        double sum = 0;
        for (double v : p) {
            if (!(v >= 0) || Double.isInfinite(v)) {
                throw new IllegalArgumentException("patch sampler: class probabilities " + Arrays.toString(p) + " must be finite and >= 0");
            }
            sum += v;
        }
        if (!(sum > 0) || p.length > 256) {
            throw new IllegalArgumentException("patch sampler: class probabilities " + Arrays.toString(p)
                    + " must have a positive sum and at most 256 entries (one per uint8 label)");
        }
        double[] c = new double[p.length];
        double acc = 0;
        for (int i = 0; i < p.length; i++) c[i] = (acc += p[i] / sum);
        return c;
    }

    /** A patch of {@code cs} with no annotation mask. */
    public Patch sample(CaseVolume cs, RandomGenerator rng) { return sample(cs, null, rng); }

    /** A patch of {@code cs}; {@code annotation} ([X, Y, Z], 1 = annotated) may be null. */
    public Patch sample(CaseVolume cs, byte[] annotation, RandomGenerator rng) {
        if (cs.label() == null) throw new IllegalArgumentException("patch sampler: case " + cs.id() + " has no label map");
        if (annotation != null && annotation.length != cs.voxels()) {
            throw new IllegalArgumentException("patch sampler: annotation mask of " + annotation.length + " voxels for case " + cs.id()
                    + " of shape " + Arrays.toString(cs.dims()) + "; expected X*Y*Z");
        }
        int centre = chooseCentre(cs, annotation, rng);
        int[] start = new int[3];
        int[] d = cs.dims();
        int[] c = centre < 0 ? null : new int[] {centre / (d[1] * d[2]), centre / d[2] % d[1], centre % d[2]};
        for (int a = 0; a < 3; a++) {
            int lo = Math.min(0, d[a] - patchSize[a]), hi = Math.max(0, d[a] - patchSize[a]);
            start[a] = c == null ? lo + rng.nextInt(hi - lo + 1) : Math.clamp(c[a] - patchSize[a] / 2, lo, hi);
        }
        return crop(cs, annotation, start);
    }

    /** Flat index of the voxel to centre on, or -1 for a uniform draw. */
    private int chooseCentre(CaseVolume cs, byte[] annotation, RandomGenerator rng) {
        if (classCumulative == null && foregroundProbability == 0) return -1;
        ClassLocations loc = locations.computeIfAbsent(cs.id() + (annotation == null ? "" : "#" + System.identityHashCode(annotation)),
                k -> ClassLocations.of(cs.label(), annotation));
        if (classCumulative != null) {
            double u = rng.nextDouble();
            int cls = 0;
            while (cls < classCumulative.length - 1 && u >= classCumulative[cls]) cls++;
            return loc.randomVoxel(cls, rng);
        }
        if (rng.nextDouble() >= foregroundProbability) return -1;
        int[] fg = loc.foreground();
        return fg.length == 0 ? -1 : fg[rng.nextInt(fg.length)];
    }

    /** Copies the box at {@code start} of size patchSize; voxels outside the case are 0. */
    public Patch crop(CaseVolume cs, byte[] annotation, int[] start) {
        int[] d = cs.dims(), p = patchSize;
        int pn = p[0] * p[1] * p[2], cn = cs.voxels();
        float[] img = new float[cs.channels() * pn];
        byte[] lab = new byte[pn];
        byte[] msk = annotation == null ? null : new byte[pn];
        int z0 = Math.max(0, start[2]), z1 = Math.min(d[2], start[2] + p[2]);
        if (z1 <= z0) return new Patch(cs.id(), cs.channels(), p, img, lab, msk);
        for (int x = 0; x < p[0]; x++) {
            int sx = start[0] + x;
            if (sx < 0 || sx >= d[0]) continue;
            for (int y = 0; y < p[1]; y++) {
                int sy = start[1] + y;
                if (sy < 0 || sy >= d[1]) continue;
                int src = (sx * d[1] + sy) * d[2] + z0, dst = (x * p[1] + y) * p[2] + (z0 - start[2]);
                int len = z1 - z0;
                for (int ch = 0; ch < cs.channels(); ch++) System.arraycopy(cs.image(), ch * cn + src, img, ch * pn + dst, len);
                System.arraycopy(cs.label(), src, lab, dst, len);
                if (msk != null) System.arraycopy(annotation, src, msk, dst, len);
            }
        }
        return new Patch(cs.id(), cs.channels(), p, img, lab, msk);
    }
}
