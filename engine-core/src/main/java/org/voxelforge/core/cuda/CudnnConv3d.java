package org.voxelforge.core.cuda;

import java.util.List;
import org.voxelforge.core.Conv3dParams;
import org.voxelforge.core.MemoryFormat;

/**
 * The three float32 3D convolution passes through cuDNN, for {@link CudaBackend} on a GPU, in
 * either memory format: CONTIGUOUS (NCDHW activations, NCHW filter) or CHANNELS_LAST (NDHWC
 * activations, described in the logical [N, C, D, H, W] order with the channels-last strides of
 * {@link MemoryFormat#strides}, and the filter, dims [K, C/groups, kD, kH, kW] as always, stored
 * [K, kD, kH, kW, C/groups] under CUDNN_TENSOR_NHWC). Data and filter always share the format, as
 * PyTorch pairs them. Descriptors per call (destroyed even when cuDNN refuses), the algorithm
 * chosen once per problem and layout ({@link ConvAlgorithmCache}, keyed by {@link ConvKey} with
 * channelsLast: the first one cuDNN's heuristics rank usable in the math type the
 * {@link CudnnVersionPolicy} allows, FMA for plain float32 so that no TF32 creeps in), and the
 * workspace taken from the device's caching allocator for the call.
 *
 * <p>UNVERIFIED on a GPU: no session has had one. `voxelforge selftest --device cuda` runs this
 * path: "cuda conv3d channels-last vs cpu" (the three passes in NDHWC) and "cuda backend unet step
 * vs cpu" (a whole NCDHW training step) compare it with the CPU.
 */
final class CudnnConv3d {
    private final Accelerator acc;
    private final Accelerator.DnnHandle dnn;
    private final ConvAlgorithmCache cache = new ConvAlgorithmCache();
    private final int mathType;

    /** Throws IllegalStateException with the policy's reason when this cuDNN must not run float32 3D convolutions. */
    CudnnConv3d(Accelerator acc, Accelerator.DnnHandle dnn, boolean tf32) {
        this.acc = acc;
        this.dnn = dnn;
        long version = dnn.cudnn().version();
        this.mathType = CudnnVersionPolicy.mathType(version,
                tf32 ? CudnnVersionPolicy.Precision.FLOAT32_TF32 : CudnnVersionPolicy.Precision.FLOAT32, 3);
    }

    ConvAlgorithmCache cache() { return cache; }

    /**
     * y = conv3d(x, w) (no bias; the caller adds it); all dense float32 device buffers in
     * {@code format}: x and y NCDHW or NDHWC, w [K, C/groups, k...] or [K, k..., C/groups]. Dims are
     * always the logical [N, C, D, H, W] and [K, C/groups, kD, kH, kW].
     */
    void forward(MemoryFormat format, int[] x, int[] w, int[] y, Conv3dParams p, long px, long pw, long py) {
        run(ConvKey.Pass.FORWARD, format, x, w, y, p, px, pw, py);
    }

    /** dx from dy and w, in {@code format} as {@link #forward}. */
    void backwardData(MemoryFormat format, int[] x, int[] w, int[] y, Conv3dParams p, long pdy, long pw, long pdx) {
        run(ConvKey.Pass.BACKWARD_DATA, format, x, w, y, p, pdx, pw, pdy);
    }

    /** dw from dy and x, in {@code format} as {@link #forward} (for channels-last dw is written [K, k..., C/groups]). */
    void backwardFilter(MemoryFormat format, int[] x, int[] w, int[] y, Conv3dParams p, long pdy, long px, long pdw) {
        run(ConvKey.Pass.BACKWARD_FILTER, format, x, w, y, p, px, pdw, pdy);
    }

