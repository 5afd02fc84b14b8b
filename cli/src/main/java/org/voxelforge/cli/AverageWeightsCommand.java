package org.voxelforge.cli;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;
import org.voxelforge.nn.io.SafeTensors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Mean of several weights files (e.g. folds or checkpoints of one architecture), tensor by tensor. */
@Command(name = "average-weights", mixinStandardHelpOptions = true,
        description = "Average safetensors weights with equal tensor names and shapes: float tensors by their mean (in double), integer tensors must be equal.")
final class AverageWeightsCommand implements Callable<Integer> {
    @Option(names = "--inputs", required = true, split = ",", description = "Comma-separated .safetensors files.")
    List<Path> inputs;

    @Option(names = "--output", required = true, description = "The averaged .safetensors file.")
    Path output;

    @Override public Integer call() throws Exception {
        List<SafeTensors.Contents> files = new ArrayList<>();
        try {
            for (Path p : inputs) files.add(SafeTensors.load(p));
            try (TensorScope scope = new TensorScope()) { // frees the averaged tensors
                Map<String, Tensor> mean = average(inputs, files);
                SafeTensors.save(output, mean, files.get(0).metadata());
                System.out.println("averaged " + mean.size() + " tensors of " + inputs.size() + " files into " + output);
                return 0;
            }
        } finally {
            files.forEach(SafeTensors.Contents::close);
        }
    }

    /** The mean of each tensor; fails naming the file and tensor on any disagreement. */
    static Map<String, Tensor> average(List<Path> paths, List<SafeTensors.Contents> files) {
        Map<String, Tensor> first = files.get(0).tensors();
        for (int f = 1; f < files.size(); f++) {
            Map<String, Tensor> other = files.get(f).tensors();
            for (String name : first.keySet()) {
                if (!other.containsKey(name)) {
                    throw new IllegalArgumentException(paths.get(f) + " lacks tensor '" + name + "' that " + paths.get(0) + " has; average weights of one architecture");
                }
                Tensor a = first.get(name), b = other.get(name);
                if (!a.shape().equals(b.shape()) || a.dtype() != b.dtype()) {
                    throw new IllegalArgumentException(paths.get(f) + ": tensor '" + name + "' is " + b.dtype().label() + b.shape()
                            + " but " + paths.get(0) + " has " + a.dtype().label() + a.shape() + "; expected equal names, shapes and dtypes");
                }
            }
            for (String name : other.keySet()) {
                if (!first.containsKey(name)) {
                    throw new IllegalArgumentException(paths.get(f) + " has tensor '" + name + "' that " + paths.get(0) + " lacks; average weights of one architecture");
                }
            }
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : first.entrySet()) {
            String name = e.getKey();
            Tensor t0 = e.getValue();
            if (!t0.dtype().isFloatingPoint()) {
                // counters such as BatchNorm's num_batches_tracked: an average would be meaningless, so they must agree
                for (int f = 1; f < files.size(); f++) {
                    if (!sameBytes(t0, files.get(f).tensors().get(name))) {
                        throw new IllegalArgumentException("integer tensor '" + name + "' differs between " + paths.get(0) + " and "
                                + paths.get(f) + "; integer tensors are not averaged, they must be equal");
                    }
                }
                out.put(name, t0);
                continue;
            }
            double[] sum = new double[(int) t0.numel()];
            for (SafeTensors.Contents c : files) {
                double[] v = c.tensors().get(name).toDoubleArray();
                for (int i = 0; i < sum.length; i++) sum[i] += v[i];
            }
            for (int i = 0; i < sum.length; i++) sum[i] /= files.size();
            out.put(name, Tensor.of(sum, t0.dims()).cast(t0.dtype()));
        }
        return out;
    }

    /** Loaded tensors are fresh and contiguous, so equal values mean equal bytes. */
    private static boolean sameBytes(Tensor a, Tensor b) {
        long bytes = a.numel() * a.dtype().byteSize();
        MemorySegment sa = a.segment().asSlice(a.offset() * a.dtype().byteSize(), bytes);
        MemorySegment sb = b.segment().asSlice(b.offset() * b.dtype().byteSize(), bytes);
        return sa.mismatch(sb) == -1;
    }
}
