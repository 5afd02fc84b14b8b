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

    /** The same digest as kernels/build-emulator.sh computes (byte order of relative paths, as LC_ALL=C sort). */
    static String sourceDigest() throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.walk(SOURCES)) {
            files = s.filter(Files::isRegularFile)
                    .filter(p -> Stream.of(".cu", ".cuh", ".h", ".cpp").anyMatch(p.toString()::endsWith))
                    .sorted(java.util.Comparator.comparing((Path p) -> "./" + SOURCES.relativize(p).toString().replace('\\', '/'),
                            (a, b) -> java.util.Arrays.compare(a.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                                    b.getBytes(java.nio.charset.StandardCharsets.UTF_8))))
                    .toList();
        }
        java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
        for (Path f : files) md.update(Files.readAllBytes(f));
        return java.util.HexFormat.of().formatHex(md.digest());
    }

    @Test void everyKernelInTheSourcesIsRegisteredOnce() throws Exception {
        EmulatedKernels emu = EmulatorTests.emulator();
        boolean fresh = emu.sourceDigest().equals(sourceDigest());
        java.net.URL lib = org.voxelforge.kernels.KernelResources.class.getResource(org.voxelforge.kernels.KernelResources.EMULATOR);
        if (lib != null && lib.getProtocol().equals("file")) {
            // Built in this reactor (kernels/target/classes): it must come from these very sources.
            assertTrue(fresh, "the emulator library " + lib + " does not match the sources under " + SOURCES.toAbsolutePath().normalize());
        }
        // Run alone (-pl engine-core), Maven takes the kernels jar from ~/.m2, which may predate these sources.
        org.junit.jupiter.api.Assumptions.assumeTrue(fresh, "the emulator library in the kernels jar (" + lib + ") was built from other "
                + "sources than " + SOURCES.toAbsolutePath().normalize() + " (a stale jar in ~/.m2?): run with -pl kernels,engine-core");
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
