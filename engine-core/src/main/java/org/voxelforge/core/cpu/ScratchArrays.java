package org.voxelforge.core.cpu;

/**
 * Float arrays kept per thread and reused from call to call: the packing buffers of
 * {@link Sgemm} and the large scratch of the conv3d paths (a packed weight copy of 11 MB at 320
 * channels). Allocating them per call made the JVM zero them every time, a tenth of a deep
 * layer's time. What they hold is stale, so callers write every element they later read, zeros
 * included.
 */
final class ScratchArrays {
    private final String owner;
    private final ThreadLocal<float[][]> slots;

    ScratchArrays(String owner, int count) {
        this.owner = owner;
        this.slots = ThreadLocal.withInitial(() -> new float[count][0]);
    }

    /** Slot {@code slot} of the calling thread, at least {@code size} floats long. */
    float[] get(int slot, long size) {
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException(owner + ": scratch of " + size + " floats is too large for one array");
        }
        float[][] held = slots.get();
        if (held[slot].length < size) held[slot] = new float[(int) size];
        return held[slot];
    }
}
