package org.voxelforge.nn.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.voxelforge.autograd.GradCheck;
import org.voxelforge.autograd.Variable;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;

/** Alpha schedules, region + boundary composites, deep supervision and the factory by name. */
class CompositeAndDeepSupervisionTest {

    @Test void alphaSchedulesFollowMist() {
        assertEquals(0.3, AlphaSchedule.constant(0.3).alpha(40));
        AlphaSchedule lin = AlphaSchedule.linear(11, 5);     // last epoch 10, decay over 5 epochs
        assertEquals(1.0, lin.alpha(0));
        assertEquals(1.0, lin.alpha(5));
        assertEquals(0.8, lin.alpha(6), 1e-15);
        assertEquals(0.0, lin.alpha(10), 1e-15);
        assertEquals(0.0, lin.alpha(50), 1e-15);
        AlphaSchedule cos = AlphaSchedule.cosine(11, 5);
        assertEquals(1.0, cos.alpha(3));
        assertEquals(0.5 * (1 + Math.cos(Math.PI * 3 / 5.0)), cos.alpha(8), 1e-15);
        assertEquals(0.0, cos.alpha(10), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> AlphaSchedule.byName("step", 10));
    }

    @Test void compositeIsTheAlphaWeightedSum() {
        LossFixture f = new LossFixture(31, 2, 3, 2, 3, 4);
        Tensor dist = SignedDistance.of(f);
        CompositeLoss bl = (CompositeLoss) Losses.create("bl", AlphaSchedule.linear(11, 5));
        bl.setEpoch(7);
        double a = 0.6;
        assertEquals(a, bl.alpha(), 1e-15);
        double region = f.value((x, m) -> DiceCeLoss.mist().compute(x, f.labelsTensor(), m), true);
        double boundary = f.value((x, m) -> new BoundaryLoss().compute(x, LossTarget.of(f.labelsTensor(), dist), m), true);
        LossFixture.LossFn fn = (x, m) -> bl.compute(x, LossTarget.of(f.labelsTensor(), dist), m);
        f.assertValue("bl", fn, true, a * region + (1 - a) * boundary);
        f.gradcheck("bl", fn, true);
        f.assertMaskProperty("bl", fn);
        assertTrue(bl.needsDistanceMaps());
    }

    @Test void nnUNetWeights() {
        assertArrayEquals(new double[] {1}, DeepSupervisionLoss.nnUNetWeights(1));
        assertArrayEquals(new double[] {2 / 3.0, 1 / 3.0, 0}, DeepSupervisionLoss.nnUNetWeights(3), 1e-15);
        assertArrayEquals(new double[] {8 / 15.0, 4 / 15.0, 2 / 15.0, 1 / 15.0, 0}, DeepSupervisionLoss.nnUNetWeights(5), 1e-15);
        assertArrayEquals(new double[] {4 / 7.0, 2 / 7.0, 1 / 7.0},
                DeepSupervisionLoss.mist(new CrossEntropyLoss(), 3).weights(), 1e-15);
    }

    @Test void nearestExactPicksHalfPixelCentres() {
        try (TensorScope scope = new TensorScope()) {
            Tensor t = Tensor.ofLongs(new long[] {0, 1, 2, 3, 4, 5, 6, 7}, 1, 8);
            assertArrayEquals(new long[] {1, 3, 5, 7}, NearestResize.resize(t, 1, new int[] {4}).toLongArray());
            assertArrayEquals(new long[] {1, 4, 6}, NearestResize.resize(t, 1, new int[] {3}).toLongArray()); // floor(1.33), floor(4), floor(6.67)
            assertArrayEquals(new long[] {4}, NearestResize.resize(t, 1, new int[] {1}).toLongArray());
        }
    }

    /** Downsamples [N, D, H, W] by 2 on each axis with the half-pixel rule (source index 2i + 1). */
    private static double[] halve(double[] v, int n, int d, int h, int w) {
        double[] r = new double[n * (d / 2) * (h / 2) * (w / 2)];
        int k = 0;
        for (int b = 0; b < n; b++) for (int z = 0; z < d / 2; z++) for (int y = 0; y < h / 2; y++) for (int x = 0; x < w / 2; x++) {
            r[k++] = v[((b * d + 2 * z + 1) * h + 2 * y + 1) * w + 2 * x + 1];
        }
        return r;
    }

