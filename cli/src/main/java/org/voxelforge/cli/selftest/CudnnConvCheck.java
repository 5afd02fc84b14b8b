package org.voxelforge.cli.selftest;

import java.util.Arrays;
import java.util.List;
import org.voxelforge.core.Backend;
import org.voxelforge.core.Backends;
import org.voxelforge.core.Conv3dParams;
import org.voxelforge.core.DType;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;
import org.voxelforge.core.cuda.Cudnn;

/**
 * A float32 3D convolution through cuDNN (NCDHW, math type FMA so no TF32, the first algorithm
 * the heuristics rank as usable) against the CPU's float64 direct loops, with the error of each
 * element measured against the convolution of absolute values ({@link ErrorBound}). Uses
 * stride, padding, dilation and groups. Every descriptor is destroyed and every buffer freed,
 * also when cuDNN refuses a call.
 */
final class CudnnConvCheck {
    private CudnnConvCheck() {}

    static SelfTestCheck of(String name, Gpu gpu, boolean quick) {
        return SelfTestCheck.of(name, () -> run(name, gpu, quick));
    }

    private static SelfTestResult run(String name, Gpu gpu, boolean quick) {
        int s = quick ? 9 : 24;
        int n = 2, cin = 4, cout = 6, k = 3;
        Conv3dParams p = Conv3dParams.of(1, 1).withStride(1, 2, 1).withDilation(1, 1, 2).withGroups(2);
        int cg = cin / p.groups();
        Backend cpu = Backends.cpu();
        Cudnn dnn = gpu.runtime().cudnn();
        long handle = gpu.device().cudnnHandle();
        try (TensorScope scope = new TensorScope(); DeviceBuffers buf = gpu.buffers()) {
            RandomGenerator rng = new RandomGenerator(80);
            Tensor x = rng.uniform(-1, 1, n, cin, s, s + 1, s - 1), w = rng.uniform(-1, 1, cout, cg, k, k, k);
            Tensor x64 = x.cast(DType.FLOAT64), w64 = w.cast(DType.FLOAT64);
            Tensor want = cpu.conv3d(x64, w64, null, p), scale = cpu.conv3d(x64.abs(), w64.abs(), null, p);
            int[] yDims = want.dims();

            long xDesc = 0, wDesc = 0, yDesc = 0, conv = 0;
            try {
                xDesc = dnn.tensorDescriptor(Cudnn.DATA_FLOAT, x.dims(), Cudnn.packedStrides(x.dims()));
                wDesc = dnn.filterDescriptor(Cudnn.DATA_FLOAT, Cudnn.FORMAT_NCHW, w.dims());
                conv = dnn.convolutionDescriptor(p.padding(), p.stride(), p.dilation(), Cudnn.DATA_FLOAT, Cudnn.MATH_FMA, p.groups());
                int[] cudnnDims = dnn.forwardOutputDims(conv, xDesc, wDesc, 5);
                if (!Arrays.equals(cudnnDims, yDims)) {
                    return SelfTestResult.fail(name, "cuDNN computes output dims " + Arrays.toString(cudnnDims) + ", the CPU " + Arrays.toString(yDims));
                }
                yDesc = dnn.tensorDescriptor(Cudnn.DATA_FLOAT, yDims, Cudnn.packedStrides(yDims));
                List<Cudnn.AlgoPerf> algos = dnn.forwardAlgorithmsV7(handle, xDesc, wDesc, conv, yDesc);
                // prefer an algorithm that runs in plain FMA math: a TF32 one would be outside the float32 bound by design
                Cudnn.AlgoPerf algo = algos.stream().filter(a -> a.status() == Cudnn.STATUS_SUCCESS && a.mathType() == Cudnn.MATH_FMA).findFirst()
                        .orElse(algos.stream().filter(a -> a.status() == Cudnn.STATUS_SUCCESS).findFirst().orElse(null));
                if (algo == null) return SelfTestResult.fail(name, "cuDNN ranks no forward algorithm as usable (" + algos + ")");
                long wsBytes = dnn.forwardWorkspaceBytes(handle, xDesc, wDesc, conv, yDesc, algo.algorithm());
                long ws = wsBytes > 0 ? buf.allocateBytes(wsBytes) : 0;
                long px = buf.upload(x.toFloatArray()), pw = buf.upload(w.toFloatArray());
                long py = buf.allocate(want.numel());
                gpu.device().makeCurrent();
                dnn.forward(handle, 1f, xDesc, px, wDesc, pw, conv, algo.algorithm(), ws, wsBytes, 0f, yDesc, py);
                float[] got = buf.download(py, (int) want.numel());
                ErrorBound.Worst worst = ErrorBound.worstRatio(got, want.toDoubleArray(), scale.toDoubleArray());
                double tol = ErrorBound.float32SumBound((long) cg * k * k * k);
                String detail = "x " + Arrays.toString(x.dims()) + ", " + p + ", algorithm " + algo.algorithm() + " (math type " + algo.mathType() + "), workspace " + wsBytes + " B"
                        + (worst.ratio() <= tol ? "" : "; " + worst.where());
                return SelfTestResult.compare(name, worst.ratio(), tol, detail);
            } finally {
                // each destroy on its own, so that one failing does not leak the others
                long[] d = {yDesc, conv, wDesc, xDesc};
                Runnable[] destroy = {() -> dnn.destroyTensorDescriptor(d[0]), () -> dnn.destroyConvolutionDescriptor(d[1]),
                        () -> dnn.destroyFilterDescriptor(d[2]), () -> dnn.destroyTensorDescriptor(d[3])};
                for (int i = 0; i < d.length; i++) {
                    if (d[i] == 0) continue;
                    try {
                        destroy[i].run();
                    } catch (RuntimeException e) {
                        System.err.println("[selftest] cuDNN descriptor not destroyed: " + e.getMessage());
                    }
                }
            }
        }
    }
}
