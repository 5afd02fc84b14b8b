package org.voxelforge.core.cuda;

import java.lang.foreign.MemorySegment;
import org.voxelforge.core.Backends;
import org.voxelforge.core.DType;
import org.voxelforge.core.MemoryFormat;
import org.voxelforge.core.Shape;
import org.voxelforge.core.Storage;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.cuda.TensorKernels.View;

/**
 * Tensors in one {@link Accelerator}'s memory: new ones from its caching allocator (handed back
 * when their last view closes), host copies in both directions, and the kernel-side view of a
 * tensor (device pointer of element 0, dims, strides).
 */
final class DeviceTensors {
    private final Accelerator acc;

    DeviceTensors(Accelerator acc) { this.acc = acc; }

    /** A new contiguous tensor whose contents are undefined (every caller writes all of it). */
    Tensor empty(DType dtype, Shape shape) {
        long bytes = Math.multiplyExact(shape.numel(), (long) dtype.byteSize());
        CachingAllocator allocator = acc.allocator();
        long p = allocator.allocate(Math.max(1, bytes), acc.stream());
        Storage s = Storage.onDevice(acc.device(), p, bytes, allocator::free);
        return new Tensor(s, dtype, shape, StridedLayout.contiguousStrides(shape.dims()), 0);
    }

    Tensor empty(DType dtype, int... dims) { return empty(dtype, Shape.of(dims)); }

    /** A new tensor of {@code shape} densely packed in {@code format} (a permuted view of its stored-order buffer). */
    Tensor empty(DType dtype, Shape shape, MemoryFormat format) {
        if (format == MemoryFormat.CONTIGUOUS) return empty(dtype, shape);
        try (Tensor stored = empty(dtype, Shape.of(format.storedDims(shape.dims())))) {
            return stored.permute(format.logicalOrder(shape.rank()));
        }
    }

    /**
     * t's view with its axes in {@code format}'s stored order, after leading size-1 axes bring it to
     * {@code rank} (a broadcast operand of lower rank): what an elementwise kernel reads when it
     * writes the stored-order buffer of a tensor in that format.
     */
    View view(Tensor t, MemoryFormat format, int rank) {
        int lead = rank - t.rank();
        int[] d = new int[rank], order = format.storedOrder(rank), pd = new int[rank];
        long[] st = new long[rank], ts = t.strides(), ps = new long[rank];
        for (int a = 0; a < rank; a++) {
            d[a] = a < lead ? 1 : t.dim(a - lead);
            st[a] = a < lead ? 0 : ts[a - lead];
        }
        for (int i = 0; i < rank; i++) {
            pd[i] = d[order[i]];
            ps[i] = st[order[i]];
        }
        return new View(ptr(t), pd, ps);
    }

    /** A new contiguous tensor that {@code write} fills; closed again (and the failure rethrown) when write fails. */
    Tensor produce(DType dtype, Shape shape, java.util.function.Consumer<Tensor> write) {
        return produce(dtype, shape, MemoryFormat.CONTIGUOUS, write);
    }

    /** A new tensor dense in {@code format} that {@code write} fills; closed again (and the failure rethrown) when write fails. */
    Tensor produce(DType dtype, Shape shape, MemoryFormat format, java.util.function.Consumer<Tensor> write) {
        Tensor t = empty(dtype, shape, format);
        try {
            write.accept(t);
            return t;
        } catch (RuntimeException | Error e) {
            t.close();
            throw e;
        }
    }

    Tensor zeros(DType dtype, Shape shape) {
        Tensor t = empty(dtype, shape);
        acc.memsetZero(t.storage().pointer(), t.numel() * dtype.byteSize());
        return t;
    }

    /** The device address of element 0 of a tensor on this device. */
    long ptr(Tensor t) {
        if (t == null) return 0;
        requireHere(t);
        return t.storage().pointer() + t.offset() * t.dtype().byteSize();
    }

    View view(Tensor t) { return new View(ptr(t), t.dims(), t.strides()); }

    void requireHere(Tensor t) {
        if (!t.device().equals(acc.device())) {
            throw new IllegalArgumentException(t.describe() + " is on " + t.device() + ", not on " + acc.device() + "; move it with to()");
        }
    }

    /** A contiguous device copy of a CPU tensor. */
    Tensor upload(Tensor host) {
        if (!host.device().isCpu()) throw new IllegalArgumentException("upload: " + host.describe() + " is on " + host.device() + ", not the CPU");
        try (Tensor dense = host.isContiguous() ? host.to(host.device()) : Backends.cpu().contiguous(host)) {
            Tensor out = empty(host.dtype(), host.shape());
            long bytes = host.numel() * host.dtype().byteSize();
            if (bytes > 0) {
                MemorySegment src = dense.segment().asSlice(dense.offset() * host.dtype().byteSize(), bytes);
                acc.copyToDevice(src, out.storage().pointer(), bytes);
            }
            return out;
        }
    }

    /** A contiguous CPU copy of a tensor on this device ({@code dense}: x made contiguous on the device first). */
    Tensor download(Tensor x, java.util.function.UnaryOperator<Tensor> dense) {
        requireHere(x);
        Tensor host = Backends.cpu().zeros(x.dtype(), x.shape());
        long bytes = x.numel() * x.dtype().byteSize();
        if (bytes == 0) return host;
        try (Tensor d = x.isContiguous() ? x.to(x.device()) : dense.apply(x)) {
            acc.copyToHost(ptr(d), host.segment(), bytes);
        } catch (RuntimeException | Error e) {
            host.close();
            throw e;
        }
        return host;
    }
}
