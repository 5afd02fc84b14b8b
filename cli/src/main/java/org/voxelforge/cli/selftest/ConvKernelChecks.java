package org.voxelforge.cli.selftest;

import java.util.function.Supplier;
import org.voxelforge.core.Backend;
import org.voxelforge.core.Backends;
import org.voxelforge.core.Conv3dParams;
import org.voxelforge.core.DType;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.core.Shape;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;
import org.voxelforge.core.cuda.ConvKernels;

/**
 * Our implicit-GEMM conv3d kernels (conv3d.cuh, the fallback without cuDNN) on a
 * {@link KernelTarget}: forward with bias, backward data and backward weight against the CPU
 * backend in float64 on the same float inputs, on three shapes (stride 2 with padding; groups
 * with anisotropic dilation; several tiles in every GEMM dimension). The error is the worst
 * |kernel - reference| over 1e-5 of the output's scale (max(1, max |reference|)), the bound
 * EmulatedConvKernelsTest explains: float32 accumulation of K products stays near sqrt(K) ulps
 * of the scale, a wrong tap or tile is of the order of one term.
 */
final class ConvKernelChecks {
    private ConvKernelChecks() {}

    static final String NAME = " conv3d implicit gemm vs cpu";
    private static final double TOL = 1e-5;

    static SelfTestCheck check(Supplier<KernelTarget> target, String label, boolean quick) {
        return KernelTarget.check(label + NAME, target, (t, name) -> run(t, name, quick));
    }

    private record Case(int[] x, int[] w, Conv3dParams p) {}

    static SelfTestResult run(KernelTarget t, String name, boolean quick) {
        Case[] cases = quick
                ? new Case[] {
                        new Case(new int[] {2, 3, 7, 6, 5}, new int[] {5, 3, 3, 3, 3}, Conv3dParams.of(2, 1)),
                        new Case(new int[] {1, 4, 6, 7, 5}, new int[] {6, 2, 3, 2, 3}, Conv3dParams.of(1, 2).withDilation(2, 1, 2).withGroups(2)),
                        new Case(new int[] {1, 66, 4, 5, 4}, new int[] {65, 66, 2, 2, 2}, Conv3dParams.of(1, 1))}
                : new Case[] {
                        new Case(new int[] {2, 16, 17, 16, 15}, new int[] {32, 16, 3, 3, 3}, Conv3dParams.of(2, 1)),
                        new Case(new int[] {2, 32, 12, 13, 11}, new int[] {32, 8, 3, 2, 3}, Conv3dParams.of(1, 2).withDilation(2, 1, 2).withGroups(4)),
                        new Case(new int[] {2, 80, 10, 10, 10}, new int[] {72, 80, 3, 3, 3}, Conv3dParams.of(1, 1))};
        ConvKernels conv = new ConvKernels(t.kernels());
        Backend cpu = Backends.cpu();
        RandomGenerator rng = new RandomGenerator(84);
        WorstError worst = new WorstError();
        for (Case c : cases) {
            ConvKernels.Geometry geo = ConvKernels.Geometry.of(name, c.x, c.w, c.p);
            float[] x = uniform(rng, geo.xNumel()), w = uniform(rng, geo.wNumel()), b = uniform(rng, geo.cout()), dy = uniform(rng, geo.yNumel());
            int[] yDims = {geo.n(), geo.cout(), geo.out()[0], geo.out()[1], geo.out()[2]};
            double[][] want = new double[3][];
            try (TensorScope s = new TensorScope()) {
                Tensor xt = Tensor.of(DType.FLOAT64, widen(x), c.x), wt = Tensor.of(DType.FLOAT64, widen(w), c.w);
                Tensor dyt = Tensor.of(DType.FLOAT64, widen(dy), yDims);
                want[0] = cpu.conv3d(xt, wt, Tensor.of(DType.FLOAT64, widen(b), geo.cout()), c.p).toDoubleArray();
                want[1] = cpu.conv3dBackwardData(dyt, wt, Shape.of(c.x), c.p).toDoubleArray();
                want[2] = cpu.conv3dBackwardWeight(dyt, xt, Shape.of(c.w), c.p).toDoubleArray();
            }
            long px = t.upload(x), pw = t.upload(w), pb = t.upload(b), pdy = t.upload(dy);
            long py = t.allocate(geo.yNumel()), pdx = t.allocate(geo.xNumel()), pdw = t.allocate(geo.wNumel());
            long scratch = t.allocate(conv.backwardWeightScratch(geo));
            conv.forward(geo, px, pw, pb, py, 0);
            conv.backwardData(geo, pdy, pw, pdx, 0);
            conv.backwardWeight(geo, pdy, px, pdw, scratch, 0);
            float[][] got = {t.download(py, (int) geo.yNumel()), t.download(pdx, (int) geo.xNumel()), t.download(pdw, (int) geo.wNumel())};
            String[] what = {"forward", "backward data", "backward weight"};
            for (int i = 0; i < 3; i++) worst.doubles(what[i] + " on " + geo, want[i], got[i], TOL);
        }
        return worst.result(name, cases.length + " shapes, forward + bias, backward data, backward weight");
    }

    private static float[] uniform(RandomGenerator rng, long n) {
        float[] a = new float[Math.toIntExact(n)];
        for (int i = 0; i < a.length; i++) a[i] = (float) (rng.nextDouble() * 2 - 1);
        return a;
    }

    private static double[] widen(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }
}
