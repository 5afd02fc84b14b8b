package org.voxelforge.cli.selftest;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.function.Supplier;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.core.cuda.VolumeKernels;
import org.voxelforge.core.fused.AffineResample;
import org.voxelforge.data.distance.EuclideanDistanceTransform;

/**
 * The volume kernels (edt.cuh, resample.cuh, sliding.cuh) on a {@link KernelTarget} against their
 * CPU references: the exact distance transform against {@link EuclideanDistanceTransform}, the
 * affine + elastic resampling against {@link AffineResample}, and sliding-window stitching plus
 * flips against plain loops. Tolerances (as the emulator tests explain them): squared distances
 * 1e-6 relative (a float rounding per pass), resampled images 1e-5 of the largest value (nvcc
 * may contract the trilinear weights into FMAs; the emulator matches the twin bit for bit),
 * labels, zeros, infinities and flips exactly.
 */
final class VolumeKernelChecks {
    private VolumeKernelChecks() {}

    static final String EDT = " distance transform vs cpu", RESAMPLE = " affine + elastic resample vs twin",
            SLIDING = " sliding-window stitch + flip vs cpu";
    static final List<String> NAMES = List.of(EDT, RESAMPLE, SLIDING);

    static List<SelfTestCheck> all(Supplier<KernelTarget> target, String label, boolean quick) {
        int s = quick ? 1 : 2;
        return List.of(
                KernelTarget.check(label + EDT, target, (t, name) -> edt(t, name, s)),
                KernelTarget.check(label + RESAMPLE, target, (t, name) -> resample(t, name, s)),
                KernelTarget.check(label + SLIDING, target, (t, name) -> sliding(t, name, s)));
    }

    // ---- distance transform ---------------------------------------------------------------------------

    static SelfTestResult edt(KernelTarget t, String name, int s) {
        VolumeKernels k = new VolumeKernels(t.kernels());
        RandomGenerator rng = new RandomGenerator(91);
        int[][] shapes = {{13 * s, 11, 9}, {7, 9 * s, 11}, {1, 17, 3}};
        double[][] spacings = {{1, 1.5, 3}, {1, 1, 1}, {2, 0.5, 1}};
        double worst = 0;
        String where = "";
        for (int c = 0; c < shapes.length; c++) {
            int[] dims = shapes[c];
            int n = dims[0] * dims[1] * dims[2];
            byte[] mask = new byte[n];
            for (int i = 0; i < n; i++) mask[i] = (byte) (rng.nextDouble() < 0.8 ? 1 : 0);
            double[] want = EuclideanDistanceTransform.squaredDistances(mask, dims, spacings[c]);
            long pm, pq = t.allocate(n), scratch = t.allocateBytes(Math.max(8, VolumeKernels.edtScratchBytes(dims)));
            try (Arena a = Arena.ofConfined()) {
                pm = t.upload(a.allocateFrom(ValueLayout.JAVA_BYTE, mask));
            }
            k.edtSquared(dims, spacings[c], pm, pq, scratch, 0);
            float[] got = t.download(pq, n);
            for (int i = 0; i < n; i++) {
                double e;
                if (Double.isInfinite(want[i]) || want[i] == 0) e = got[i] == want[i] ? 0 : Double.POSITIVE_INFINITY;
                else e = Math.abs(got[i] - want[i]) / (1e-6 * want[i]);
                if (!(e <= worst)) {
                    worst = e;
                    where = java.util.Arrays.toString(dims) + " voxel " + i + ": " + got[i] + " vs " + want[i];
                }
            }
        }
        return SelfTestResult.compare(name, worst, 1.0, shapes.length + " masks, anisotropic spacing; error / tolerance"
                + (where.isEmpty() ? "" : ", worst: " + where));
    }

    // ---- resampling -------------------------------------------------------------------------------------

    static SelfTestResult resample(KernelTarget t, String name, int s) {
        VolumeKernels k = new VolumeKernels(t.kernels());
        RandomGenerator rng = new RandomGenerator(92);
        int[] in = {11 * s, 9, 10}, out = {8, 12, 7 * s};
        int nIn = in[0] * in[1] * in[2], nOut = out[0] * out[1] * out[2], channels = 2;
        double a = 0.4, c = Math.cos(a), sn = Math.sin(a), sc = 1.1;
        double[] matrix = {sc * c, -sc * sn, 0, in[0] / 2.0, sc * sn, sc * c, 0, in[1] / 2.0, 0, 0, 0.9, in[2] / 2.0};
        double[] origin = {out[0] / 2.0, out[1] / 2.0, out[2] / 2.0};
        float[] disp = new float[3 * nOut];
        for (int i = 0; i < disp.length; i++) disp[i] = (float) (rng.nextDouble() * 1.5 - 0.75);
        float[] image = new float[channels * nIn];
        for (int i = 0; i < image.length; i++) image[i] = (float) (rng.nextDouble() * 4 - 2);
        int[] labels = new int[nIn];
        for (int i = 0; i < nIn; i++) labels[i] = (int) (rng.nextDouble() * 4);
        AffineResample.Map map = new AffineResample.Map(in, out, matrix, origin, disp);
        float[] wantImage = AffineResample.images(map, image, channels, -3f);
        int[] wantLabels = AffineResample.labels(map, labels, 1, 9);

        long pImg = t.upload(image), pLab = t.upload(labels), pDisp = t.upload(disp);
        long oImg = t.allocate((long) channels * nOut), oLab = t.allocateBytes(4L * nOut);
        k.resample(in, out, matrix, origin, pDisp, pImg, oImg, channels, -3f, pLab, oLab, 1, 9, 0);
        float[] gotImage = t.download(oImg, channels * nOut);
        int[] gotLabels;
        try (Arena ar = Arena.ofConfined()) {
            MemorySegment host = ar.allocate(ValueLayout.JAVA_INT, nOut);
            t.download(oLab, host);
            gotLabels = host.toArray(ValueLayout.JAVA_INT);
        }
        long labelMismatches = 0;
        for (int i = 0; i < nOut; i++) if (gotLabels[i] != wantLabels[i]) labelMismatches++;
        WorstError worst = new WorstError();
        worst.floats("image", wantImage, gotImage, 1e-5);
        String detail = "rotation + scale + elastic field, " + in[0] + "x" + in[1] + "x" + in[2] + " -> " + out[0] + "x" + out[1] + "x" + out[2]
                + ", " + channels + " image channels + labels; image error / (1e-5 * scale)";
        if (labelMismatches > 0) return SelfTestResult.fail(name, labelMismatches + " of " + nOut + " labels differ; " + detail);
        return SelfTestResult.compare(name, worst.ratio(), 1.0, detail);
    }

