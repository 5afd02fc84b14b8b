package org.voxelforge.autograd;

import org.voxelforge.core.DType;
import org.voxelforge.core.Tensor;

/**
 * bf16 mixed precision for the ops that dominate a U-Net step (conv3d, transposed conv3d, matmul),
 * PyTorch's autocast in spirit: inside {@code try (Autocast a = Autocast.bf16()) {...}} those ops
 * take bfloat16 inputs (the float32 operands rounded to nearest-even bf16) and accumulate in
 * float32; their results, every other op, the reductions and the master weights stay float32.
 * The tensors they save for backward are kept in bfloat16 (half the memory), and their backward
 * passes round the incoming gradient to bf16 as a bf16 kernel's would.
 *
 * <p>The arithmetic is that of bf16 tensor cores (bf16 products are exact in float32); this
 * implementation gets it by rounding and running the float32 kernels, on every backend. The
 * faster path that hands bf16 tensors to cuDNN and cuBLAS waits for a GPU to be verified on.
 * Per thread; scopes nest.
 */
public final class Autocast implements AutoCloseable {
    private static final ThreadLocal<Integer> DEPTH = ThreadLocal.withInitial(() -> 0);
    private boolean closed;

    private Autocast() { DEPTH.set(DEPTH.get() + 1); }

    /** Enters a bf16 autocast scope on this thread. */
    public static Autocast bf16() { return new Autocast(); }

    /** Whether this thread is inside a bf16 autocast scope. */
    public static boolean active() { return DEPTH.get() > 0; }

    @Override public void close() {
        if (!closed) {
            closed = true;
            DEPTH.set(DEPTH.get() - 1);
        }
    }

    /** x as the bf16 an autocast op stores: a float32 tensor cast to bfloat16, others a new view; the caller closes it. */
    static Tensor toBf16(Tensor x) {
        if (x == null) return null;
        return x.dtype() == DType.FLOAT32 ? x.cast(DType.BFLOAT16) : x.to(x.device());
    }

    /** A saved bf16 tensor back in float32 for the float32 kernels (others: a new view); the caller closes it. */
    static Tensor toF32(Tensor x) {
        if (x == null) return null;
        return x.dtype() == DType.BFLOAT16 ? x.cast(DType.FLOAT32) : x.to(x.device());
    }

    /** x rounded to bf16 precision, as float32. */
    static Tensor rounded(Tensor x) {
        if (x == null || x.dtype() != DType.FLOAT32) return x;
        try (Tensor b = x.cast(DType.BFLOAT16)) { return b.cast(DType.FLOAT32); }
    }
}
