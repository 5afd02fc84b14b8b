package org.voxelforge.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code voxelforge} command. Each subcommand is one class in this package. */
@Command(name = "voxelforge", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "3D medical image segmentation engine and framework, in Java.",
        subcommands = {SynthCommand.class, ConvertMsdCommand.class, ConvertCsvCommand.class, AnalyzeCommand.class,
                PreprocessCommand.class, TrainCommand.class, PredictCommand.class, EvaluateCommand.class, PostprocessCommand.class, EnsembleCommand.class,
                AverageWeightsCommand.class, RunCommand.class, InspectCommand.class, SelftestCommand.class, DemoCommand.class, InfoCommand.class,
                BenchCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns its exit code (tests call this instead of main). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            // user errors: one clear line, non-zero exit; programming errors keep their stack trace
            if (ex instanceof IllegalArgumentException || ex instanceof java.io.IOException || ex instanceof IllegalStateException) {
                String msg = ex instanceof java.nio.file.NoSuchFileException nf
                        ? "no such file: " + nf.getFile() + " (check the path; earlier steps may not have run)"
                        : ex.getMessage();
                cmd.getErr().println("voxelforge " + cmd.getCommandName() + ": " + msg);
                return 2;
            }
            throw ex;
        });
        return cl.execute(args);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"voxelforge " + (v == null ? "dev" : v) + " on Java " + Runtime.version()};
        }
    }
}
