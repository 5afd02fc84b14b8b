package org.voxelforge.nn.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.voxelforge.autograd.GradCheck;
import org.voxelforge.autograd.Variable;
import org.voxelforge.core.DType;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;

/**
 * Small random inputs and the checks every loss gets: gradcheck, reference value, mask property.
 * Layout is row-major: logits[(n C + c) S + s], labels/mask[n S + s], S = voxels per sample.
 */
final class LossFixture {
    final int n, c;
    final int[] spatial;
    final int s;
    final double[] logits;
    final long[] labels;
    final double[] mask;

    LossFixture(long seed, int n, int c, int... spatial) {
        this.n = n;
        this.c = c;
        this.spatial = spatial.clone();
        int v = 1;
        for (int d : spatial) v *= d;
        this.s = v;
        Random r = new Random(seed);
        logits = new double[n * c * s];
        for (int i = 0; i < logits.length; i++) logits[i] = r.nextGaussian() * 1.5;
        labels = new long[n * s];
        // a blob of class 1 and 2 so distance maps and skeletons are not trivial, plus noise
        for (int i = 0; i < labels.length; i++) labels[i] = r.nextDouble() < 0.6 ? 0 : 1 + r.nextInt(c - 1);
        mask = new double[n * s];
        for (int i = 0; i < mask.length; i++) mask[i] = r.nextDouble() < 0.7 ? 1 : 0;
    }

    int[] logitDims() {
        int[] d = new int[spatial.length + 2];
        d[0] = n;
        d[1] = c;
        System.arraycopy(spatial, 0, d, 2, spatial.length);
        return d;
    }

    int[] voxelDims() {
        int[] d = new int[spatial.length + 1];
        d[0] = n;
        System.arraycopy(spatial, 0, d, 1, spatial.length);
        return d;
    }

    Tensor logitsTensor() { return Tensor.of(logits, logitDims()); }

    Tensor labelsTensor() { return Tensor.ofLongs(labels, voxelDims()); }

    Tensor maskTensor() { return Tensor.of(DType.FLOAT32, mask, voxelDims()); }

    Tensor oneHotTensor() {
        double[] t = new double[n * c * s];
        for (int b = 0; b < n; b++) for (int v = 0; v < s; v++) t[(b * c + (int) labels[b * s + v]) * s + v] = 1;
        return Tensor.of(t, logitDims());
    }

    double logit(int b, int ch, int v) { return logits[(b * c + ch) * s + v]; }

    int label(int b, int v) { return (int) labels[b * s + v]; }

    double target(int b, int ch, int v) { return label(b, v) == ch ? 1 : 0; }

    boolean annotated(int b, int v, boolean useMask) { return !useMask || mask[b * s + v] > 0; }

    double softmax(int b, int ch, int v) {
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < c; k++) max = Math.max(max, logit(b, k, v));
        double z = 0;
        for (int k = 0; k < c; k++) z += Math.exp(logit(b, k, v) - max);
        return Math.exp(logit(b, ch, v) - max) / z;
    }

    // ---- the three checks ------------------------------------------------------------------

    interface LossFn { Variable apply(Variable logits, Tensor mask); }

    double value(LossFn f, boolean useMask) {
        try (TensorScope scope = new TensorScope()) {
            return f.apply(Variable.constant(logitsTensor()), useMask ? maskTensor() : null).value().item();
        }
    }

    void assertValue(String what, LossFn f, boolean useMask, double expected) {
        assertEquals(expected, value(f, useMask), 1e-10 * Math.max(1, Math.abs(expected)), what + (useMask ? " (masked)" : ""));
    }

    void gradcheck(String what, LossFn f, boolean useMask) {
        try (TensorScope scope = new TensorScope()) {
            Tensor m = useMask ? maskTensor() : null;
            GradCheck.assertGradients(what, vs -> f.apply(vs[0], m), logitsTensor());
        }
    }

    /**
     * Changing logits at masked-out voxels changes neither the loss nor any gradient, and their
     * gradient is exactly zero.
     */
    void assertMaskProperty(String what, LossFn f) {
        double[] other = logits.clone();
        Random r = new Random(99);
        for (int b = 0; b < n; b++) for (int ch = 0; ch < c; ch++) for (int v = 0; v < s; v++) {
            if (mask[b * s + v] == 0) other[(b * c + ch) * s + v] = r.nextGaussian() * 10;
        }
        try (TensorScope scope = new TensorScope()) {
            Variable a = Variable.param(logitsTensor());
            Variable la = f.apply(a, maskTensor());
            la.backward();
            Variable o = Variable.param(Tensor.of(other, logitDims()));
            Variable lo = f.apply(o, maskTensor());
            lo.backward();
            assertEquals(la.value().item(), lo.value().item(), 0.0, what + ": loss changed with masked-out logits");
            double[] ga = a.grad().toDoubleArray(), go = o.grad().toDoubleArray();
            boolean anyNonZero = false;
            for (int b = 0; b < n; b++) for (int ch = 0; ch < c; ch++) for (int v = 0; v < s; v++) {
                int i = (b * c + ch) * s + v;
                assertEquals(ga[i], go[i], 0.0, what + ": gradient changed at " + i);
                if (mask[b * s + v] == 0) assertEquals(0.0, ga[i], 0.0, what + ": masked-out gradient at " + i);
                else anyNonZero |= ga[i] != 0;
            }
            assertTrue(anyNonZero, what + ": no gradient reached the annotated voxels");
            a.close();
            o.close();
        }
    }

    /** All three checks with and without the mask, against a reference of (fixture, useMask). */
    void assertAll(String what, LossFn f, java.util.function.ToDoubleFunction<Boolean> reference) {
        assertValue(what, f, false, reference.applyAsDouble(false));
        assertValue(what, f, true, reference.applyAsDouble(true));
        gradcheck(what, f, true); // masked: checks annotated voxels and the zeros at the others
        assertMaskProperty(what, f);
    }
}
