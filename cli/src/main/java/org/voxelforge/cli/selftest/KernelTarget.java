package org.voxelforge.cli.selftest;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.voxelforge.core.cuda.CudaKernels;

/**
 * Where the kernel checks run: a CUDA device (its memory, the fatbin's kernels) or the host
 * emulator (native host memory, the same kernel sources compiled by g++; see kernels/README.md).
 * The checks are written once against this, so the code that will first run on a GPU has already
 * run, under the emulator, in CI. Buffers live until {@link #close()}.
 */
interface KernelTarget extends AutoCloseable {
    /** "cuda" or "emulator", for check names and details. */
    String label();

    CudaKernels kernels();

    /** Room for {@code bytes} (at least one byte); a device pointer. */
    long allocateBytes(long bytes);

    /** A new buffer holding a copy of {@code host}. */
    long upload(MemorySegment host);

    /** Waits for the target's work (so a kernel's error surfaces here), then copies {@code host.byteSize()} bytes back. */
    void download(long pointer, MemorySegment host);

    @Override void close();

    /** The check {@code label + name}: {@code body} runs on a fresh target, closed after it (buffers freed even on failure). */
    static SelfTestCheck check(String fullName, Supplier<KernelTarget> target, BiFunction<KernelTarget, String, SelfTestResult> body) {
        return SelfTestCheck.of(fullName, () -> {
            try (KernelTarget t = target.get()) {
                return body.apply(t, fullName);
            }
        });
    }

    default long allocate(long floats) { return allocateBytes(4 * floats); }

    default long upload(float[] v) {
        try (Arena a = Arena.ofConfined()) {
            return upload(a.allocateFrom(ValueLayout.JAVA_FLOAT, v));
        }
    }

    default long upload(int[] v) {
        try (Arena a = Arena.ofConfined()) {
            return upload(a.allocateFrom(ValueLayout.JAVA_INT, v));
        }
    }

    default long upload(long[] v) {
        try (Arena a = Arena.ofConfined()) {
            return upload(a.allocateFrom(ValueLayout.JAVA_LONG, v));
        }
    }

    default float[] download(long pointer, int n) {
        if (n == 0) return new float[0];
        try (Arena a = Arena.ofConfined()) {
            MemorySegment host = a.allocate(ValueLayout.JAVA_FLOAT, n);
            download(pointer, host);
            return host.toArray(ValueLayout.JAVA_FLOAT);
        }
    }

    default double[] downloadDoubles(long pointer, int n) {
        if (n == 0) return new double[0];
        try (Arena a = Arena.ofConfined()) {
            MemorySegment host = a.allocate(ValueLayout.JAVA_DOUBLE, n);
            download(pointer, host);
            return host.toArray(ValueLayout.JAVA_DOUBLE);
        }
    }
}
