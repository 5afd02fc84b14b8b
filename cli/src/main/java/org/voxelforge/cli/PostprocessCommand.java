package org.voxelforge.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.voxelforge.train.metrics.Evaluator;
import org.voxelforge.train.postprocess.PostprocessStrategy;
import org.voxelforge.train.postprocess.Postprocessor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Applies a postprocessing strategy to a folder of predictions; with ground truth, reports the change. */
@Command(name = "postprocess", mixinStandardHelpOptions = true,
        description = "Apply a postprocessing strategy (JSON steps, or the brats2023 dust preset) to predictions, and evaluate before and after.")
final class PostprocessCommand implements Callable<Integer> {
    @Option(names = "--predictions", required = true, description = "Folder of <case>.nii.gz predictions.")
    Path predictions;

    @Option(names = "--output", required = true, description = "Folder for the postprocessed predictions (not the input folder).")
    Path output;

    @Option(names = "--strategy", required = true, description = "Strategy JSON file, or 'brats2023' for the BraTS 2023 dust procedure.")
    String strategy;

    @Option(names = "--ground-truth", description = "Masks (folder or CSV id,mask): evaluate before and after.")
    Path groundTruth;

    @Option(names = "--final-classes", description = "Final classes for the evaluation (JSON or dataset.json); needed with --ground-truth.")
    String finalClasses;

    @Override public Integer call() throws Exception {
        PostprocessStrategy s = strategy.equals("brats2023") ? PostprocessStrategy.brats2023Dust() : PostprocessStrategy.read(Path.of(strategy));
        if (groundTruth == null) {
            int n = Postprocessor.applyToFolder(s, predictions, output);
            System.out.println("postprocessed " + n + " cases into " + output);
            return 0;
        }
        if (finalClasses == null) throw new IllegalArgumentException("--ground-truth needs --final-classes to know what to evaluate");
        Postprocessor.Report r = Postprocessor.run(s, predictions, output, groundTruth,
                new Evaluator.Options(EvaluateCommand.classes(finalClasses)), output);
        System.out.println("postprocessed " + r.after().ids().size() + " cases into " + output + "; mean before -> after:");
        for (Postprocessor.Change c : r.changes()) {
            System.out.printf(Locale.ROOT, "  %-20s %.4f -> %.4f (%+.4f)%n", c.column(), c.before(), c.after(), c.after() - c.before());
        }
        return 0;
    }
}
