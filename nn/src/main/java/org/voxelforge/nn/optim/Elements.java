package org.voxelforge.nn.optim;

import java.lang.foreign.MemorySegment;
import org.voxelforge.core.DType;
import org.voxelforge.core.Device;
import org.voxelforge.core.Tensor;

/**
 * Element access by row-major index to a tensor of any floating dtype and layout, widened
 * to double. The optimizers' update loops read and write through it, so every rule is written
 * once, per element, as in its paper, and works for float32, float64 and strided views alike.
 * A tensor on a device is read from a host copy, and {@link #written()} copies the changes back.
 */
final class Elements {
    private final Tensor t;
    private final Tensor onDevice; // the device tensor t is a host copy of, or null
    private final MemorySegment seg;
    private final DType dtype;
    private final boolean contiguous;
    private final long offset;

    Elements(Tensor t, String op) {
        if (!t.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(op + ": needs floating-point tensors, got " + t.describe());
        }
        this.onDevice = t.device().isCpu() ? null : t;
        if (onDevice != null) t = t.to(Device.CPU); // the host copy belongs to the caller's TensorScope
        this.t = t;
        this.seg = t.segment();
        this.dtype = t.dtype();
        this.contiguous = t.isContiguous();
        this.offset = t.offset();
    }

    double get(long i) { return dtype.get(seg, contiguous ? offset + i : t.flatToStorage(i)); }

    void set(long i, double v) { dtype.set(seg, contiguous ? offset + i : t.flatToStorage(i), v); }

    /** Call once after writing, so autograd sees the in-place change. */
    void written() {
        if (onDevice != null) {
            onDevice.copy_(t);
        } else {
            t.storage().bumpVersion();
        }
    }
}
