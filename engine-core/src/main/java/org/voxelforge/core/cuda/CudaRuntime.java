package org.voxelforge.core.cuda;

import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The process-wide CUDA state: which libraries were found, whether the driver initialises and
 * sees a device, and (when it does) the loaded bindings and the devices.
 *
 * <p>{@link #isAvailable()} never throws: on a machine without a GPU it returns false and
 * {@link #unavailableReason()} says why (a missing library and where it was looked for, a
 * driver error, no device, kernels not built). Everything else throws when CUDA is unavailable.
 */
public final class CudaRuntime {
    /** Whether CUDA can be used, and if not, why. */
    public record Availability(boolean available, String reason, int deviceCount, int driverVersion) {}

    private static volatile Availability availability;
    private static volatile CudaRuntime instance;

    private final CudaDriver driver;
    private final Map<CudaLibrary, LibraryReport> reports;
    private final Map<Integer, CudaDevice> devices = new ConcurrentHashMap<>();
    private volatile Cublas cublas;
    private volatile Cudnn cudnn;

    private CudaRuntime(CudaDriver driver, Map<CudaLibrary, LibraryReport> reports) {
        this.driver = driver;
        this.reports = reports;
    }

    /** Probes once per process (library discovery, cuInit, device count); never throws. */
    public static Availability availability() {
        Availability a = availability;
        if (a == null) {
            synchronized (CudaRuntime.class) {
                if (availability == null) availability = probe(CudaLibraries.system(), org.voxelforge.kernels.KernelResources.fatbin().isPresent());
                a = availability;
            }
        }
        return a;
    }

    public static boolean isAvailable() { return availability().available(); }

    /** Why CUDA is not available, or "" when it is. */
    public static String unavailableReason() { return availability().reason(); }

    /**
     * Whether CUDA can run given these discovered libraries: every library single-GPU work needs
     * is found, the kernels are packaged, libcuda loads, cuInit succeeds and a device exists.
     */
    static Availability probe(Map<CudaLibrary, LibraryReport> reports, boolean kernelsPackaged) {
        try {
            List<String> missing = new ArrayList<>();
            int places = 0;
            for (LibraryReport r : reports.values()) {
                if (r.library().neededForGpu() && !r.found()) {
                    missing.add(r.library().title() + " (" + String.join(" or ", r.library().sonames()) + ")");
                    places = r.looked().size();
                }
            }
            if (!missing.isEmpty()) {
                return new Availability(false, "not found: " + String.join(", ", missing) + " in " + places
                        + " places (voxelforge info --cuda lists them; set VOXELFORGE_CUDA_LIBS to add one); the CPU backend works", 0, 0);
            }
            if (!kernelsPackaged) {
                return new Availability(false, "the CUDA kernels are not packaged (this build had no nvcc); the CPU backend works", 0, 0);
            }
            CudaDriver d = new CudaDriver(CudaLibraries.load(reports.get(CudaLibrary.DRIVER)));
            d.init();
            int version = d.driverVersion();
            int count = d.deviceCount();
            if (count == 0) return new Availability(false, "the CUDA driver sees no device; the CPU backend works", 0, version);
            return new Availability(true, "", count, version);
        } catch (Throwable t) { // a broken install must never take the CPU path down with it
            String msg = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            return new Availability(false, "CUDA does not initialise: " + msg + "; the CPU backend works", 0, 0);
        }
    }

    /** The runtime; throws IllegalStateException with the reason when CUDA is unavailable. */
    public static CudaRuntime get() {
        CudaRuntime r = instance;
        if (r == null) {
            synchronized (CudaRuntime.class) {
                if (instance == null) {
                    Availability a = availability();
                    if (!a.available()) throw new IllegalStateException("CUDA is not available: " + a.reason());
                    Map<CudaLibrary, LibraryReport> reports = CudaLibraries.system();
                    CudaDriver d = new CudaDriver(CudaLibraries.load(reports.get(CudaLibrary.DRIVER)));
                    d.init();
                    instance = new CudaRuntime(d, reports);
                }
                r = instance;
            }
        }
        return r;
    }

    /** A runtime over explicitly discovered libraries (tests bind a CPU stand-in for libcuda this way). */
    static CudaRuntime over(Map<CudaLibrary, LibraryReport> reports) {
        CudaDriver d = new CudaDriver(CudaLibraries.load(reports.get(CudaLibrary.DRIVER)));
        d.init();
        return new CudaRuntime(d, reports);
    }

    CudaDriver driver() { return driver; }

    /** Public for low-level tests and benchmarks; the backend goes through {@link CudaDevice}. */
    public CudaDriver driverApi() { return driver; }

    public int deviceCount() { return driver.deviceCount(); }

    public CudaDevice device(int ordinal) {
        int n = deviceCount();
        if (ordinal < 0 || ordinal >= n) throw new IllegalArgumentException("cuda:" + ordinal + " does not exist (" + n + " device(s): cuda:0..cuda:" + (n - 1) + ")");
        return devices.computeIfAbsent(ordinal, o -> new CudaDevice(this, o));
    }

    public Cublas cublas() {
        Cublas c = cublas;
        if (c == null) {
            synchronized (this) {
                if (cublas == null) {
                    // cuBLAS needs cuBLASLt; loading Lt first lets the loader resolve libcublas's DT_NEEDED
                    // by soname even when the directory is not on LD_LIBRARY_PATH (pip wheels).
                    CudaLibraries.load(reports.get(CudaLibrary.CUBLAS_LT));
                    cublas = new Cublas(CudaLibraries.load(reports.get(CudaLibrary.CUBLAS)));
                }
                c = cublas;
            }
        }
        return c;
    }

    public Cudnn cudnn() {
        Cudnn c = cudnn;
        if (c == null) {
            synchronized (this) {
                if (cudnn == null) {
                    LibraryReport r = reports.get(CudaLibrary.CUDNN);
                    preloadCudnnSublibraries(r.path().orElseThrow(() -> new IllegalStateException(r.details())).getParent());
                    cudnn = new Cudnn(CudaLibraries.load(r));
                }
                c = cudnn;
            }
        }
        return c;
    }

    /**
     * cuDNN 9's libcudnn.so.9 dlopens its sub-libraries by soname at run time. When they sit in a
     * pip wheel's directory that is not on LD_LIBRARY_PATH the loader would not find them, so
     * the ones beside libcudnn.so.9 are loaded first (the loader then matches them by soname).
     * Best effort: a sub-library that does not load is left to cuDNN's own error.
     * UNVERIFIED on a GPU machine: if cuDNN still reports SUBLIBRARY_LOADING_FAILED, revisit.
     */
    private static void preloadCudnnSublibraries(Path dir) {
        for (String name : List.of("libcudnn_graph.so.9", "libcudnn_engines_runtime_compiled.so.9", "libcudnn_engines_precompiled.so.9",
                "libcudnn_heuristic.so.9", "libcudnn_ops.so.9", "libcudnn_cnn.so.9", "libcudnn_adv.so.9")) {
            Path p = dir.resolve(name);
            if (!Files.exists(p)) continue;
            try {
                SymbolLookup.libraryLookup(p, java.lang.foreign.Arena.global());
            } catch (IllegalArgumentException e) {
                System.err.println("[voxelforge] could not preload " + p + ": " + e.getMessage());
            }
        }
    }

    /** The cuDNN version number ({@link CudnnVersionPolicy}). */
    public long cudnnVersion() { return cudnn().version(); }

    /** One line per library found or missing, for {@code voxelforge info --cuda}. */
    public static String libraryReport(boolean verbose) { return CudaLibraries.describe(CudaLibraries.system(), verbose); }
}
