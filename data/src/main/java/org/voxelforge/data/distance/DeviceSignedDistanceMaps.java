package org.voxelforge.data.distance;

import org.voxelforge.core.DType;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;
import org.voxelforge.core.cuda.CudaBackend;

/**
 * {@link SignedDistanceMaps#forBatch} on a CUDA-backend device: per sample and label, the two
 * exact transforms (inside to outside, outside to inside) run as {@link CudaBackend#edtSquared}
 * and the signing, normalisation and degenerate cases as tensor ops on the device; only two
 * maxima per map come to the host. Same conventions as the host path, which is its reference:
 * the host works in double and rounds once, this in float, so maps agree to a few float ulps.
 */
final class DeviceSignedDistanceMaps {
    private DeviceSignedDistanceMaps() {}

    static Tensor forBatch(CudaBackend cuda, Tensor labels, int classes, double[] spacing, boolean normalize) {
        int[] spatial = java.util.Arrays.copyOfRange(labels.dims(), 1, labels.rank());
        double[] w = EuclideanDistanceTransform.checkArgs((int) (labels.numel() / labels.dim(0)), spatial, spacing);
        double diagonal = SignedDistanceMaps.diagonal(spatial, w);
        int[] outDims = new int[spatial.length + 2];
        outDims[0] = labels.dim(0);
        outDims[1] = classes;
        System.arraycopy(spatial, 0, outDims, 2, spatial.length);
        Tensor out = Tensor.zeros(labels.device(), DType.FLOAT32, outDims);
        try (TensorScope scope = new TensorScope()) {
            Tensor values = labels.cast(DType.FLOAT32); // comparisons run on the device's float kernels
            for (int n = 0; n < labels.dim(0); n++) {
                Tensor sample = values.select(0, n);
                for (int c = 0; c < classes; c++) {
                    Tensor inside = sample.eq(c), outside = sample.ne(c);
                    Tensor toOutside = cuda.edtSquared(inside, w).sqrt(), toInside = cuda.edtSquared(outside, w).sqrt();
                    double maxIn = toOutside.max().item(), maxOut = toInside.max().item();
                    Tensor map = out.select(0, n).select(0, c);
                    // no inside voxel: no outside voxel has an inside to reach (+inf); a full label the reverse
                    if (Double.isInfinite(maxOut)) map.fill_(diagonal);
                    else if (Double.isInfinite(maxIn)) map.fill_(-diagonal);
                    else {
                        double sIn = normalize ? maxIn : 1, sOut = normalize ? maxOut : 1;
                        map.copy_(Tensor.where(inside, toOutside.div(sIn).neg(), toInside.div(sOut)));
                    }
                }
            }
            return out;
        } catch (RuntimeException | Error e) {
            out.close();
            throw e;
        }
    }
}
