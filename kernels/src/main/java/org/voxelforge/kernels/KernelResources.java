package org.voxelforge.kernels;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * Where the CUDA kernels live at run time: one fatbin compiled by nvcc during the build and
 * packaged in this module's jar. Absent when the build machine had no nvcc. Beside it, the host
 * emulator (the same sources compiled by g++ for the CPU, kernels/build-emulator.sh), absent
 * without g++ or on another platform than linux-x86_64.
 */
public final class KernelResources {
    public static final String FATBIN = "/org/voxelforge/kernels/voxelforge.fatbin";

    public static final String EMULATOR_PLATFORM = "linux-x86_64";
    public static final String EMULATOR = "/org/voxelforge/kernels/emu/" + EMULATOR_PLATFORM + "/libvoxelforge-emu.so";

    private KernelResources() {}

    /** The fatbin's bytes, or empty when this jar was built without nvcc. */
    public static Optional<byte[]> fatbin() {
        try (InputStream in = KernelResources.class.getResourceAsStream(FATBIN)) {
            return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
        } catch (IOException e) {
            throw new IllegalStateException("could not read the kernel fatbin " + FATBIN + " from the jar", e);
        }
    }

    /** The host emulator library's bytes, or empty when this jar was built without it. */
    public static Optional<byte[]> emulator() {
        try (InputStream in = KernelResources.class.getResourceAsStream(EMULATOR)) {
            return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
        } catch (IOException e) {
            throw new IllegalStateException("could not read the kernel emulator " + EMULATOR + " from the jar", e);
        }
    }
}
