package org.voxelforge.train.trainer;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.voxelforge.core.Tensor;
import org.voxelforge.nn.io.SafeTensors;
import org.voxelforge.nn.models.DynamicUNet;

/** SWA in the trainer: swa.safetensors is the mean of the epoch-end weights from the start epoch on, and a resume carries it. */
class TrainerSwaTest {
    static List<LabeledVolume> cases;

    @BeforeAll static void makeCases() { cases = Synthetic.twoSpheres(); }

    @AfterAll static void freeCases() { Synthetic.close(cases); }

    static TrainingOptions options() { return Synthetic.options(3, 2).withSwaStart(1).withValidateEvery(0); }

    @Test void swaWeightsAreTheMeanOfTheEpochEndWeights(@TempDir Path out) throws Exception {
        Map<String, double[]> sum = new HashMap<>();
        try (DynamicUNet m = Synthetic.tinyUNet();
             Trainer t = new Trainer(m, options(), new InMemoryBatchSource(cases, Synthetic.PATCH, 2, 5), List.of(), out, null)) {
            t.setListener(new Trainer.Listener() {
                @Override public void epochDone(TrainingLog.Row row, Trainer trainer) {
                    if (row.epoch() < 1) return;
                    m.namedParameters().forEach((n, p) -> {
                        float[] v = p.value().toFloatArray();
                        double[] s = sum.computeIfAbsent(n, k -> new double[v.length]);
                        for (int i = 0; i < v.length; i++) s[i] += v[i];
                    });
                }
            });
            t.fit();
            try (SafeTensors.Contents c = SafeTensors.load(t.swaModelFile())) {
                assertEquals(m.namedParameters().keySet(), c.tensors().keySet());
                for (Map.Entry<String, Tensor> e : c.tensors().entrySet()) {
                    float[] swa = e.getValue().toFloatArray();
                    double[] s = sum.get(e.getKey());
                    for (int i = 0; i < swa.length; i++) assertEquals(s[i] / 2, swa[i], 1e-6 * (1 + Math.abs(s[i])), e.getKey() + "[" + i + "]");
                }
            }
        }
    }

    @Test void resumeCarriesTheAverageBitForBit(@TempDir Path whole, @TempDir Path split) throws Exception {
        InMemoryBatchSource src = new InMemoryBatchSource(cases, Synthetic.PATCH, 2, 5);
        try (DynamicUNet m = Synthetic.tinyUNet(); Trainer t = new Trainer(m, options(), src, List.of(), whole, null)) {
            t.fit();
        }
        try (DynamicUNet m = Synthetic.tinyUNet(); Trainer t = new Trainer(m, options(), src, List.of(), split, null)) {
            t.fitUntil(2); // one snapshot averaged, one to come
        }
        try (DynamicUNet m = Synthetic.tinyUNet(); Trainer t = new Trainer(m, options(), src, List.of(), split, null)) {
            t.resume();
            t.fit();
        }
        try (SafeTensors.Contents a = SafeTensors.load(whole.resolve("models/swa.safetensors"));
             SafeTensors.Contents b = SafeTensors.load(split.resolve("models/swa.safetensors"))) {
            for (String k : a.tensors().keySet()) assertArrayEquals(a.tensors().get(k).toFloatArray(), b.tensors().get(k).toFloatArray(), k);
        }
    }
}
