package org.voxelforge.data.augment.device;

import java.util.ArrayList;
import java.util.List;
import org.voxelforge.core.Backend;
import org.voxelforge.core.DType;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.cuda.CudaBackend;
import org.voxelforge.core.fused.AffineResample;
import org.voxelforge.data.augment.SpatialTransform;

/**
 * SpatialTransform's step on the device: the elastic field made there (Philox uniform noise from
 * the step's stream, blurred by {@link DeviceBlur} with a constant border, times alpha), then one
 * resampling of the image (trilinear) and of the label map and mask together (nearest, as two
 * int32 label channels): {@link CudaBackend#resample} on a CUDA-backend device, its CPU twin
 * {@link AffineResample} on CPU tensors. Both read 0 outside the patch, as SpatialTransform does.
 */
final class DeviceSpatial {
    private DeviceSpatial() {}

    static void apply(DeviceSample s, SpatialTransform.Step step) {
        int[] d = s.dims();
        double[] m = step.matrix(d), origin = SpatialTransform.Step.centre(d);
        Tensor[] out;
        try (Tensor disp = step.elastic() == null ? null : field(step.elastic(), d, s.image());
             Tensor labels = labelChannels(s)) {
            Backend backend = s.image().backend();
            if (backend instanceof CudaBackend cuda) {
                out = cuda.resample(s.image(), labels, d, m, origin, disp, 0f, 0);
            } else {
                out = onCpu(s.image(), labels, d, m, origin, disp);
            }
        }
        s.setImage(out[0]);
        try (Tensor lab = out[1]) {
            s.setLabels(lab.select(0, 0));
            if (s.mask() != null) s.setMask(lab.select(0, 1));
        }
    }

    /** The displacement [3, X, Y, Z] float32 on the image's device, as SpatialTransform.Elastic.field makes it on the CPU. */
    static Tensor field(SpatialTransform.Elastic e, int[] d, Tensor like) {
        List<Tensor> axes = new ArrayList<>(3);
        try {
            for (int a = 0; a < 3; a++) {
                try (Tensor noise = Tensor.zeros(like.device(), DType.FLOAT32, d)) {
                    noise.backend().fillRandom(noise, RandomGenerator.Distribution.UNIFORM, -1, 1, e.key(), e.counters()[a]);
                    try (Tensor blurred = DeviceBlur.blur(noise, e.sigma(), false)) {
                        axes.add(blurred.mul((float) e.alpha()));
                    }
                }
            }
            return Tensor.stack(axes, 0);
        } finally {
            for (Tensor t : axes) t.close();
        }
    }

    /** Label map, then the mask if there is one, as int32 [L, X, Y, Z]. */
    private static Tensor labelChannels(DeviceSample s) {
        return s.mask() == null ? s.labels().unsqueeze(0).contiguous() : Tensor.stack(List.of(s.labels(), s.mask()), 0);
    }

    private static Tensor[] onCpu(Tensor image, Tensor labels, int[] d, double[] m, double[] origin, Tensor disp) {
        AffineResample.Map map = new AffineResample.Map(d, d, m, origin, disp == null ? null : disp.toFloatArray());
        float[] img = AffineResample.images(map, image.toFloatArray(), image.dim(0), 0f);
        int[] lab = AffineResample.labels(map, labels.toIntArray(), labels.dim(0), 0);
        return new Tensor[] {Tensor.of(img, image.dims()), Tensor.ofInts(lab, labels.dims())};
    }
}
