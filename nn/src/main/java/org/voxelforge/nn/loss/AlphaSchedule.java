package org.voxelforge.nn.loss;

/**
 * The weight alpha of the region term in region + boundary losses, per epoch (0-indexed):
 * loss = alpha * region + (1 - alpha) * boundary. As MIST: constant, or alpha = 1 for
 * {@code initPause} epochs and then a linear (or, here also, cosine) decay to 0 at the last epoch.
 */
@FunctionalInterface
public interface AlphaSchedule {
    double alpha(int epoch);

    static AlphaSchedule constant(double value) {
        if (!(value >= 0 && value <= 1)) throw new IllegalArgumentException("AlphaSchedule.constant: alpha must be in [0, 1], got " + value);
        return epoch -> value;
    }

    static AlphaSchedule linear(int numEpochs, int initPause) {
        return epoch -> 1.0 - progress(epoch, numEpochs, initPause);
    }

    static AlphaSchedule cosine(int numEpochs, int initPause) {
        return epoch -> 0.5 * (1.0 + Math.cos(Math.PI * progress(epoch, numEpochs, initPause)));
    }

    /** "constant" (0.5), "linear" or "cosine", with MIST's default pause of 5 epochs. */
    static AlphaSchedule byName(String name, int numEpochs) {
        return switch (name) {
            case "constant" -> constant(0.5);
            case "linear" -> linear(numEpochs, 5);
            case "cosine" -> cosine(numEpochs, 5);
            default -> throw new IllegalArgumentException("unknown alpha schedule '" + name + "': expected constant, linear or cosine");
        };
    }

    /** 0 until the pause ends, then up to 1 at the last epoch (numEpochs - 1). */
    private static double progress(int epoch, int numEpochs, int initPause) {
        if (numEpochs < 1 || initPause < 0) {
            throw new IllegalArgumentException("AlphaSchedule: need numEpochs >= 1 and initPause >= 0, got " + numEpochs + ", " + initPause);
        }
        if (epoch <= initPause) return 0;
        int decay = Math.max(1, Math.max(1, numEpochs - 1) - initPause);
        return Math.min(1.0, (epoch - initPause) / (double) decay);
    }
}