    /** One pass; px, pw, py are the x-shaped, w-shaped and y-shaped buffers whatever is read or written. */
    private void run(ConvKey.Pass pass, MemoryFormat format, int[] x, int[] w, int[] y, Conv3dParams p, long px, long pw, long py) {
        Cudnn c = dnn.cudnn();
        long h = dnn.handle();
        boolean channelsLast = format == MemoryFormat.CHANNELS_LAST;
        long xd = 0, wd = 0, yd = 0, cd = 0, ws = 0;
        try {
            xd = c.tensorDescriptor(Cudnn.DATA_FLOAT, x, strides(format, x));
            wd = c.filterDescriptor(Cudnn.DATA_FLOAT, channelsLast ? Cudnn.FORMAT_NHWC : Cudnn.FORMAT_NCHW, w);
            yd = c.tensorDescriptor(Cudnn.DATA_FLOAT, y, strides(format, y));
            cd = c.convolutionDescriptor(p.padding(), p.stride(), p.dilation(), Cudnn.DATA_FLOAT, mathType, p.groups());
            final long fx = xd, fw = wd, fy = yd, fc = cd;
            ConvKey key = ConvKey.of(pass, x, w, y, Cudnn.DATA_FLOAT, Cudnn.DATA_FLOAT, channelsLast, p.padding(), p.stride(), p.dilation(),
                    p.groups(), mathType);
            ConvAlgorithmCache.Choice choice = cache.get(key, k -> choose(pass, c, h, fx, fw, fy, fc));
            long bytes = choice.workspaceBytes();
            if (bytes > 0) ws = acc.allocator().allocate(bytes, acc.stream());
            switch (pass) {
                case FORWARD -> c.forward(h, 1f, xd, px, wd, pw, cd, choice.algorithm(), ws, bytes, 0f, yd, py);
                case BACKWARD_DATA -> c.backwardData(h, 1f, wd, pw, yd, py, cd, choice.algorithm(), ws, bytes, 0f, xd, px);
                case BACKWARD_FILTER -> c.backwardFilter(h, 1f, xd, px, yd, py, cd, choice.algorithm(), ws, bytes, 0f, wd, pw);
            }
        } finally {
            // stream-ordered: a block freed here is only reused by later work on the same stream
            if (ws != 0) acc.allocator().free(ws);
            if (cd != 0) c.destroyConvolutionDescriptor(cd);
            if (yd != 0) c.destroyTensorDescriptor(yd);
            if (wd != 0) c.destroyFilterDescriptor(wd);
            if (xd != 0) c.destroyTensorDescriptor(xd);
        }
    }

    /** A dense tensor's strides in {@code format}, as cudnnSetTensorNdDescriptor takes them (int, in the logical dim order). */
    static int[] strides(MemoryFormat format, int[] dims) {
        if (format == MemoryFormat.CONTIGUOUS) return Cudnn.packedStrides(dims);
        long[] st = format.strides(dims);
        int[] out = new int[st.length];
        for (int i = 0; i < st.length; i++) out[i] = Math.toIntExact(st[i]);
        return out;
    }

    /** The first algorithm the heuristics rank usable, preferring the descriptor's math type; its workspace. */
    private ConvAlgorithmCache.Choice choose(ConvKey.Pass pass, Cudnn c, long h, long xd, long wd, long yd, long cd) {
        List<Cudnn.AlgoPerf> ranked = switch (pass) {
            case FORWARD -> c.forwardAlgorithmsV7(h, xd, wd, cd, yd);
            case BACKWARD_DATA -> c.backwardDataAlgorithmsV7(h, wd, yd, cd, xd);
            case BACKWARD_FILTER -> c.backwardFilterAlgorithmsV7(h, xd, yd, cd, wd);
        };
        Cudnn.AlgoPerf pick = ranked.stream().filter(a -> a.status() == Cudnn.STATUS_SUCCESS && a.mathType() == mathType).findFirst()
                .orElse(ranked.stream().filter(a -> a.status() == Cudnn.STATUS_SUCCESS && mathType != Cudnn.MATH_FMA).findFirst().orElse(null));
        if (pick == null) throw new IllegalStateException("cuDNN ranks no " + pass + " algorithm usable in math type " + mathType + ": " + ranked);
        long bytes = switch (pass) {
            case FORWARD -> c.forwardWorkspaceBytes(h, xd, wd, cd, yd, pick.algorithm());
            case BACKWARD_DATA -> c.backwardDataWorkspaceBytes(h, wd, yd, cd, xd, pick.algorithm());
            case BACKWARD_FILTER -> c.backwardFilterWorkspaceBytes(h, xd, yd, cd, wd, pick.algorithm());
        };
        return new ConvAlgorithmCache.Choice(pick.algorithm(), bytes, pick.mathType());
    }
}
