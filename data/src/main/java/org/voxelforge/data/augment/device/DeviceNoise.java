package org.voxelforge.data.augment.device;

import org.voxelforge.core.DType;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.core.Tensor;
import org.voxelforge.data.augment.GaussianNoise;

/**
 * Gaussian noise made on the device by its own fillRandom (Philox), never copied from the host.
 * It is keyed by the step's (key, counter), the Philox stream the CPU step fills from, so it has
 * the same distribution and, where the device evaluates RandomGenerator's definition bit for bit,
 * the same values; callers must not rely on the values being equal (the device's Box-Muller
 * transcendentals may round differently), only on the distribution: the tests compare statistics.
 */
final class DeviceNoise {
    private DeviceNoise() {}

    static Tensor add(Tensor img, GaussianNoise.Step s) {
        try (Tensor noise = Tensor.zeros(img.device(), DType.FLOAT32, img.dims())) {
            noise.backend().fillRandom(noise, RandomGenerator.Distribution.NORMAL, 0, s.std(), s.key(), s.counter());
            return img.add(noise);
        }
    }
}
