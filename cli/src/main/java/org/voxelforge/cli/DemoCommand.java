package org.voxelforge.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The README's main command. Until the segmentation pipeline lands (analyze, preprocess, train,
 * predict, evaluate), the demo runs the engine end to end on a synthetic phantom.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Train a small voxel classifier on a synthetic tumour phantom with the autograd engine and report held-out Dice.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--size", defaultValue = "32", description = "Phantom edge length in voxels (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--steps", defaultValue = "150", description = "Training steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--hidden", defaultValue = "16", description = "Hidden units (default: ${DEFAULT-VALUE}).")
    int hidden;

    @Option(names = "--lr", defaultValue = "0.03", description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--seed", defaultValue = "7", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--graph", description = "Print the autograd graph of the first training step.")
    boolean graph;

    @Override public Integer call() {
        if (size < 8 || size > 256) throw new IllegalArgumentException("--size must be in 8..256, got " + size);
        if (steps < 1) throw new IllegalArgumentException("--steps must be >= 1, got " + steps);
        if (hidden < 1) throw new IllegalArgumentException("--hidden must be >= 1, got " + hidden);
        if (!(lr > 0)) throw new IllegalArgumentException("--lr must be > 0, got " + lr);
        System.out.println("VoxelForge engine demo (CPU, " + org.voxelforge.core.Parallel.threads() + " threads)");
        double dice = new EngineDemo(size, steps, hidden, lr, seed, System.out).run(graph);
        return dice >= 0.8 ? 0 : 1;
    }
}
