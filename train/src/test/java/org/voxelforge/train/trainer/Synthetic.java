package org.voxelforge.train.trainer;

import java.util.ArrayList;
import java.util.List;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.core.Tensor;
import org.voxelforge.nn.models.DynamicUNet;

/** Small synthetic cases (a bright sphere in Gaussian noise) and a tiny U-Net for trainer tests. */
final class Synthetic {
    private Synthetic() {}

    static final int[] PATCH = {16, 16, 16};

    /** A case of size n^3: image 1 inside a sphere of radius r at c, 0 outside, plus N(0, 0.3) noise; labels 1 inside. */
    static LabeledVolume sphere(String id, int n, double[] c, double r, long seed) {
        float[] img = new float[n * n * n];
        int[] lab = new int[n * n * n];
        Tensor noise = new RandomGenerator(seed).normal(0, 0.3, n * n * n);
        float[] z = noise.toFloatArray();
        noise.close();
        for (int x = 0, i = 0; x < n; x++) {
            for (int y = 0; y < n; y++) {
                for (int w = 0; w < n; w++, i++) {
                    double d2 = (x - c[0]) * (x - c[0]) + (y - c[1]) * (y - c[1]) + (w - c[2]) * (w - c[2]);
                    lab[i] = d2 <= r * r ? 1 : 0;
                    img[i] = lab[i] + z[i];
                }
            }
        }
        return new LabeledVolume(id, Tensor.of(img, 1, n, n, n), Tensor.ofInts(lab, n, n, n));
    }

    static List<LabeledVolume> twoSpheres() {
        List<LabeledVolume> out = new ArrayList<>();
        out.add(sphere("a", 20, new double[] {9, 10, 11}, 5, 1));
        out.add(sphere("b", 20, new double[] {11, 9, 8}, 6, 2));
        return out;
    }

    /** Two stages (stride 2), 4 then 8 features, two classes, seeded init. */
    static DynamicUNet tinyUNet() {
        return new DynamicUNet(DynamicUNet.Plan.isotropic(1, 2, 2).withFeatures(4, 8).withSeed(7));
    }

    static TrainingOptions options(int epochs, int steps) {
        return new TrainingOptions(epochs, steps, 2, "dice_ce", false, "adam", 1e-2, 0, 0, false, "constant", 0, 0, 0, 11, 1, PATCH);
    }

    static void close(List<LabeledVolume> vs) {
        for (LabeledVolume v : vs) {
            v.image().close();
            v.labels().close();
        }
    }
}
