package org.voxelforge.core.cuda;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.voxelforge.core.Tensor;

/**
 * Runs an op the CUDA backend has no kernel for (yet, or for this dtype) on the CPU: the inputs
 * are copied to the host, the CPU backend computes, the result is copied back. Correct but slow
 * (two transfers and a synchronisation), so every use is counted per op and reason, and the
 * policy {@code -Dvoxelforge.cuda.hostFallback} decides what else happens:
 * <ul>
 *   <li>{@code warn} (default): one line on stderr the first time an (op, reason) pair falls back;</li>
 *   <li>{@code allow}: silent;</li>
 *   <li>{@code error}: an UnsupportedOperationException naming the op and the reason, for runs
 *       (and tests) that must stay on the device.</li>
 * </ul>
 */
final class HostFallback {
    enum Policy { WARN, ALLOW, ERROR }

    private static final Map<String, LongAdder> COUNTS = new ConcurrentHashMap<>();

    private final String device;

    HostFallback(String device) { this.device = device; }

    static Policy policy() {
        String p = System.getProperty("voxelforge.cuda.hostFallback", "warn").trim().toUpperCase(java.util.Locale.ROOT);
        try {
            return Policy.valueOf(p);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("-Dvoxelforge.cuda.hostFallback=" + p.toLowerCase(java.util.Locale.ROOT)
                    + " is not a policy: expected warn, allow or error");
        }
    }

    /** Records (and, by the policy, reports or refuses) one fallback of {@code op} for {@code reason}. */
    void note(String op, String reason) {
        String key = op + " (" + reason + ")";
        Policy policy = policy();
        if (policy == Policy.ERROR) {
            throw new UnsupportedOperationException(op + " on " + device + ": " + reason + ", and -Dvoxelforge.cuda.hostFallback=error "
                    + "forbids running it on the host; use float32, or allow the fallback with -Dvoxelforge.cuda.hostFallback=warn");
        }
        LongAdder n = COUNTS.computeIfAbsent(key, k -> new LongAdder());
        n.increment();
        if (policy == Policy.WARN && n.sum() == 1) {
            System.err.println("[voxelforge] " + key + " runs on the host, not on " + device + " (copies both ways; counted in "
                    + "CudaBackend.hostFallbacks())");
        }
    }

    /** The fallbacks so far, "op (reason)" -> count, sorted. */
    static Map<String, Long> counts() {
        Map<String, Long> m = new TreeMap<>();
        COUNTS.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }

    static void reset() { COUNTS.clear(); }

    /**
     * {@code cpu} applied to host copies of {@code inputs} (null stays null), its results copied
     * back by {@code back}; the host copies are closed.
     */
    <R> R run(String op, String reason, Function<Tensor, Tensor> download, Function<Tensor[], R> cpu, Tensor... inputs) {
        note(op, reason);
        Tensor[] host = new Tensor[inputs.length];
        try {
            for (int i = 0; i < inputs.length; i++) host[i] = inputs[i] == null ? null : download.apply(inputs[i]);
            return cpu.apply(host);
        } finally {
            for (Tensor h : host) if (h != null) h.close();
        }
    }
}
