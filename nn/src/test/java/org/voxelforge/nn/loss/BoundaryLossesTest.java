package org.voxelforge.nn.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.voxelforge.autograd.Variable;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;

/** Edge, boundary, one-sided Hausdorff, generalized surface and soft clDice losses. */
class BoundaryLossesTest {
    private final LossFixture f = new LossFixture(21, 2, 3, 2, 3, 4);

    private double p(int b, int ch, int v, boolean useMask) { return f.annotated(b, v, useMask) ? f.softmax(b, ch, v) : 0; }

    private double t(int b, int ch, int v, boolean useMask) { return f.annotated(b, v, useMask) ? f.target(b, ch, v) : 0; }

    private int count(boolean useMask) {
        int n = 0;
        for (int b = 0; b < f.n; b++) for (int v = 0; v < f.s; v++) if (f.annotated(b, v, useMask)) n++;
        return n;
    }

    // ---- edge ------------------------------------------------------------------------------

    private double[] edges(double[] vol, int b, boolean useMask) {
        int[] dims = f.spatial, c = new int[3], q = new int[3];
        double[] mag = new double[f.s];
        double max = 0;
        for (int v = 0; v < f.s; v++) {
            SignedDistance.unflatten(v, dims, c);
            double sum = 0;
            for (int a = 0; a < 3; a++) {
                if (c[a] + 1 >= dims[a]) continue;
                System.arraycopy(c, 0, q, 0, 3);
                q[a]++;
                int u = (q[0] * dims[1] + q[1]) * dims[2] + q[2];
                if (!f.annotated(b, v, useMask) || !f.annotated(b, u, useMask)) continue;
                sum += (vol[u] - vol[v]) * (vol[u] - vol[v]);
            }
            mag[v] = Math.sqrt(sum + 1e-8);
            max = Math.max(max, mag[v]);
        }
        for (int v = 0; v < f.s; v++) mag[v] /= max;
        return mag;
    }

    @Test void edge() {
        EdgeLoss loss = new EdgeLoss();
        f.assertAll("edge", (x, m) -> loss.compute(x, f.labelsTensor(), m), useMask -> {
            double sum = 0;
            for (int b = 0; b < f.n; b++) for (int ch = 0; ch < f.c; ch++) {
                double[] pv = new double[f.s], tv = new double[f.s];
                for (int v = 0; v < f.s; v++) { pv[v] = f.softmax(b, ch, v); tv[v] = f.target(b, ch, v); }
                double[] ep = edges(pv, b, useMask), et = edges(tv, b, useMask);
                for (int v = 0; v < f.s; v++) if (f.annotated(b, v, useMask)) sum += (ep[v] - et[v]) * (ep[v] - et[v]);
            }
            return sum / (count(useMask) * f.c);
        });
    }

    // ---- distance-map losses ---------------------------------------------------------------

    @Test void boundary() {
        Tensor dist = SignedDistance.of(f);
        double[] d = dist.toDoubleArray();
        BoundaryLoss loss = new BoundaryLoss();
        f.assertAll("boundary", (x, m) -> loss.compute(x, LossTarget.of(f.labelsTensor(), dist), m), useMask -> {
            double sum = 0;
            for (int b = 0; b < f.n; b++) for (int ch = 1; ch < f.c; ch++) for (int v = 0; v < f.s; v++) {
                sum += p(b, ch, v, useMask) * d[(b * f.c + ch) * f.s + v];
            }
            return sum / (count(useMask) * (f.c - 1));
        });
    }

    @Test void distanceLossesRefuseLabelsOnly() {
        try (TensorScope scope = new TensorScope()) {
            Variable x = Variable.constant(f.logitsTensor());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new BoundaryLoss().compute(x, f.labelsTensor(), null));
            assertEquals(true, e.getMessage().contains("distance maps"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> new GeneralizedSurfaceLoss().compute(x, LossTarget.of(f.labelsTensor()), null));
        }
    }

