package org.voxelforge.kernels;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * Where the CUDA kernels live at run time: one fatbin compiled by nvcc during the build and
 * packaged in this module's jar. Absent when the build machine had no nvcc.
 */
public final class KernelResources {
    public static final String FATBIN = "/org/voxelforge/kernels/voxelforge.fatbin";

    private KernelResources() {}

    /** The fatbin's bytes, or empty when this jar was built without nvcc. */
    public static Optional<byte[]> fatbin() {
        try (InputStream in = KernelResources.class.getResourceAsStream(FATBIN)) {
            return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
        } catch (IOException e) {
            throw new IllegalStateException("could not read the kernel fatbin " + FATBIN + " from the jar", e);
        }
    }
}