    // ---- sliding window + flip ---------------------------------------------------------------------------

    static SelfTestResult sliding(KernelTarget t, String name, int s) {
        VolumeKernels k = new VolumeKernels(t.kernels());
        RandomGenerator rng = new RandomGenerator(93);
        int classes = 3;
        int[] vol = {10 * s, 9, 7}, patch = {6, 5, 4};
        int nv = vol[0] * vol[1] * vol[2], np = patch[0] * patch[1] * patch[2];
        int[][] offsets = {{0, 0, 0}, {4, 4, 3}, {-2, 5, 0}, {6 * s, 2, 4}};
        float[] weight = new float[np];
        for (int i = 0; i < np; i++) weight[i] = (float) (0.1 + rng.nextDouble());
        double[] acc = new double[classes * nv], wsum = new double[nv];
        long pAcc = t.allocate((long) classes * nv), pW = t.allocate(nv), pWeight = t.upload(weight);
        t.kernels().fillF32(pAcc, 0f, (long) classes * nv, 0);
        t.kernels().fillF32(pW, 0f, nv, 0);
        for (int[] off : offsets) {
            float[] probs = new float[classes * np];
            for (int i = 0; i < probs.length; i++) probs[i] = (float) rng.nextDouble();
            k.slidingAccumulate(patch, vol, off, classes, t.upload(probs), pWeight, pAcc, pW, 0);
            for (int x = 0; x < patch[0]; x++)
                for (int y = 0; y < patch[1]; y++)
                    for (int z = 0; z < patch[2]; z++) {
                        int vx = x + off[0], vy = y + off[1], vz = z + off[2];
                        if (vx < 0 || vy < 0 || vz < 0 || vx >= vol[0] || vy >= vol[1] || vz >= vol[2]) continue;
                        int p = (x * patch[1] + y) * patch[2] + z, v = (vx * vol[1] + vy) * vol[2] + vz;
                        for (int c = 0; c < classes; c++) acc[c * nv + v] += (double) probs[c * np + p] * weight[p];
                        wsum[v] += weight[p];
                    }
        }
        long pOut = t.allocate((long) classes * nv);
        k.slidingFinalize(classes, nv, pAcc, pW, pOut, 0);
        float[] got = t.download(pOut, classes * nv);
        double err = 0;
        for (int c = 0; c < classes; c++)
            for (int v = 0; v < nv; v++) {
                double want = wsum[v] == 0 ? Double.NaN : acc[c * nv + v] / wsum[v];
                double e = Double.isNaN(want) ? 0 : Math.abs(got[c * nv + v] - want);
                err = Double.isNaN(e) ? Double.POSITIVE_INFINITY : Math.max(err, e);
            }
        // flips of [C, X, Y, Z] along every subset of the spatial axes, exactly
        long flipBad = 0;
        float[] src = new float[classes * nv];
        for (int i = 0; i < src.length; i++) src[i] = (float) rng.nextDouble();
        long pSrc = t.upload(src), pDst = t.allocate(src.length);
        int[] dims = {classes, vol[0], vol[1], vol[2]};
        for (int[] axes : new int[][] {{1}, {2}, {3}, {1, 3}, {1, 2, 3}}) {
            k.flip(dims, axes, pSrc, pDst, 0);
            float[] f = t.download(pDst, src.length);
            boolean[] fl = new boolean[4];
            for (int a : axes) fl[a] = true;
            for (int c = 0; c < classes; c++)
                for (int x = 0; x < vol[0]; x++)
                    for (int y = 0; y < vol[1]; y++)
                        for (int z = 0; z < vol[2]; z++) {
                            int sx = fl[1] ? vol[0] - 1 - x : x, sy = fl[2] ? vol[1] - 1 - y : y, sz = fl[3] ? vol[2] - 1 - z : z;
                            if (f[((c * vol[0] + x) * vol[1] + y) * vol[2] + z] != src[((c * vol[0] + sx) * vol[1] + sy) * vol[2] + sz]) flipBad++;
                        }
        }
        String detail = offsets.length + " windows (two clipped) of " + patch[0] + "x" + patch[1] + "x" + patch[2] + " into "
                + vol[0] + "x" + vol[1] + "x" + vol[2] + ", " + classes + " classes; 5 flips; stitched error / 1e-5";
        if (flipBad > 0) return SelfTestResult.fail(name, flipBad + " flipped values differ; " + detail);
        return SelfTestResult.compare(name, err / 1e-5, 1.0, detail);
    }
}
