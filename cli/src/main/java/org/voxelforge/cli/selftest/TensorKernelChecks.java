package org.voxelforge.cli.selftest;

import java.util.List;
import java.util.function.Supplier;
import org.voxelforge.core.Backends;
import org.voxelforge.core.BinaryOp;
import org.voxelforge.core.DType;
import org.voxelforge.core.ReduceOp;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;
import org.voxelforge.core.cuda.TensorKernels;

/**
 * The engine-core op kernels (tensor_ops.cuh, reduce_ops.cuh) on a {@link KernelTarget} against
 * the CPU backend: broadcasting binary ops, a strided (permuted) copy with a cast to bfloat16,
 * reductions over a middle axis, softmax and its backward. Exact where the op is exact (binary
 * + and *, the copy and cast), 1e-6 relative for sums and softmax (both sides accumulate in
 * double; only the order differs). The emulator tests cover every op and dtype; this is the short
 * list a GPU session runs first.
 */
final class TensorKernelChecks {
    private TensorKernelChecks() {}

    static final String NAME = " tensor op kernels vs cpu";

    static SelfTestCheck check(Supplier<KernelTarget> target, String label, boolean quick) {
        return KernelTarget.check(label + NAME, target, (t, name) -> {
            try (TensorScope scope = new TensorScope()) {
                return run(t, name, quick ? 1 : 4);
            }
        });
    }

    private static SelfTestResult run(KernelTarget t, String name, int s) {
        TensorKernels k = new TensorKernels(t.kernels());
        RandomGenerator rng = new RandomGenerator(95);
        WorstError worst = new WorstError();
        int d0 = 3 * s, d1 = 5, d2 = 7 * s;

        // a [d0, 1, d2] op b [d1, 1] -> [d0, d1, d2]
        Tensor a = rng.fill(RandomGenerator.Distribution.NORMAL, 0, 2, DType.FLOAT32, d0, 1, d2);
        Tensor b = rng.fill(RandomGenerator.Distribution.NORMAL, 0, 2, DType.FLOAT32, d1, 1);
        long pa = t.upload(a.toFloatArray()), pb = t.upload(b.toFloatArray()), py = t.allocate((long) d0 * d1 * d2);
        for (BinaryOp op : new BinaryOp[] {BinaryOp.ADD, BinaryOp.MUL, BinaryOp.MAXIMUM}) {
            k.binary(op, TensorKernels.View.contiguous(pa, d0, 1, d2), TensorKernels.View.contiguous(pb, d1, 1), py, 0);
            worst.exact("binary " + op, Backends.cpu().binary(op, a, b).toFloatArray(), t.download(py, d0 * d1 * d2));
        }

        // a permuted view copied to a dense bfloat16 tensor (raw bits compared)
        Tensor x = rng.fill(RandomGenerator.Distribution.NORMAL, 1, 3, DType.FLOAT32, d0, d1, d2);
        long px = t.upload(x.toFloatArray());
        Tensor xp = x.permute(2, 0, 1);
        TensorKernels.View src = new TensorKernels.View(px, xp.dims(), xp.strides());
        long pbf = t.allocateBytes(2L * x.numel());
        k.copy(src, DType.FLOAT32, TensorKernels.View.contiguous(pbf, xp.dims()), DType.BFLOAT16, 0);
        float[] gotBf = bf16ToFloat(t, pbf, (int) x.numel());
        worst.exact("permuted copy to bfloat16", xp.cast(DType.BFLOAT16).toFloatArray(), gotBf);

        // sum over the middle axis, softmax over the last and its backward
        long pr = t.allocate((long) d0 * d2);
        k.reduce(ReduceOp.SUM, TensorKernels.View.contiguous(px, d0, d1, d2), new int[] {1}, pr, 0);
        worst.floats("sum over axis 1", x.sum(1).toFloatArray(), t.download(pr, d0 * d2), 1e-6);
        long ps = t.allocate(x.numel()), pdx = t.allocate(x.numel());
        k.softmax(TensorKernels.View.contiguous(px, d0, d1, d2), 2, false, ps, 0);
        Tensor sm = x.softmax(2);
        worst.floats("softmax over axis 2", sm.toFloatArray(), t.download(ps, (int) x.numel()), 1e-6);
        Tensor dy = rng.fill(RandomGenerator.Distribution.NORMAL, 0, 1, DType.FLOAT32, d0, d1, d2);
        long pdy = t.upload(dy.toFloatArray());
        k.softmaxBackward(TensorKernels.View.contiguous(ps, d0, d1, d2), TensorKernels.View.contiguous(pdy, d0, d1, d2), 2, pdx, 0);
        // the autograd rule: dx = y * (dy - sum(dy * y))
        Tensor want = sm.mul(dy.sub(dy.mul(sm).sumKeep(2)));
        worst.floats("softmax backward", want.toFloatArray(), t.download(pdx, (int) x.numel()), 1e-5);

        return worst.result(name, "binary (broadcast), permuted copy + bf16 cast, sum, softmax + backward on ["
                + d0 + ", " + d1 + ", " + d2 + "]");
    }

    private static float[] bf16ToFloat(KernelTarget t, long p, int n) {
        try (java.lang.foreign.Arena ar = java.lang.foreign.Arena.ofConfined()) {
            java.lang.foreign.MemorySegment host = ar.allocate(2L * n, 2);
            t.download(p, host);
            float[] out = new float[n];
            for (int i = 0; i < n; i++) out[i] = Float.intBitsToFloat((host.getAtIndex(java.lang.foreign.ValueLayout.JAVA_SHORT, i) & 0xffff) << 16);
            return out;
        }
    }
}
