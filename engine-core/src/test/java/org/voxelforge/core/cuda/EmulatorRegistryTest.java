package org.voxelforge.core.cuda;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every kernel in the CUDA sources is registered with the emulator exactly once
 * (kernels/src/main/cuda/emu/registry.cpp), and nothing else is: a kernel added to a .cuh without
 * its VF_EMU_REGISTER line fails here, naming it.
 */
class EmulatorRegistryTest {
    private static final Path SOURCES = Path.of("../kernels/src/main/cuda");
    private static final Pattern KERNEL = Pattern.compile("VF_KERNEL\\s+void\\s+(\\w+)\\s*\\(");

    static List<String> kernelsInSources() throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".cu") || p.toString().endsWith(".cuh")).sorted().toList()) {
                Matcher m = KERNEL.matcher(Files.readString(f));
                while (m.find()) names.add(m.group(1));
            }
        }
        return names;
    }

    @Test void everyKernelInTheSourcesIsRegisteredOnce() throws IOException {
        EmulatedKernels emu = EmulatorTests.emulator();
        List<String> sources = kernelsInSources();
        assertTrue(sources.containsAll(List.of("vf_fill_f32", "vf_random_f32", "vf_unary_f32", "vf_binary_f32", "vfemu_test_block_sum")),
                "the source scan found " + sources + " under " + SOURCES.toAbsolutePath());
        List<String> registered = emu.kernelNames();
        Set<String> seen = new HashSet<>();
        for (String k : registered) assertTrue(seen.add(k), k + " is registered twice in emu/registry.cpp");
        Set<String> missing = new TreeSet<>(sources);
        missing.removeAll(registered);
        assertTrue(missing.isEmpty(), "kernels not registered with the emulator (add VF_EMU_REGISTER(name) to "
                + "kernels/src/main/cuda/emu/registry.cpp): " + missing);
        Set<String> unknown = new TreeSet<>(registered);
        sources.forEach(unknown::remove);
        assertTrue(unknown.isEmpty(), "registered but not a VF_KERNEL in the sources: " + unknown);
    }
}
