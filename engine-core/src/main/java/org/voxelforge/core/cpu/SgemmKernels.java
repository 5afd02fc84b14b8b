package org.voxelforge.core.cpu;

import java.util.logging.Logger;

/**
 * Picks the micro-kernel once: the Vector API one when {@code jdk.incubator.vector} is present,
 * (8 x 2 vectors with 512-bit vectors, else 6 x 2 vectors), else the scalar one, with one log line that says how to get the fast path.
 * {@code -Dvoxelforge.sgemm.scalar=true} forces the scalar kernel.
 */
final class SgemmKernels {
    private SgemmKernels() {}

    static final SgemmMicroKernel SCALAR = new SgemmScalarKernel();
    static final SgemmMicroKernel BEST = pick();

    private static SgemmMicroKernel pick() {
        if (Boolean.getBoolean("voxelforge.sgemm.scalar")) return SCALAR;
        try {
            SgemmMicroKernel six = (SgemmMicroKernel) Class.forName("org.voxelforge.core.cpu.SgemmVectorKernel")
                    .getDeclaredConstructor().newInstance();
            // with 16-float vectors (AVX-512, 32 registers) an 8-row tile fits without spills, and
            // 8 divides the channel counts of conv layers (32, 64, 320) where 6 leaves a wasted edge tile
            if (six.nr() < 32) return six;
            return (SgemmMicroKernel) Class.forName("org.voxelforge.core.cpu.SgemmVectorKernel8")
                    .getDeclaredConstructor().newInstance();
        } catch (LinkageError | ReflectiveOperationException e) {
            Logger.getLogger("org.voxelforge.core.cpu").info("sgemm: Vector API not available (" + e
                    + "); using the scalar kernel. Pass --add-modules jdk.incubator.vector for the fast path.");
            return SCALAR;
        }
    }
}