    @Test void nnUNetDeepSupervisionDownsamplesTargetsAndMask() {
        LossFixture full = new LossFixture(41, 2, 3, 2, 4, 4);
        LossFixture half = new LossFixture(42, 2, 3, 1, 2, 2);
        LossFixture quarter = new LossFixture(43, 2, 3, 1, 1, 1);
        // the half-resolution fixture's labels and mask become the downsampled full ones
        double[] labels = new double[full.labels.length];
        for (int i = 0; i < labels.length; i++) labels[i] = full.labels[i];
        double[] hl = halve(labels, 2, 2, 4, 4), hm = halve(full.mask, 2, 2, 4, 4);
        for (int i = 0; i < hl.length; i++) { half.labels[i] = (long) hl[i]; half.mask[i] = hm[i]; }
        DeepSupervisionLoss ds = DeepSupervisionLoss.nnUNet(DiceCeLoss.nnUNet(), 3);
        try (TensorScope scope = new TensorScope()) {
            double expected = 2 / 3.0 * full.value((x, m) -> DiceCeLoss.nnUNet().compute(x, full.labelsTensor(), m), true)
                    + 1 / 3.0 * half.value((x, m) -> DiceCeLoss.nnUNet().compute(x, half.labelsTensor(), m), true);
            List<Variable> heads = List.of(Variable.constant(full.logitsTensor()), Variable.constant(half.logitsTensor()),
                    Variable.constant(quarter.logitsTensor()));
            assertEquals(expected, ds.compute(heads, full.labelsTensor(), full.maskTensor()).value().item(), 1e-12);
            GradCheck.assertGradients("deep supervision", vs -> ds.compute(List.of(vs[0], vs[1], vs[2]), full.labelsTensor(),
                    full.maskTensor()), full.logitsTensor(), half.logitsTensor(), quarter.logitsTensor());
        }
    }

    @Test void factoryKnowsMistNames() {
        for (String name : Losses.NAMES) assertTrue(Losses.create(name) != null, name);
        for (String name : List.of("dice_ce", "dice", "gdl", "bl", "hdl", "gsl", "cldice")) {
            assertEquals(name, Losses.create(name).name());
        }
        assertTrue(Losses.create("hdl").needsDistanceMaps());
        assertTrue(!Losses.create("cldice").needsDistanceMaps());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Losses.create("lovasz"));
        assertTrue(e.getMessage().contains("dice_ce"), e.getMessage());
    }

    @Test void factoryLossesRunOnTheFixture() {
        LossFixture f = new LossFixture(51, 2, 3, 2, 3, 4);
        Tensor dist = SignedDistance.of(f);
        for (String name : Losses.NAMES) {
            try (TensorScope scope = new TensorScope()) {
                Loss loss = Losses.create(name);
                Tensor target = f.labelsTensor();
                Variable x = Variable.param(f.logitsTensor());
                Variable l = loss.compute(x, LossTarget.of(target, dist), f.maskTensor());
                l.backward();
                assertTrue(Double.isFinite(l.value().item()), name);
                for (double g : x.grad().toDoubleArray()) assertTrue(Double.isFinite(g), name);
                x.close();
            }
        }
    }

    /** Training runs in float32: every loss accepts it and agrees with float64 to float32 precision. */
    @Test void factoryLossesAgreeInFloat32() {
        LossFixture f = new LossFixture(52, 2, 3, 2, 3, 4);
        Tensor dist = SignedDistance.of(f);
        for (String name : Losses.NAMES) {
            try (TensorScope scope = new TensorScope()) {
                Loss loss = Losses.create(name);
                Variable x64 = Variable.param(f.logitsTensor());
                Variable x32 = Variable.param(f.logitsTensor().cast(org.voxelforge.core.DType.FLOAT32));
                Variable l64 = loss.compute(x64, LossTarget.of(f.labelsTensor(), dist), f.maskTensor());
                Variable l32 = loss.compute(x32, LossTarget.of(f.labelsTensor(), dist.cast(org.voxelforge.core.DType.FLOAT32)),
                        f.maskTensor());
                assertEquals(org.voxelforge.core.DType.FLOAT32, l32.dtype(), name);
                l64.backward();
                l32.backward();
                assertEquals(l64.value().item(), l32.value().item(), 1e-5 * Math.max(1, Math.abs(l64.value().item())), name);
                assertArrayEquals(x64.grad().toDoubleArray(), x32.grad().toDoubleArray(), 1e-5, name + " gradient");
                x64.close();
                x32.close();
            }
        }
    }
}
