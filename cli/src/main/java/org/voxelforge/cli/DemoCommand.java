package org.voxelforge.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until the engine demo lands in this session. */
@Command(name = "demo", mixinStandardHelpOptions = true, description = "Run the end-to-end demo on synthetic data.")
final class DemoCommand implements Callable<Integer> {
    @Override public Integer call() {
        System.out.println("demo: not yet");
        return 1;
    }
}
