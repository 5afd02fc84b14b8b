package org.voxelforge.nn.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.voxelforge.core.Tensor;
import org.voxelforge.nn.Module;

/** Saves and loads a {@link Module}'s state dict as safetensors, PyTorch-style names included. */
public final class Weights {
    private Weights() {}

    /** What a load matched and what it did not. */
    public record LoadReport(List<String> loaded, List<String> missing, List<String> unexpected, List<String> shapeMismatches) {
        public boolean isClean() { return missing.isEmpty() && unexpected.isEmpty() && shapeMismatches.isEmpty(); }

        @Override public String toString() {
            return "loaded " + loaded.size() + ", missing " + missing + ", unexpected " + unexpected
                    + ", shape mismatches " + shapeMismatches;
        }
    }

    public static void save(Module module, Path file) throws IOException {
        SafeTensors.save(file, module.stateDict());
    }

    /**
     * Copies the file's tensors into {@code module} by name (casting dtypes). Strict: any missing
     * or unexpected name or shape mismatch fails with the whole report and changes nothing.
     * Non-strict: loads what matches and returns the report.
     */
    public static LoadReport load(Module module, Path file, boolean strict) throws IOException {
        try (SafeTensors.Contents c = SafeTensors.load(file)) {
            Map<String, Tensor> target = module.stateDict();
            List<String> loaded = new ArrayList<>(), missing = new ArrayList<>(), unexpected = new ArrayList<>(), bad = new ArrayList<>();
            for (String name : target.keySet()) {
                Tensor src = c.tensors().get(name);
                if (src == null) missing.add(name);
                else if (!src.shape().equals(target.get(name).shape())) {
                    bad.add(name + " (file " + src.shape() + ", model " + target.get(name).shape() + ")");
                }
            }
            for (String name : c.tensors().keySet()) if (!target.containsKey(name)) unexpected.add(name);
            if (strict && !(missing.isEmpty() && unexpected.isEmpty() && bad.isEmpty())) {
                throw new IllegalArgumentException(file + " does not match the model: missing " + missing + ", unexpected "
                        + unexpected + ", shape mismatches " + bad + "; load non-strictly to take what matches");
            }
            for (Map.Entry<String, Tensor> e : target.entrySet()) {
                Tensor src = c.tensors().get(e.getKey());
                if (src != null && src.shape().equals(e.getValue().shape())) {
                    e.getValue().copy_(src);
                    loaded.add(e.getKey());
                }
            }
            return new LoadReport(loaded, missing, unexpected, bad);
        }
    }
}
