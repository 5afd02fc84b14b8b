package org.voxelforge.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.voxelforge.data.dataset.CsvConverter;
import org.voxelforge.data.dataset.DatasetDescription;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** CSV of paths (id,mask,<modality>,...) -> MIST layout (raw/train, raw/test, dataset.json). */
@Command(name = "convert-csv", mixinStandardHelpOptions = true,
        description = "Convert CSVs of paths (header id,mask,<modality>,...; the test CSV may omit mask) to MIST's layout.")
final class ConvertCsvCommand implements Callable<Integer> {
    @Option(names = "--train", required = true, description = "Training CSV: id,mask,<modality>,... (paths absolute or relative to the CSV).")
    Path train;

    @Option(names = "--test", description = "Test CSV: id,<modality>,... (optional).")
    Path test;

    @Option(names = "--output", required = true, description = "Folder for the MIST dataset (created if absent).")
    Path output;

    @Option(names = "--task", description = "Task name for dataset.json (default: the output folder's name).")
    String task;

    @Option(names = "--modality", defaultValue = "other", description = "ct, mr or other (default: ${DEFAULT-VALUE}).")
    String modality;

    @Override public Integer call() throws Exception {
        requireFile("--train", train);
        if (test != null) requireFile("--test", test);
        if (!DatasetDescription.MODALITIES.contains(modality)) {
            throw new IllegalArgumentException("--modality: '" + modality + "' is not one of " + DatasetDescription.MODALITIES);
        }
        String name = task != null ? task : output.toAbsolutePath().normalize().getFileName().toString();
        DatasetDescription d = CsvConverter.convert(train, test, name, modality, output);
        System.out.println("converted task '" + d.task() + "' (modalities " + d.modalities() + "); wrote " + output.resolve("dataset.json"));
        return 0;
    }

    private static void requireFile(String flag, Path p) {
        if (!Files.isRegularFile(p)) throw new IllegalArgumentException(flag + ": no such file " + p + "; expected a CSV with header id,mask,<modality>,...");
    }
}
