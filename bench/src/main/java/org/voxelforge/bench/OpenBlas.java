package org.voxelforge.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * OpenBLAS (the peer for GEMM) bound through java.lang.foreign: {@code cblas_sgemm} and
 * {@code openblas_set_num_threads}. Looked up as {@code $VOXELFORGE_OPENBLAS}, then Debian's
 * {@code libopenblas0-pthread} location, then {@code libopenblas.so.0} on the system library path.
 * Install it with {@code bench/scripts/install-peers.sh}.
 */
public final class OpenBlas {
    private static final int ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112;
    private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT;

    private final MethodHandle sgemm;
    private final MethodHandle setThreads;
    private final String where;

    private OpenBlas(SymbolLookup lib, String where) {
        Linker linker = Linker.nativeLinker();
        this.sgemm = linker.downcallHandle(lib.find("cblas_sgemm").orElseThrow(),
                FunctionDescriptor.ofVoid(I, I, I, I, I, I, ValueLayout.JAVA_FLOAT, ValueLayout.ADDRESS, I,
                        ValueLayout.ADDRESS, I, ValueLayout.JAVA_FLOAT, ValueLayout.ADDRESS, I));
        this.setThreads = linker.downcallHandle(lib.find("openblas_set_num_threads").orElseThrow(),
                FunctionDescriptor.ofVoid(I));
        this.where = where;
    }

    /** Loads the library or fails saying where it looked and how to install it. */
    public static OpenBlas load() {
        List<String> tried = new ArrayList<>();
        List<String> candidates = new ArrayList<>();
        String env = System.getenv("VOXELFORGE_OPENBLAS");
        if (env != null && !env.isBlank()) candidates.add(env);
        candidates.add("/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0");
        candidates.add("/usr/lib/aarch64-linux-gnu/openblas-pthread/libopenblas.so.0");
        for (String c : candidates) {
            tried.add(c);
            if (Files.isRegularFile(Path.of(c))) {
                return new OpenBlas(SymbolLookup.libraryLookup(Path.of(c), Arena.global()), c);
            }
        }
        tried.add("libopenblas.so.0 (system library path)");
        try {
            return new OpenBlas(SymbolLookup.libraryLookup("libopenblas.so.0", Arena.global()), "libopenblas.so.0");
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("OpenBLAS not found; looked at " + tried
                    + ". Install it with bench/scripts/install-peers.sh (Debian package libopenblas0-pthread) "
                    + "or set VOXELFORGE_OPENBLAS to the path of libopenblas.so.0", e);
        }
    }

    public String location() { return where; }

    public void setThreads(int n) {
        try {
            setThreads.invokeExact(n);
        } catch (Throwable t) {
            throw new IllegalStateException("openblas_set_num_threads failed", t);
        }
    }

    /** Row-major {@code C = alpha op(A) op(B) + beta C} on native float segments. */
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, MemorySegment a, int lda,
                      MemorySegment b, int ldb, float beta, MemorySegment c, int ldc) {
        try {
            sgemm.invokeExact(ROW_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS, m, n, k, alpha, a, lda,
                    b, ldb, beta, c, ldc);
        } catch (Throwable t) {
            throw new IllegalStateException("cblas_sgemm failed", t);
        }
    }
}
