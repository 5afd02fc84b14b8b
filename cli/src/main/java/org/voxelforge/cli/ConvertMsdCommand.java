package org.voxelforge.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.voxelforge.data.dataset.DatasetDescription;
import org.voxelforge.data.dataset.MsdConverter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** MSD / nnU-Net task folder -> MIST layout (raw/train, raw/test, dataset.json). */
@Command(name = "convert-msd", mixinStandardHelpOptions = true,
        description = "Convert a Medical Segmentation Decathlon or nnU-Net dataset (dataset.json, imagesTr/, labelsTr/, imagesTs/) to MIST's layout.")
final class ConvertMsdCommand implements Callable<Integer> {
    @Option(names = "--source", required = true, description = "MSD / nnU-Net task folder holding dataset.json.")
    Path source;

    @Option(names = "--output", required = true, description = "Folder for the MIST dataset (created if absent).")
    Path output;

    @Override public Integer call() throws Exception {
        if (!Files.isRegularFile(source.resolve("dataset.json"))) {
            throw new IllegalArgumentException("--source: " + source + " has no dataset.json; expected an MSD or nnU-Net task folder"
                    + " (dataset.json, imagesTr/, labelsTr/)");
        }
        DatasetDescription d = MsdConverter.convert(source, output);
        System.out.println("converted task '" + d.task() + "' (modalities " + d.modalities() + "); wrote " + output.resolve("dataset.json"));
        return 0;
    }
}
