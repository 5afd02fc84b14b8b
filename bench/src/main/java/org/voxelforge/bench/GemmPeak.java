package org.voxelforge.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Prints this machine's theoretical float32 peak, the floor the GEMM benchmark is measured
 * against: peak = FMA pipes x float lanes per pipe x 2 flops x clock, per core and for all cores.
 * ISA flags, vendor, family and clock come from /proc/cpuinfo. Assumptions, printed too:
 * two FMA pipes per core (Intel Haswell and later, Skylake-SP server parts with two AVX-512
 * units, AMD Zen); AMD Zen 4 (family 25 with AVX-512) runs 512-bit FMAs on 256-bit pipes, so its
 * datapath is 8 lanes; the clock is /proc/cpuinfo's "cpu MHz", which in a VM is often the nominal
 * clock: a core that boosts above it can measure more than this "peak".
 *
 * <p>Run: {@code java -cp bench/target/benchmarks.jar org.voxelforge.bench.GemmPeak}
 */
public final class GemmPeak {
    private GemmPeak() {}

    public static void main(String[] args) throws IOException {
        List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
        String model = field(lines, "model name", "unknown");
        String vendor = field(lines, "vendor_id", "unknown");
        int family = Integer.parseInt(field(lines, "cpu family", "0"));
        double mhz = Double.parseDouble(field(lines, "cpu MHz", "0"));
        List<String> flags = List.of(field(lines, "flags", "").split("\\s+"));
        int cores = Runtime.getRuntime().availableProcessors();

        String isa;
        int lanes;
        if (flags.contains("avx512f")) {
            boolean zen4 = vendor.equals("AuthenticAMD") && family == 25;
            isa = zen4 ? "AVX-512 on 256-bit pipes (AMD Zen 4)" : "AVX-512";
            lanes = zen4 ? 8 : 16;
        } else if (flags.contains("avx2") && flags.contains("fma")) {
            isa = "AVX2 + FMA";
            lanes = 8;
        } else {
            isa = "SSE (no FMA: counting mul + add as one op per pipe)";
            lanes = 4;
        }
        int fmaPipes = 2;
        double perCore = fmaPipes * lanes * 2 * mhz / 1000.0;
        System.out.printf(Locale.ROOT, "cpu: %s (%s, family %d), %d cores visible, clock %.0f MHz (from /proc/cpuinfo)%n",
                model, vendor, family, cores, mhz);
        System.out.printf(Locale.ROOT, "isa: %s -> %d float32 lanes per FMA pipe; assumed %d FMA pipes per core%n",
                isa, lanes, fmaPipes);
        System.out.printf(Locale.ROOT, "float32 peak: %.1f GFLOP/s per core, %.1f GFLOP/s on %d cores (%d x %d x 2 x %.2f GHz per core; boost clocks raise it)%n",
                perCore, perCore * cores, cores, fmaPipes, lanes, mhz / 1000.0);
    }

    private static String field(List<String> lines, String key, String fallback) {
        for (String l : lines) {
            int colon = l.indexOf(':');
            if (colon > 0 && l.substring(0, colon).trim().equals(key)) return l.substring(colon + 1).trim();
        }
        return fallback;
    }
}