    @Test void signedDistanceOfASmallCase() {
        LossFixture g = new LossFixture(1, 1, 2, 1, 1, 5);
        long[] l = {0, 1, 1, 0, 0};
        System.arraycopy(l, 0, g.labels, 0, 5);
        assertArrayEquals(new double[] {-1, 1, 1, -1, -2, /* class 1 */ 1, -1, -1, 1, 2}, SignedDistance.of(g).toDoubleArray());
    }

    @Test void hausdorff() {
        Tensor dist = SignedDistance.of(f);
        double[] d = dist.toDoubleArray();
        HausdorffDtLoss loss = new HausdorffDtLoss(2.0);
        f.assertAll("hausdorff", (x, m) -> loss.compute(x, LossTarget.of(f.labelsTensor(), dist), m), useMask -> {
            double sum = 0;
            for (int b = 0; b < f.n; b++) for (int ch = 1; ch < f.c; ch++) for (int v = 0; v < f.s; v++) {
                double diff = p(b, ch, v, useMask) - t(b, ch, v, useMask), dv = d[(b * f.c + ch) * f.s + v];
                sum += diff * diff * dv * dv;
            }
            return sum / (count(useMask) * (f.c - 1));
        });
    }

    @Test void generalizedSurface() {
        Tensor dist = SignedDistance.of(f);
        double[] d = dist.toDoubleArray();
        GeneralizedSurfaceLoss loss = new GeneralizedSurfaceLoss();
        f.assertAll("gsl", (x, m) -> loss.compute(x, LossTarget.of(f.labelsTensor(), dist), m), useMask -> {
            double total = 0;
            for (int b = 0; b < f.n; b++) for (int ch = 1; ch < f.c; ch++) {
                double num = 0, den = 1e-6;
                for (int v = 0; v < f.s; v++) {
                    if (!f.annotated(b, v, useMask)) continue;
                    double dv = d[(b * f.c + ch) * f.s + v];
                    double r = dv * (1 - (f.target(b, ch, v) + f.softmax(b, ch, v)));
                    num += r * r;
                    den += dv * dv;
                }
                total += 1 - num / den;
            }
            return total / (f.n * (f.c - 1));
        });
    }

    // ---- clDice ----------------------------------------------------------------------------

    private double[] erode(double[] x) {
        int[] dims = f.spatial, c = new int[3];
        double[] r = new double[x.length];
        for (int v = 0; v < x.length; v++) {
            SignedDistance.unflatten(v, dims, c);
            double best = Double.POSITIVE_INFINITY;
            for (int a = 0; a < 3; a++) for (int o = -1; o <= 1; o++) {
                int[] q = c.clone();
                q[a] += o;
                if (q[a] < 0 || q[a] >= dims[a]) continue;
                best = Math.min(best, x[(q[0] * dims[1] + q[1]) * dims[2] + q[2]]);
            }
            r[v] = best;
        }
        return r;
    }

    private double[] dilate(double[] x) {
        int[] dims = f.spatial, c = new int[3];
        double[] r = new double[x.length];
        for (int v = 0; v < x.length; v++) {
            SignedDistance.unflatten(v, dims, c);
            double best = Double.NEGATIVE_INFINITY;
            for (int i = -1; i <= 1; i++) for (int j = -1; j <= 1; j++) for (int k = -1; k <= 1; k++) {
                int z = c[0] + i, y = c[1] + j, w = c[2] + k;
                if (z < 0 || y < 0 || w < 0 || z >= dims[0] || y >= dims[1] || w >= dims[2]) continue;
                best = Math.max(best, x[(z * dims[1] + y) * dims[2] + w]);
            }
            r[v] = best;
        }
        return r;
    }

    private double[] skeleton(double[] img, int iterations) {
        double[] open = dilate(erode(img)), skel = new double[img.length];
        for (int v = 0; v < img.length; v++) skel[v] = Math.max(0, img[v] - open[v]);
        for (int it = 0; it < iterations; it++) {
            img = erode(img);
            open = dilate(erode(img));
            for (int v = 0; v < img.length; v++) {
                double delta = Math.max(0, img[v] - open[v]);
                skel[v] += Math.max(0, delta - skel[v] * delta);
            }
        }
        return skel;
    }

