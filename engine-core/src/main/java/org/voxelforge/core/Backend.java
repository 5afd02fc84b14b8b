package org.voxelforge.core;

import java.util.List;

/**
 * The primitives a device must supply. {@link Tensor}'s methods check their arguments and
 * call these; a new backend (CUDA) implements this interface and nothing above it changes.
 *
 * <p>Conventions for every method:
 * <ul>
 *   <li>Inputs may be any strided view (broadcast, permuted, sliced); outputs are new,
 *       contiguous tensors on this backend's device unless the method writes into {@code dst}.</li>
 *   <li>Arguments arrive validated by {@link Tensor}: axes are normalized to 0..rank-1,
 *       shapes broadcast, dtypes are as documented.</li>
 *   <li>Methods that write into an existing tensor bump its storage version.</li>
 * </ul>
 */
public interface Backend {
    Device device();

    /** A new, zero-filled, contiguous tensor. */
    Tensor zeros(DType dtype, Shape shape);

    // ---- elementwise ----------------------------------------------------------------------

    /** {@code op(x)}; the result has x's dtype (integer inputs of EXP/LOG/SQRT/SIGMOID/TANH/RECIPROCAL give float32). */
    Tensor unary(UnaryOp op, Tensor x);

    /** {@code x > 0 ? x : slope * x}. */
    Tensor leakyRelu(Tensor x, double slope);

    /**
     * Group normalisation of x [N, C, ...] (instance normalisation: groups = C): per sample and group
     * of C/groups consecutive channels, the mean and biased variance over those channels' voxels;
     * {@code y = (x - mean) / sqrt(var + eps) * gamma[c] + beta[c]} (gamma and beta [C], or null for
     * 1 and 0). Returns {y, mean, rstd}, the statistics float64 [N, groups] for {@link #groupNormBackward}.
     */
    default Tensor[] groupNorm(Tensor x, Tensor gamma, Tensor beta, int groups, double eps) {
        return groupNormAct(x, gamma, beta, groups, eps, 1.0);
    }

    /**
     * The gradients of {@link #groupNorm} given dy and its saved mean and rstd: {dx, dgamma, dbeta}
     * (dgamma and dbeta null when gamma is null).
     */
    default Tensor[] groupNormBackward(Tensor x, Tensor dy, Tensor gamma, Tensor mean, Tensor rstd, int groups) {
        return groupNormActBackward(x, dy, gamma, null, mean, rstd, groups, 1.0);
    }

    /**
     * {@link #groupNorm} followed by {@link #leakyRelu} with {@code slope} (1 = none; 0 = relu, with
     * relu's values: +0 below zero) in one op: {y, mean, rstd}, y = act(pre) with pre the group norm's output. Results equal the
     * two ops in sequence; the point is that backward needs only x (pre is recomputed from the
     * statistics), so a conv-norm-activation block keeps one activation-sized tensor instead of two.
     */
    Tensor[] groupNormAct(Tensor x, Tensor gamma, Tensor beta, int groups, double eps, double slope);

    /**
     * The gradients of {@link #groupNormAct}: {dx, dgamma, dbeta} (the last two null when gamma is
     * null). beta (or null for 0) recomputes pre = (x - mean) * rstd * gamma + beta, whose sign picks
     * the activation's derivative; it is not read when slope is 1.
     */
    Tensor[] groupNormActBackward(Tensor x, Tensor dy, Tensor gamma, Tensor beta, Tensor mean, Tensor rstd, int groups, double slope);

    /**
     * The gradient of {@link #leakyRelu} (and of relu, slope 0) in one pass: {@code x > 0 ? grad :
     * slope * grad} for x and grad of the same shape (NaN x takes the slope branch).
     */
    Tensor leakyReluBackward(Tensor x, Tensor grad, double slope);

    /** {@code min(max(x, lo), hi)}; NaN bounds mean "no bound". */
    Tensor clamp(Tensor x, double lo, double hi);

    /** {@code a op b} with NumPy broadcasting; result dtype is {@code BOOL} for comparisons, else {@code DType.promote}. */
    Tensor binary(BinaryOp op, Tensor a, Tensor b);

