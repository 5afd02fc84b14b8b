package org.voxelforge.cli.selftest;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.voxelforge.core.cuda.CudaKernels;
import org.voxelforge.core.cuda.EmulatedKernels;

/** The host emulator as a {@link KernelTarget}: "device pointers" are addresses of native host memory. */
final class EmulatorTarget implements KernelTarget {
    private final EmulatedKernels emulator;
    private final Arena arena = Arena.ofShared();

    EmulatorTarget(EmulatedKernels emulator) { this.emulator = emulator; }

    @Override public String label() { return "emulator"; }

    @Override public CudaKernels kernels() { return emulator.kernels(); }

    @Override public long allocateBytes(long bytes) { return arena.allocate(Math.max(1, bytes), 64).address(); }

    @Override public long upload(MemorySegment host) {
        MemorySegment dst = arena.allocate(Math.max(1, host.byteSize()), 64);
        MemorySegment.copy(host, 0, dst, 0, host.byteSize());
        return dst.address();
    }

    @Override public void download(long pointer, MemorySegment host) {
        MemorySegment.copy(MemorySegment.ofAddress(pointer).reinterpret(host.byteSize()), 0, host, 0, host.byteSize());
    }

    @Override public void close() { arena.close(); }
}
