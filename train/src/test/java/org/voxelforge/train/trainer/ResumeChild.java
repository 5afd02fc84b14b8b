package org.voxelforge.train.trainer;

import java.nio.file.Path;
import java.util.List;
import org.voxelforge.nn.models.DynamicUNet;

/**
 * A training process for {@link TrainerResumeTest}: {@code full <dir>} trains the whole run,
 * {@code killed <dir>} stops after epoch 2 of 3 (and the process exits, as a killed run would),
 * {@code resume <dir>} continues a run from its checkpoint to the end.
 */
public final class ResumeChild {
    private ResumeChild() {}

    /** Every piece of state in play: SGD Nesterov momentum, poly schedule, deep supervision, clipping, L2, EMA. */
    static TrainingOptions options() {
        return new TrainingOptions(3, 2, 2, "dice_ce", true, "sgd", 1e-2, 3e-5, 0.99, true, "poly", 1.0, 1e-4, 0.9, 11, 2,
                Synthetic.PATCH);
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        Path dir = Path.of(args[1]);
        List<LabeledVolume> cases = Synthetic.twoSpheres();
        BatchSource src = new InMemoryBatchSource(cases, Synthetic.PATCH, 2, 21);
        try (DynamicUNet m = Synthetic.tinyUNet(); Trainer t = new Trainer(m, options(), src, cases.subList(0, 1), dir, null)) {
            switch (mode) {
                case "full" -> t.fit();
                case "killed" -> t.fitUntil(2);
                case "resume" -> {
                    t.resume();
                    if (t.epochsDone() != 2) throw new IllegalStateException("resumed at " + t.epochsDone() + " epochs, expected 2");
                    t.fit();
                }
                default -> throw new IllegalArgumentException("mode " + mode);
            }
        }
        Synthetic.close(cases);
    }
}