    /** {@code a op s}; result dtype is a's (BOOL for comparisons). */
    Tensor binaryScalar(BinaryOp op, Tensor a, double s);

    /** {@code cond ? a : b}, all three broadcast together; cond is BOOL or UINT8. */
    Tensor where(Tensor cond, Tensor a, Tensor b);

    // ---- reductions ------------------------------------------------------------------------

    /**
     * Reduces over {@code axes} (sorted, distinct, normalized; empty means all axes).
     * SUM/MEAN/PROD of integer or bool input give INT64 for SUM/PROD and FLOAT32 for MEAN;
     * floating input keeps its dtype (accumulated in double).
     */
    Tensor reduce(ReduceOp op, Tensor x, int[] axes, boolean keepDims);

    /** Index of the first maximum (or minimum) along {@code axis}, as INT64. */
    Tensor argMax(Tensor x, int axis, boolean keepDim);

    Tensor argMin(Tensor x, int axis, boolean keepDim);

    /** Variance over {@code axes} with {@code correction} (0 population, 1 sample). */
    Tensor variance(Tensor x, int[] axes, int correction, boolean keepDims);

    /** Numerically stable softmax along {@code axis}. */
    Tensor softmax(Tensor x, int axis);

    Tensor logSoftmax(Tensor x, int axis);

    // ---- linear algebra --------------------------------------------------------------------

    /**
     * Matrix product with NumPy's matmul rules: [.., m, k] x [.., k, n] -> [.., m, n], batch
     * axes broadcast; rank-1 operands are promoted and the added axis removed. Both operands
     * have the same floating dtype.
     */
    Tensor matmul(Tensor a, Tensor b);

    // ---- data movement ---------------------------------------------------------------------

    Tensor cast(Tensor x, DType dtype);

    /** A contiguous copy of {@code x}. */
    Tensor contiguous(Tensor x);

    /**
     * A copy of {@code x} densely packed in {@code format} (a permuted view of its stored-order
     * buffer). The default zero-fills that buffer, then copies into it; a backend with an empty
     * allocation writes it once.
     */
    default Tensor contiguous(Tensor x, MemoryFormat format) {
        if (format == MemoryFormat.CONTIGUOUS) return contiguous(x);
        try (Tensor stored = zeros(x.dtype(), Shape.of(format.storedDims(x.dims())))) {
            Tensor y = stored.permute(format.logicalOrder(x.rank()));
            try {
                copyInto(y, x);
                return y;
            } catch (RuntimeException | Error e) {
                y.close();
                throw e;
            }
        }
    }

    /** A contiguous copy on this backend's device of {@code host}, a CPU tensor ({@link Tensor#to}). */
    Tensor upload(Tensor host);

    /** A contiguous CPU copy of {@code x}, a tensor on this backend's device ({@link Tensor#to}). */
    Tensor download(Tensor x);

    /** Writes {@code src} broadcast to dst's shape into {@code dst}, converting dtype. */
    void copyInto(Tensor dst, Tensor src);

    void fill(Tensor dst, double value);

    /** {@code start, start+step, ...} below {@code end} (above, for a negative step). */
    Tensor arange(double start, double end, double step, DType dtype);

    /** Joins tensors of one dtype whose shapes agree except along {@code axis}. */
    Tensor concat(List<Tensor> xs, int axis);

    /** Pads each axis i with {@code before[i]} and {@code after[i]} elements. */
    Tensor pad(Tensor x, int[] before, int[] after, PadMode mode, double value);

    /** Reverses the order of elements along each of {@code axes}. */
    Tensor flip(Tensor x, int[] axes);

    /**
     * {@code out[i][j][k] = x[index[i][j][k]][j][k]} for axis 0 (PyTorch's gather): index has
     * x's rank, is INT64 or INT32, and the output has index's shape.
     */
    Tensor gather(Tensor x, int axis, Tensor index);

    /** Adds {@code src} into {@code dst} at positions {@code index} along {@code axis} (gather's adjoint). */
    void scatterAdd(Tensor dst, int axis, Tensor index, Tensor src);

    /** Selects whole slices along {@code axis} by a rank-1 INT64/INT32 index. */
    Tensor indexSelect(Tensor x, int axis, Tensor index);

