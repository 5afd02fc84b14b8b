package org.voxelforge.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.voxelforge.core.Tensor;
import org.voxelforge.data.nifti.NiftiDataType;
import org.voxelforge.data.nifti.NiftiReader;
import org.voxelforge.data.nifti.NiftiWriter;
import org.voxelforge.train.ensemble.MajorityVote;
import org.voxelforge.train.ensemble.RegionMerge;
import org.voxelforge.train.ensemble.Staple;
import org.voxelforge.train.metrics.LabelMap;
import org.voxelforge.train.metrics.LabelVolumes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Fuses label maps of several prediction folders case by case (matched by file name). */
@Command(name = "ensemble", mixinStandardHelpOptions = true,
        description = "Fuse the label maps of several prediction folders per case: majority vote, STAPLE, or the BraTS 2020 region merge of two pipelines.")
final class EnsembleCommand implements Callable<Integer> {
    // STAPLE stops when no rater's sensitivity or specificity moves by more than this, or after MAX_ITERATIONS
    static final double STAPLE_TOLERANCE = 1e-6;
    static final int STAPLE_MAX_ITERATIONS = 100;

    @Option(names = "--inputs", required = true, split = ",", description = "Comma-separated folders of <case>.nii.gz label maps.")
    List<Path> inputs;

    @Option(names = "--output", required = true, description = "Folder for the fused label maps (not one of the inputs).")
    Path output;

    @Option(names = "--method", defaultValue = "vote", description = "vote, staple or brats2020 (two inputs) (default: ${DEFAULT-VALUE}).")
    String method;

    @Override public Integer call() throws Exception {
        if (!List.of("vote", "staple", "brats2020").contains(method)) {
            throw new IllegalArgumentException("--method: '" + method + "' is not one of vote, staple, brats2020");
        }
        if (method.equals("brats2020") && inputs.size() != 2) {
            throw new IllegalArgumentException("--method brats2020 merges exactly two pipelines; --inputs names " + inputs.size() + " folders");
        }
        Path out = output.toAbsolutePath().normalize();
        List<Map<String, Path>> folders = new ArrayList<>();
        for (Path in : inputs) {
            if (in.toAbsolutePath().normalize().equals(out)) {
                throw new IllegalArgumentException("--output " + output + " is also an input; choose another folder so the inputs stay");
            }
            folders.add(LabelVolumes.niftiFolder(in));
        }
        // check every case is in every folder before writing anything
        TreeSet<String> cases = new TreeSet<>();
        for (Map<String, Path> f : folders) cases.addAll(f.keySet());
        if (cases.isEmpty()) throw new IllegalArgumentException("--inputs: no NIfTI files in " + inputs);
        for (String id : cases) {
            int[] shape = null;
            for (int j = 0; j < folders.size(); j++) {
                Path f = folders.get(j).get(id);
                if (f == null) {
                    throw new IllegalArgumentException("--inputs: case '" + id + "' is missing in " + inputs.get(j)
                            + "; every folder must hold the same cases");
                }
                int[] s = NiftiReader.readHeader(f).shape();
                if (shape == null) shape = s;
                else if (!Arrays.equals(shape, s)) {
                    throw new IllegalArgumentException("case '" + id + "': " + f + " has shape " + Arrays.toString(s) + " but "
                            + folders.get(0).get(id) + " has " + Arrays.toString(shape) + "; expected label maps on one grid");
                }
            }
        }
        for (String id : cases) fuseCase(id, folders);
        System.out.println("fused " + cases.size() + " cases from " + inputs.size() + " folders by " + method + " into " + output);
        return 0;
    }

    private void fuseCase(String id, List<Map<String, Path>> folders) throws java.io.IOException {
        Path first = folders.get(0).get(id);
        List<int[]> maps = new ArrayList<>();
        int[] dims = null;
        for (Map<String, Path> f : folders) {
            LabelMap m = LabelVolumes.read(f.get(id));
            if (dims == null) dims = m.dims();
            else if (!Arrays.equals(dims, m.dims())) {
                throw new IllegalArgumentException("case '" + id + "': " + f.get(id) + " has shape " + Arrays.toString(m.dims())
                        + " but " + first + " has " + Arrays.toString(dims) + "; expected label maps on one grid");
            }
            maps.add(m.labels());
        }
        int[] fused = switch (method) {
            case "vote" -> MajorityVote.vote(maps);
            case "staple" -> Staple.multiLabel(maps, STAPLE_TOLERANCE, STAPLE_MAX_ITERATIONS);
            default -> RegionMerge.merge(maps.get(0), maps.get(1), RegionMerge.BRATS_2020);
        };
        try (Tensor t = Tensor.ofInts(fused, dims)) {
            // the first input's geometry; NiftiWriter writes to a temporary name and renames
            NiftiWriter.Result r = NiftiWriter.write(output.resolve(first.getFileName()), t, NiftiReader.readHeader(first), NiftiDataType.INT16);
            if (!r.exact()) throw new IllegalArgumentException("case '" + id + "': fused labels do not fit int16");
        }
    }
}
