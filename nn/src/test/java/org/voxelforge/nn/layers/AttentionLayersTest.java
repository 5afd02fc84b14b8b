package org.voxelforge.nn.layers;

import static org.junit.jupiter.api.Assertions.*;
import static org.voxelforge.nn.layers.ConvLayersTest.assertClose;

import org.junit.jupiter.api.Test;
import org.voxelforge.autograd.Variable;
import org.voxelforge.core.DType;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;
import org.voxelforge.nn.Module;
import org.voxelforge.nn.layers.Naive.Vol;

/** CBAM and the attention gate against loop references, and float64 gradchecks. */
class AttentionLayersTest {
    private final RandomGenerator rng = new RandomGenerator(13);

    private Tensor rand(int... dims) { return rng.fill(RandomGenerator.Distribution.UNIFORM, -1, 1, DType.FLOAT64, dims); }

    private static double sig(double v) { return 1 / (1 + Math.exp(-v)); }

    private static Vol param(Module m, String name) { return Vol.of(m.namedParameters().get(name).value().reshape(reshape5(m.namedParameters().get(name).dims()))); }

    private static int[] reshape5(int[] d) { return d.length == 5 ? d : new int[] {d[0], 1, 1, 1, 1}; }

    @Test void cbamMatchesLoops() {
        try (TensorScope s = new TensorScope(); CBAM cbam = new CBAM(4, 2, 3, DType.FLOAT64, rng)) {
            assertEquals(4 * 2 + 2 * 4 + 2 * 27, cbam.parameterCount());
            Tensor x = rand(2, 4, 3, 2, 3);
            Vol v = Vol.of(x);
            double[] w1 = cbam.namedParameters().get("channel_mlp.0.weight").value().toDoubleArray(); // [2, 4]
            double[] w2 = cbam.namedParameters().get("channel_mlp.2.weight").value().toDoubleArray(); // [4, 2]
            int sp = 18;
            Vol xc = Vol.zeros(2, 4, 3, 2, 3);
            for (int n = 0; n < 2; n++) {
                double[] avg = new double[4], max = new double[4];
                for (int c = 0; c < 4; c++) {
                    max[c] = Double.NEGATIVE_INFINITY;
                    for (int i = 0; i < sp; i++) { double e = v.a()[(n * 4 + c) * sp + i]; avg[c] += e / sp; max[c] = Math.max(max[c], e); }
                }
                double[] att = new double[4];
                for (double[] pooled : new double[][] {avg, max}) {
                    double[] hid = new double[2];
                    for (int j = 0; j < 2; j++) { for (int c = 0; c < 4; c++) hid[j] += w1[j * 4 + c] * pooled[c]; hid[j] = Math.max(0, hid[j]); }
                    for (int c = 0; c < 4; c++) for (int j = 0; j < 2; j++) att[c] += w2[c * 2 + j] * hid[j];
                }
                for (int c = 0; c < 4; c++) for (int i = 0; i < sp; i++) xc.a()[(n * 4 + c) * sp + i] = v.a()[(n * 4 + c) * sp + i] * sig(att[c]);
            }
            Vol maps = Vol.zeros(2, 2, 3, 2, 3);
            for (int n = 0; n < 2; n++)
                for (int i = 0; i < sp; i++) {
                    double mean = 0, max = Double.NEGATIVE_INFINITY;
                    for (int c = 0; c < 4; c++) { double e = xc.a()[(n * 4 + c) * sp + i]; mean += e / 4; max = Math.max(max, e); }
                    maps.a()[(n * 2) * sp + i] = mean;
                    maps.a()[(n * 2 + 1) * sp + i] = max;
                }
            Vol ms = Naive.conv3d(maps, param(cbam, "spatial_conv.weight"), null, new int[] {1, 1, 1}, new int[] {1, 1, 1}, new int[] {1, 1, 1}, 1);
            Vol ref = Vol.zeros(2, 4, 3, 2, 3);
            for (int n = 0; n < 2; n++) for (int c = 0; c < 4; c++) for (int i = 0; i < sp; i++)
                ref.a()[(n * 4 + c) * sp + i] = xc.a()[(n * 4 + c) * sp + i] * sig(ms.a()[n * sp + i]);
            assertClose(ref, cbam.apply(Variable.constant(x)).value(), 1e-12);
        }
    }

    @Test void attentionGateMatchesLoops() {
        try (TensorScope s = new TensorScope(); AttentionGate ag = new AttentionGate(3, 2, 2, DType.FLOAT64, rng)) {
            Tensor g = rand(1, 3, 2, 3, 2), x = rand(1, 2, 2, 3, 2);
            double[] wx = ag.namedParameters().get("W_x.weight").value().toDoubleArray();
            double[] wg = ag.namedParameters().get("W_g.weight").value().toDoubleArray();
            double[] bg = ag.namedParameters().get("W_g.bias").value().toDoubleArray();
            double[] wp = ag.namedParameters().get("psi.weight").value().toDoubleArray();
            double bp = ag.namedParameters().get("psi.bias").value().item();
            double[] gd = g.toDoubleArray(), xd = x.toDoubleArray();
            int sp = 12;
            Vol ref = Vol.zeros(1, 2, 2, 3, 2);
            for (int i = 0; i < sp; i++) {
                double psi = bp;
                for (int k = 0; k < 2; k++) {
                    double q = bg[k];
                    for (int c = 0; c < 3; c++) q += wg[k * 3 + c] * gd[c * sp + i];
                    for (int c = 0; c < 2; c++) q += wx[k * 2 + c] * xd[c * sp + i];
                    psi += wp[k] * Math.max(0, q);
                }
                for (int c = 0; c < 2; c++) ref.a()[c * sp + i] = xd[c * sp + i] * sig(psi);
            }
            assertClose(ref, ag.gate(Variable.constant(g), Variable.constant(x)).value(), 1e-12);
            var e = assertThrows(IllegalArgumentException.class, () -> ag.gate(Variable.constant(rand(1, 3, 1, 3, 2)), Variable.constant(x)));
            assertTrue(e.getMessage().contains("upsample"), e.getMessage());
        }
    }

    @Test void gradchecks() {
        try (TensorScope s = new TensorScope()) {
            ModuleGradCheck.assertGradients("CBAM", new CBAM(4, 2, 3, DType.FLOAT64, rng), rand(1, 4, 3, 2, 3));
            // the gate's two inputs: gradcheck through a module that splits one input into g and x
            AttentionGate ag = new AttentionGate(3, 2, 2, DType.FLOAT64, rng);
            Module wrapper = new Module() {
                { registerModule("gate", ag); }
                @Override public Variable forward(Variable gx) { return ag.gate(gx.slice(1, 0, 3), gx.slice(1, 3, 5)); }
            };
            ModuleGradCheck.assertGradients("AttentionGate", wrapper, rand(1, 5, 2, 2, 3));
        }
    }
}