    @Test void softClDice() {
        // one sample keeps the gradcheck of the iterated pooling short
        softClDice(new LossFixture(22, 1, 3, 2, 3, 4), false);
        softClDice(new LossFixture(23, 1, 3, 2, 3, 4), true);
    }

    @Test void mistClDiceValue() {
        double expected = naiveClDice(f, 10, true, true);
        f.assertValue("cldice MIST", (x, m) -> SoftClDiceLoss.mist().compute(x, f.labelsTensor(), m), true, expected);
    }

    private void softClDice(LossFixture g, boolean perSampleAndClass) {
        SoftClDiceLoss loss = new SoftClDiceLoss(2, 1.0, perSampleAndClass);
        g.assertAll("cldice perSampleAndClass=" + perSampleAndClass, (x, m) -> loss.compute(x, g.labelsTensor(), m),
                useMask -> naiveClDice(g, 2, perSampleAndClass, useMask));
    }

    /** clDice from scalar skeletons; per (sample, class) scores averaged, or one score from global sums. */
    private double naiveClDice(LossFixture g, int iterations, boolean perSampleAndClass, boolean useMask) {
        double spt = 0, sp = 0, stp = 0, st = 0, scores = 0;
        int groups = 0;
        for (int b = 0; b < g.n; b++) for (int ch = 1; ch < g.c; ch++) {
            double[] pv = new double[g.s], tv = new double[g.s];
            for (int v = 0; v < g.s; v++) {
                boolean in = g.annotated(b, v, useMask);
                pv[v] = in ? g.softmax(b, ch, v) : 0;
                tv[v] = in ? g.target(b, ch, v) : 0;
            }
            double[] skp = skeleton(pv, iterations), skt = skeleton(tv, iterations);
            for (int v = 0; v < g.s; v++) {
                if (!g.annotated(b, v, useMask)) continue;
                spt += skp[v] * tv[v];
                sp += skp[v];
                stp += skt[v] * pv[v];
                st += skt[v];
            }
            if (perSampleAndClass) {
                double tprec = (spt + 1) / (sp + 1), tsens = (stp + 1) / (st + 1);
                scores += 2 * tprec * tsens / (tprec + tsens);
                groups++;
                spt = sp = stp = st = 0;
            }
        }
        if (perSampleAndClass) return 1 - scores / groups;
        double tprec = (spt + 1) / (sp + 1), tsens = (stp + 1) / (st + 1);
        return 1 - 2 * tprec * tsens / (tprec + tsens);
    }

    /** The maxPool3d path and the pad + slice twin agree in value and gradient. */
    @Test void pooledSkeletonMatchesComposedTwin() {
        try (TensorScope scope = new TensorScope()) {
            Random r = new Random(4);
            double[] data = new double[2 * 2 * 4 * 5 * 3];
            for (int i = 0; i < data.length; i++) data[i] = r.nextDouble();
            Tensor w = Tensor.of(data.clone(), 2, 2, 4, 5, 3);
            Variable a = Variable.param(Tensor.of(data, 2, 2, 4, 5, 3));
            Variable b = Variable.param(Tensor.of(data, 2, 2, 4, 5, 3));
            Variable sa = SoftMorphology.skeleton(a, 3, true), sb = SoftMorphology.skeleton(b, 3, false);
            assertArrayEquals(sb.value().toDoubleArray(), sa.value().toDoubleArray(), 0.0);
            sa.mul(Variable.constant(w)).sum().backward();
            sb.mul(Variable.constant(w)).sum().backward();
            assertArrayEquals(b.grad().toDoubleArray(), a.grad().toDoubleArray(), 1e-14);
            a.close();
            b.close();
        }
    }

    @Test void clDiceIn2dUsesTheComposedWindows() {
        LossFixture g = new LossFixture(8, 1, 3, 4, 5);
        g.gradcheck("cldice 2d", (x, m) -> new SoftClDiceLoss(1, 1.0).compute(x, g.labelsTensor(), m), true);
    }
}
