package org.voxelforge.core.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code void** kernelParams} of {@code cuLaunchKernel}: one native slot per argument, in
 * the kernel's parameter order, each holding the value with its C type's size and alignment.
 * The types must match the kernel's signature exactly ({@code int} 4 bytes, {@code int64_t}
 * and pointers 8, {@code float} 4, {@code double} 8); the driver cannot check them.
 * Lives in (and dies with) the given arena, so close the arena after the launch call returns
 * (the driver copies the values at launch).
 */
public final class KernelArgs {
    private final Arena arena;
    private final List<MemorySegment> slots = new ArrayList<>();

    public KernelArgs(Arena arena) { this.arena = arena; }

    public KernelArgs i32(int v) { return add(arena.allocateFrom(ValueLayout.JAVA_INT, v)); }

    public KernelArgs i64(long v) { return add(arena.allocateFrom(ValueLayout.JAVA_LONG, v)); }

    public KernelArgs f32(float v) { return add(arena.allocateFrom(ValueLayout.JAVA_FLOAT, v)); }

    public KernelArgs f64(double v) { return add(arena.allocateFrom(ValueLayout.JAVA_DOUBLE, v)); }

    /**
     * One parameter made of consecutive int64 values: a kernel struct passed by value whose fields
     * are all {@code int64_t} (VfLayout in tensor_ops.cuh), so shapes and strides need no device array.
     */
    public KernelArgs i64s(long... v) { return add(arena.allocateFrom(ValueLayout.JAVA_LONG, v)); }

    /** A device pointer ({@code float*}, {@code const float*} ...). */
    public KernelArgs ptr(long devicePointer) { return i64(devicePointer); }

    private KernelArgs add(MemorySegment slot) {
        slots.add(slot);
        return this;
    }

    public int count() { return slots.size(); }

    /** The {@code void*[]} array of slot addresses. */
    public MemorySegment toPointerArray() {
        MemorySegment arr = arena.allocate(ValueLayout.ADDRESS, Math.max(1, slots.size()));
        for (int i = 0; i < slots.size(); i++) arr.setAtIndex(ValueLayout.ADDRESS, i, slots.get(i));
        return arr;
    }
}
