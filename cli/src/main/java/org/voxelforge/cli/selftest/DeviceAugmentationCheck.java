package org.voxelforge.cli.selftest;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.voxelforge.core.Device;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;
import org.voxelforge.core.cuda.CudaBackend;
import org.voxelforge.data.augment.AugmentStep;
import org.voxelforge.data.augment.Compose;
import org.voxelforge.data.augment.Flip;
import org.voxelforge.data.augment.GaussianNoise;
import org.voxelforge.data.augment.IntensityTransforms;
import org.voxelforge.data.augment.PatchShape;
import org.voxelforge.data.augment.RandomTransform;
import org.voxelforge.data.augment.SpatialTransform;
import org.voxelforge.data.augment.device.DeviceAugmenter;
import org.voxelforge.data.augment.device.DeviceSample;
import org.voxelforge.data.sampling.Patch;

/**
 * Augmentation on the model's device ({@link DeviceAugmenter} over the CUDA backend) against the
 * same drawn steps executed on a CPU patch ({@link AugmentStep#apply}, the reference), for a few
 * seeded samples of two channels, with and without an annotation mask: images within 1e-5 of the
 * largest |value| (the CPU computes some steps in double), labels and masks exactly. The steps
 * are the nnU-Net pipeline's ({@link Compose#nnUNetDefaults}) without Gaussian noise, whose values
 * the device draws itself: the first two samples take every one of its transforms (each fired,
 * spatial with both rotation and scaling), the others what the pipeline draws. Ops that ran on
 * the host instead of the device are listed in the detail.
 */
final class DeviceAugmentationCheck {
    static final String NAME = " augmentation on the device vs cpu";

    private DeviceAugmentationCheck() {}

    static SelfTestCheck of(String label, Device device, boolean quick) {
        String name = label + NAME;
        // the emulator runs the kernels on the host CPU: full size only on a real device
        boolean small = quick || device.kind() == Device.Kind.EMULATOR;
        int[] dims = small ? new int[] {12, 10, 9} : new int[] {40, 36, 32};
        return SelfTestCheck.of(name, () -> run(name, device, dims, quick ? 4 : 8));
    }

    /** Random patches ({@link Patch#random}: Gaussian images, labels 0..3, an 80%-annotated mask if asked). */
    static Patch patch(long seed, int channels, int[] d, boolean withMask) {
        return Patch.random("selftest-" + seed, seed, channels, d, withMask);
    }

    /** Every transform of the nnU-Net pipeline except noise, each fired (spatial: rotation and scaling, no elastic, as there). */
    static List<AugmentStep> everyStep(PatchShape shape, RandomGenerator rng) {
        List<AugmentStep> out = new ArrayList<>();
        double a = Math.toRadians(30);
        new SpatialTransform(0, 0, 200, 9, 13, 1, new double[] {a, a, a}, 1, 0.7, 1.4).draw(shape, rng.split(), out);
        List<RandomTransform> intensity = List.of(IntensityTransforms.blur(), IntensityTransforms.brightness(), IntensityTransforms.contrast(),
                IntensityTransforms.lowResolution(), IntensityTransforms.gammaInverted(), IntensityTransforms.gamma(), new Flip(1.0, 0, 1, 2));
        for (RandomTransform t : intensity) {
            AugmentStep s = t.drawAlways(shape, rng.split());
            if (s != null) out.add(s); // a flip may choose no axis
        }
        return out;
    }

    /** What the nnU-Net pipeline draws for a sample of {@code shape}, noise left out. */
    static List<AugmentStep> pipelineSteps(PatchShape shape, RandomGenerator rng) {
        List<AugmentStep> out = new ArrayList<>();
        Compose.nnUNetDefaults().draw(shape, rng, out);
        out.removeIf(s -> s instanceof GaussianNoise.Step);
        return out;
    }

    private static SelfTestResult run(String name, Device device, int[] dims, int samples) {
        WorstError worst = new WorstError();
        TreeSet<String> kinds = new TreeSet<>();
        int steps = 0;
        Map<String, Long> before = CudaBackend.hostFallbacks();
        for (int k = 0; k < samples; k++) {
            long seed = 70 + k;
            Patch p = patch(seed, 2, dims, k % 2 == 0);
            RandomGenerator rng = new RandomGenerator(seed);
            List<AugmentStep> drawn = k < 2 ? everyStep(PatchShape.of(p), rng) : pipelineSteps(PatchShape.of(p), rng);
            for (AugmentStep s : drawn) kinds.add(kind(s));
            steps += drawn.size();
            compare(drawn, p, device, "sample " + k + (p.mask == null ? "" : " (masked)") + " ", worst);
        }
        String host = BackendStepCheck.hostOps(before);
        return worst.result(name, String.format(Locale.ROOT, "%d samples %dx%dx%d, 2 channels, %d steps (%s); host ops: %s",
                samples, dims[0], dims[1], dims[2], steps, String.join(", ", kinds), host));
    }

    /** "Flip" for a Flip.Step. */
    private static String kind(AugmentStep s) {
        Class<?> outer = s.getClass().getEnclosingClass();
        return (outer == null ? s.getClass() : outer).getSimpleName();
    }

    /** Executes {@code steps} on a CPU copy of {@code p} and on {@code device}, and notes the differences. */
    static void compare(List<AugmentStep> steps, Patch p, Device device, String tag, WorstError worst) {
        Patch ref = p.copy();
        for (AugmentStep s : steps) s.apply(ref);
        try (TensorScope scope = new TensorScope(); DeviceSample s = upload(p, device)) {
            DeviceAugmenter.apply(steps, s);
            noteDifferences(ref, s, device, tag, worst);
        }
    }

    /** How far the augmented sample {@code s} is from the reference patch: image 1e-5 of the largest |value|, labels and mask exactly. */
    static void noteDifferences(Patch ref, DeviceSample s, Device device, String tag, WorstError worst) {
        if (!s.image().device().equals(device)) {
            worst.note(tag + "image left " + device + " for " + s.image().device(), Double.POSITIVE_INFINITY);
            return;
        }
        if (!java.util.Arrays.equals(ref.dims, s.dims())) {
            worst.note(tag + "dims " + java.util.Arrays.toString(s.dims()) + ", expected " + java.util.Arrays.toString(ref.dims),
                    Double.POSITIVE_INFINITY);
            return;
        }
        worst.floats(tag + "image", ref.image, s.image().toFloatArray(), 1e-5);
        worst.exact(tag + "labels", ints(ref.label), s.labels().toIntArray());
        if ((ref.mask == null) != (s.mask() == null)) worst.note(tag + "mask presence differs", Double.POSITIVE_INFINITY);
        else if (ref.mask != null) worst.exact(tag + "mask", ints(ref.mask), s.mask().toIntArray());
    }

    static DeviceSample upload(Patch p, Device device) {
        int[] d = p.dims;
        Tensor image = Tensor.of(p.image, p.channels, d[0], d[1], d[2]).transferTo(device);
        Tensor labels = Tensor.ofInts(ints(p.label), d).transferTo(device);
        Tensor mask = p.mask == null ? null : Tensor.ofInts(ints(p.mask), d).transferTo(device);
        return new DeviceSample(image, labels, mask);
    }

    private static int[] ints(byte[] b) {
        int[] v = new int[b.length];
        for (int i = 0; i < b.length; i++) v[i] = b[i];
        return v;
    }
}
