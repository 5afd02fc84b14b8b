package org.voxelforge.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import org.voxelforge.autograd.GraphInspector;
import org.voxelforge.autograd.Node;
import org.voxelforge.autograd.OpTiming;
import org.voxelforge.autograd.Variable;
import org.voxelforge.core.NativeMemory;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;
import org.voxelforge.nn.loss.Losses;
import org.voxelforge.nn.models.DynamicUNet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** One training step of a small U-Net on random data, shown as the autograd graph with times and saved bytes. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Run one training step (forward, Dice+CE loss, backward) of a small U-Net on random data and print its autograd graph with node times and saved bytes.")
final class InspectCommand implements Callable<Integer> {
    @Option(names = "--format", defaultValue = "text", description = "text or dot (Graphviz) (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--model", defaultValue = "unet", description = "unet (nnU-Net's plain U-Net) or resenc (residual encoder) (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--patch", defaultValue = "32", description = "Patch edge in voxels (default: ${DEFAULT-VALUE}).")
    int patch;

    @Option(names = "--channels", defaultValue = "4", description = "Input channels (default: ${DEFAULT-VALUE}).")
    int channels;

    @Option(names = "--classes", defaultValue = "4", description = "Output classes (default: ${DEFAULT-VALUE}).")
    int classes;

    @Option(names = "--stages", defaultValue = "3", description = "U-Net stages; the patch must divide by 2^(stages-1) (default: ${DEFAULT-VALUE}).")
    int stages;

    @Option(names = "--features", defaultValue = "8", description = "Features of the first stage, doubling per stage (default: ${DEFAULT-VALUE}).")
    int features;

    @Override public Integer call() {
        if (!format.equals("text") && !format.equals("dot")) throw new IllegalArgumentException("--format: '" + format + "' is not text or dot");
        if (!model.equals("unet") && !model.equals("resenc")) throw new IllegalArgumentException("--model: '" + model + "' is not unet or resenc");
        if (stages < 2) throw new IllegalArgumentException("--stages must be >= 2, got " + stages);
        if (channels < 1 || classes < 2 || features < 1) {
            throw new IllegalArgumentException("--channels and --features must be >= 1 and --classes >= 2, got " + channels + ", " + features + ", " + classes);
        }
        int stride = 1 << (stages - 1);
        if (patch < stride || patch % stride != 0) {
            throw new IllegalArgumentException("--patch " + patch + " must be a multiple of the total stride " + stride + " of " + stages + " stages");
        }
        DynamicUNet.Plan plan = DynamicUNet.Plan.isotropic(channels, classes, stages).withFeatures(features, features << (stages - 1));
        if (model.equals("resenc")) {
            int[] blocks = new int[stages];
            Arrays.fill(blocks, 1);
            plan = plan.withResidualEncoder(blocks, 1);
        }
        NativeMemory.resetPeak();
        try (TensorScope scope = new TensorScope(); DynamicUNet net = new DynamicUNet(plan)) {
            Random rnd = new Random(0);
            float[] image = new float[channels * patch * patch * patch];
            for (int i = 0; i < image.length; i++) image[i] = (float) rnd.nextGaussian();
            int[] labels = new int[patch * patch * patch];
            for (int i = 0; i < labels.length; i++) labels[i] = rnd.nextInt(classes);
            Variable x = Variable.constant(Tensor.of(image, 1, channels, patch, patch, patch), "image");
            Tensor target = Tensor.ofInts(labels, 1, patch, patch, patch);
            long t0 = System.nanoTime();
            Variable loss;
            try (OpTiming timing = OpTiming.enable()) {
                loss = Losses.create("dice_ce").compute(net.forward(x), target, null);
                loss.backward();
            }
            double stepMs = (System.nanoTime() - t0) / 1e6;
            System.out.print(format.equals("dot") ? GraphInspector.dot(loss) : GraphInspector.text(loss));
            long[] ns = countNodes(loss);
            String summary = String.format(Locale.ROOT,
                    "%s %d^3 x %d -> %d classes, %,d parameters: %d op nodes, %.2f MiB saved for backward, step %.1f ms, peak tensor memory %.1f MiB",
                    model, patch, channels, classes, net.parameterCount(), ns[0], ns[1] / 1048576.0, stepMs, NativeMemory.peakBytes() / 1048576.0);
            // in DOT the summary is a comment, so the output still renders
            System.out.println(format.equals("dot") ? "// " + summary : summary);
        }
        return 0;
    }

    /** Number of op nodes below {@code root} and the bytes they saved for backward. */
    static long[] countNodes(Variable root) {
        Map<Node, Boolean> seen = new IdentityHashMap<>();
        List<Variable> todo = new ArrayList<>(List.of(root));
        long saved = 0;
        while (!todo.isEmpty()) {
            Node n = todo.remove(todo.size() - 1).node();
            if (n == null || seen.put(n, Boolean.TRUE) != null) continue;
            saved += n.savedBytes();
            todo.addAll(n.inputs());
        }
        return new long[] {seen.size(), saved};
    }
}
