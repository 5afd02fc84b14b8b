package org.voxelforge.cli;

import org.voxelforge.core.DType;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;

/**
 * A small two-channel head phantom with one tumour, made with engine ops only: an ellipsoid
 * "head", a spherical tumour core inside an edema shell, Gaussian noise and a smooth bias field.
 * Channel 0 looks like a T1 (core bright), channel 1 like a FLAIR (edema bright).
 * The label is the whole tumour (core + edema) as int64 0/1.
 */
record SyntheticPhantom(Tensor image, Tensor label) implements AutoCloseable {

    static SyntheticPhantom make(RandomGenerator rng, int n) {
        try (TensorScope scope = new TensorScope()) {
            Tensor z = Tensor.arange(0, n, 1, DType.FLOAT32).reshape(n, 1, 1);
            Tensor y = Tensor.arange(0, n, 1, DType.FLOAT32).reshape(1, n, 1);
            Tensor x = Tensor.arange(0, n, 1, DType.FLOAT32).reshape(1, 1, n);
            double c = (n - 1) / 2.0;
            Tensor head = sq(z.sub(c).div(0.45 * n)).add(sq(y.sub(c).div(0.40 * n))).add(sq(x.sub(c).div(0.35 * n))).le(1.0);
            double r = n * (0.10 + 0.06 * rng.nextDouble());
            double tz = c + (rng.nextDouble() - 0.5) * 0.3 * n;
            double ty = c + (rng.nextDouble() - 0.5) * 0.3 * n;
            double tx = c + (rng.nextDouble() - 0.5) * 0.3 * n;
            Tensor d2 = sq(z.sub(tz)).add(sq(y.sub(ty))).add(sq(x.sub(tx)));
            Tensor core = d2.le(r * r);
            Tensor wholeTumour = d2.le(2.56 * r * r);             // edema shell out to 1.6 r
            Tensor headF = head.cast(DType.FLOAT32), coreF = core.cast(DType.FLOAT32), wtF = wholeTumour.cast(DType.FLOAT32);
            Tensor edemaF = wtF.sub(coreF);
            Tensor t1 = headF.mul(0.45).add(coreF.mul(0.45)).add(edemaF.mul(0.05));
            Tensor flair = headF.mul(0.35).add(edemaF.mul(0.45)).add(coreF.mul(0.25));
            // smooth multiplicative bias field, then noise
            Tensor bias = z.div(n).sub(0.5).mul(0.3).add(sq(x.div(n).sub(0.5)).mul(-0.4)).add(1.0);
            Tensor ch0 = t1.mul(bias).add(rng.normal(0, 0.08, n, n, n));
            Tensor ch1 = flair.mul(bias).add(rng.normal(0, 0.08, n, n, n));
            Tensor image = Tensor.stack(java.util.List.of(ch0, ch1), 0);
            Tensor label = wholeTumour.cast(DType.INT64);
            return new SyntheticPhantom(scope.retain(image), scope.retain(label));
        }
    }

    private static Tensor sq(Tensor t) { return t.square(); }

    @Override public void close() {
        image.close();
        label.close();
    }
}
