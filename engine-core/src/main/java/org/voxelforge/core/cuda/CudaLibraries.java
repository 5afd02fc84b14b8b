package org.voxelforge.core.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the NVIDIA libraries (without loading them) and loads them on request.
 *
 * <p>Search: directories in {@link LibrarySearchPath}'s order; the first directory that holds any
 * accepted soname wins, and within a directory the newer soname wins (so an explicit
 * {@code VOXELFORGE_CUDA_LIBS} holding cuBLAS 12 beats a system cuBLAS 13).
 */
public final class CudaLibraries {
    private static volatile Map<CudaLibrary, LibraryReport> systemReports;
    private static final Map<Path, SymbolLookup> LOADED = new ConcurrentHashMap<>();

    private CudaLibraries() {}

    /** Discovery over the given environment; touches only the file system (no dlopen). */
    public static Map<CudaLibrary, LibraryReport> discover(LibrarySearchPath.Environment env) {
        List<LibrarySearchPath.Dir> dirs = LibrarySearchPath.directories(env);
        Map<CudaLibrary, LibraryReport> out = new EnumMap<>(CudaLibrary.class);
        for (CudaLibrary lib : CudaLibrary.values()) out.put(lib, find(lib, dirs));
        return out;
    }

    /** Discovery over this process's environment, done once. */
    public static Map<CudaLibrary, LibraryReport> system() {
        Map<CudaLibrary, LibraryReport> r = systemReports;
        if (r == null) {
            synchronized (CudaLibraries.class) {
                if (systemReports == null) systemReports = discover(LibrarySearchPath.Environment.system());
                r = systemReports;
            }
        }
        return r;
    }

    static LibraryReport find(CudaLibrary lib, List<LibrarySearchPath.Dir> dirs) {
        for (LibrarySearchPath.Dir d : dirs) {
            for (String soname : lib.sonames()) {
                Path p = d.path().resolve(soname);
                if (Files.exists(p) && !Files.isDirectory(p)) return new LibraryReport(lib, Optional.of(p), dirs);
            }
        }
        return new LibraryReport(lib, Optional.empty(), dirs);
    }

    /**
     * Loads a found library for the life of the process (dlopen by path) and returns its
     * symbols. Loading the same path twice returns the same lookup.
     *
     * @throws IllegalStateException naming the library and where it looked when it was not found,
     *         or the loader's message when the file does not load
     */
    public static SymbolLookup load(LibraryReport report) {
        Path p = report.path().orElseThrow(() -> new IllegalStateException(report.details()));
        return LOADED.computeIfAbsent(p, path -> {
            try {
                return SymbolLookup.libraryLookup(path, Arena.global());
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(report.library().title() + ": " + path + " was found but does not load: "
                        + e.getMessage(), e);
            }
        });
    }

    /** Loads a library found by {@link #system()} discovery. */
    public static SymbolLookup load(CudaLibrary lib) { return load(system().get(lib)); }

    /** A text report of every library, one line each (with the places looked for missing ones when verbose). */
    public static String describe(Map<CudaLibrary, LibraryReport> reports, boolean verbose) {
        StringBuilder sb = new StringBuilder();
        for (LibraryReport r : reports.values()) sb.append(verbose ? r.details() : r.summary()).append('\n');
        return sb.toString();
    }
}
