package org.voxelforge.nn.loss;

import org.voxelforge.autograd.Variable;
import org.voxelforge.core.Tensor;

/** Per-class weights as a tensor [1, C, 1, ...] that broadcasts against [N, C, spatial...]. */
final class ClassWeights {
    private ClassWeights() {}

    static Tensor asChannelTensor(String loss, double[] w, Variable logits) {
        if (w.length != logits.dim(1)) {
            throw new IllegalArgumentException(loss + ": " + w.length + " class weights for logits "
                    + logits.value().describe() + " with " + logits.dim(1) + " channels");
        }
        int[] dims = new int[logits.rank()];
        java.util.Arrays.fill(dims, 1);
        dims[1] = w.length;
        return Tensor.of(logits.dtype(), w, dims).transferTo(logits.value().device());
    }
}