    /** Adds {@code src}'s slices into {@code dst} at rank-1 {@code index} along {@code axis} (indexSelect's adjoint). */
    void indexAdd(Tensor dst, int axis, Tensor index, Tensor src);

    /**
     * One-hot encoding of integer labels in [0, numClasses): the class axis is inserted at
     * {@code axis} of the output (1 turns [N, D, H, W] into [N, C, D, H, W]).
     */
    Tensor oneHot(Tensor labels, int numClasses, int axis, DType dtype);

    // ---- random ----------------------------------------------------------------------------

    /**
     * Fills dst (contiguous) with a counter-based random stream: element i is a function of
     * (key, counter + i) only, so the numbers do not depend on thread count or device.
     * See {@link RandomGenerator} for the exact definition a GPU backend must reproduce.
     */
    void fillRandom(Tensor dst, RandomGenerator.Distribution dist, double a, double b, long key, long counter);

    // ---- 3D convolution, pooling, resampling -------------------------------------------------
    // Not reached through Tensor's methods: each backend checks shapes with the shared rules of
    // Conv3dParams / Pool3dParams, so every backend refuses the same inputs with the same message.
    // Inputs are any strided view of one floating dtype; outputs are new contiguous tensors of it.
    // Transposed convolution is not a primitive: see ConvTranspose3d.

    /**
     * Cross-correlation (PyTorch's conv3d): x [N, Cin, D, H, W], w [Cout, Cin/groups, kD, kH, kW],
     * bias [Cout] or null; returns y [N, Cout, D', H', W'] with sizes from {@link Conv3dParams#outputSpatial}.
     */
    Tensor conv3d(Tensor x, Tensor w, Tensor bias, Conv3dParams p);

    /**
     * The adjoint of {@link #conv3d} in x: gradX [xShape] from gradY [N, Cout, D', H', W'] and w.
     * {@code xShape} must be an input size that conv3d maps to gradY's spatial size.
     */
    Tensor conv3dBackwardData(Tensor gradY, Tensor w, Shape xShape, Conv3dParams p);

    /** The gradient of {@link #conv3d} in w, summed over the batch: gradW [wShape]. gradBias (a sum of gradY) is the caller's. */
    Tensor conv3dBackwardWeight(Tensor gradY, Tensor x, Shape wShape, Conv3dParams p);

    /** Max over each window (padding never wins); indices as in {@link MaxPool3dResult}; NaN counts as the maximum. */
    MaxPool3dResult maxPool3d(Tensor x, Pool3dParams p);

    /**
     * Scatters gradY [N, C, D', H', W'] into zeros [xShape] at {@code indices} (adding where windows
     * share a maximum). {@code p} is the forward's: a GPU gathers per input voxel over the windows
     * that cover it, which needs them.
     */
    Tensor maxPool3dBackward(Tensor gradY, Tensor indices, Shape xShape, Pool3dParams p);

    /**
     * Mean over each window. {@code countIncludePad} true (PyTorch's default, used here too) divides
     * by the window size including zero padding; false divides by the number of real voxels.
     */
    Tensor avgPool3d(Tensor x, Pool3dParams p, boolean countIncludePad);

    Tensor avgPool3dBackward(Tensor gradY, Shape xShape, Pool3dParams p, boolean countIncludePad);

    /**
     * Mean over PyTorch's adaptive windows: output index i of size out over in covers
     * {@code [floor(i*in/out), ceil((i+1)*in/out))}. outSize is (D', H', W').
     */
    Tensor adaptiveAvgPool3d(Tensor x, int[] outSize);

    Tensor adaptiveAvgPool3dBackward(Tensor gradY, Shape xShape);

    /**
     * Resizes x [N, C, D, H, W] to [N, C, outSize] like {@code torch.nn.functional.interpolate(size=...)}.
     * {@code alignCorners} matters for TRILINEAR only.
     */
    Tensor upsample3d(Tensor x, int[] outSize, UpsampleMode mode, boolean alignCorners);

    /** The adjoint of {@link #upsample3d}: gradX [xShape] from gradY [N, C, outSize]. */
    Tensor upsample3dBackward(Tensor gradY, Shape xShape, UpsampleMode mode, boolean alignCorners);
}
