package org.voxelforge.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.voxelforge.autograd.GraphInspector;
import org.voxelforge.autograd.NoGrad;
import org.voxelforge.autograd.Variable;
import org.voxelforge.core.DType;
import org.voxelforge.core.NativeMemory;
import org.voxelforge.core.PadMode;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;
import org.voxelforge.nn.optim.Adam;

/**
 * The engine demo: segment the whole tumour of a synthetic phantom with a small per-voxel
 * network (local-mean features -> 2-layer MLP) trained by the autograd engine with Adam, then
 * report Dice on a held-out phantom. Exercises tensors, views, padding, matmul, softmax,
 * gather, reductions, backward, the Adam optimizer and graph inspection end to end on the CPU.
 */
final class EngineDemo {
    private final int size, steps, hidden;
    private final double lr;
    private final long seed;
    private final PrintStream out;

    EngineDemo(int size, int steps, int hidden, double lr, long seed, PrintStream out) {
        this.size = size;
        this.steps = steps;
        this.hidden = hidden;
        this.lr = lr;
        this.seed = seed;
        this.out = out;
    }

    /** Runs the demo and returns the held-out Dice. */
    double run(boolean printGraph) {
        RandomGenerator rng = new RandomGenerator(seed);
        long t0 = System.nanoTime();
        try (TensorScope scope = new TensorScope()) {
            SyntheticPhantom train = SyntheticPhantom.make(rng.split(), size);
            SyntheticPhantom test = SyntheticPhantom.make(rng.split(), size);
            Tensor xTrain = features(train.image()), yTrain = train.label().reshape(-1, 1);
            Tensor xTest = features(test.image()), yTest = test.label().reshape(-1);
            int f = xTrain.dim(1);
            out.printf("phantoms: 2 x [2, %d, %d, %d] (train, test); %d voxels, %d features each; tumour fraction %.3f%n",
                    size, size, size, xTrain.dim(0), f, train.label().cast(DType.FLOAT32).mean().item());

            RandomGenerator init = rng.split();
            List<Variable> params = List.of(
                    Variable.param(init.normal(0, Math.sqrt(2.0 / f), f, hidden), "w1"),
                    Variable.param(Tensor.zeros(hidden), "b1"),
                    Variable.param(init.normal(0, Math.sqrt(1.0 / hidden), hidden, 2), "w2"),
                    Variable.param(Tensor.zeros(2), "b2"));
            Adam adam = new Adam(params, lr);
            Variable x = Variable.constant(xTrain, "features");
            for (int step = 1; step <= steps; step++) {
                try (TensorScope stepScope = new TensorScope()) {
                    Variable loss = crossEntropy(forward(x, params), yTrain);
                    if (printGraph && step == 1) {
                        out.println("autograd graph of one training step:");
                        out.print(GraphInspector.text(loss));
                    }
                    loss.backward();
                    adam.step();
                    adam.zeroGrad();
                    if (step == 1 || step % Math.max(1, steps / 8) == 0 || step == steps) {
                        out.printf("step %4d  loss %.4f%n", step, loss.value().item());
                    }
                }
            }
            double dice;
            try (NoGrad ng = NoGrad.enter(); TensorScope evalScope = new TensorScope()) {
                Tensor pred = forward(Variable.constant(xTest), params).value().argmax(1);
                dice = dice(pred, yTest);
            }
            for (Variable p : params) p.close();
            adam.close();
            out.printf("held-out whole-tumour Dice: %.4f   (%.1f s, peak tensor memory %.1f MiB)%n",
                    dice, (System.nanoTime() - t0) / 1e9, NativeMemory.peakBytes() / 1048576.0);
            return dice;
        }
    }

    /** Per voxel: each channel's intensity and its 3x3x3 and 5x5x5 local means, plus a constant 1. */
    static Tensor features(Tensor image) {
        try (TensorScope scope = new TensorScope()) {
            List<Tensor> cols = new ArrayList<>();
            for (int c = 0; c < image.dim(0); c++) {
                Tensor ch = image.select(0, c);
                cols.add(ch.reshape(-1, 1));
                cols.add(boxMean(ch, 1).reshape(-1, 1));
                cols.add(boxMean(ch, 2).reshape(-1, 1));
            }
            return scope.retain(Tensor.concat(cols, 1));
        }
    }

    /** Mean over a (2r+1)^3 cube, edges replicated. */
    static Tensor boxMean(Tensor vol, int r) {
        try (TensorScope scope = new TensorScope()) {
            int d = vol.dim(0), h = vol.dim(1), w = vol.dim(2);
            Tensor p = vol.pad(new int[] {r, r, r}, new int[] {r, r, r}, PadMode.EDGE, 0);
            Tensor acc = Tensor.zeros(d, h, w);
            for (int dz = 0; dz <= 2 * r; dz++) for (int dy = 0; dy <= 2 * r; dy++) for (int dx = 0; dx <= 2 * r; dx++) {
                acc = acc.add(p.slice(0, dz, dz + d).slice(1, dy, dy + h).slice(2, dx, dx + w));
            }
            int k = (2 * r + 1) * (2 * r + 1) * (2 * r + 1);
            return scope.retain(acc.div(k));
        }
    }

    static Variable forward(Variable x, List<Variable> p) {
        Variable h = x.matmul(p.get(0)).add(p.get(1)).leakyRelu(0.01);
        return h.matmul(p.get(2)).add(p.get(3));
    }

    /** Mean negative log-likelihood of the true class: -mean(logSoftmax(logits)[label]). */
    static Variable crossEntropy(Variable logits, Tensor labels) {
        return logits.logSoftmax(1).gather(1, labels).mean().neg();
    }

    static double dice(Tensor pred, Tensor truth) {
        try (TensorScope s = new TensorScope()) {
            double p = pred.sum().item(), t = truth.sum().item();
            double tp = pred.mul(truth).sum().item();
            return p + t == 0 ? 1.0 : 2 * tp / (p + t);
        }
    }
}
