package org.voxelforge.core.cuda;

import java.io.IOException;
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
import java.util.Locale;
import java.util.Optional;
import org.voxelforge.kernels.KernelResources;

/**
 * The host emulator as a {@link KernelLauncher}: the kernel sources of voxelforge.cu compiled by
 * g++ into libvoxelforge-emu.so (kernels/build-emulator.sh, see kernels/README.md), which runs each
 * launch on the calling thread, block after block, every CUDA thread a fiber. It takes the same
 * {@code void**} as cuLaunchKernel, so {@link #kernels()} gives the typed launchers of
 * {@link CudaKernels} on the CPU. "Device pointers" are native addresses of host memory
 * ({@code MemorySegment.address()} of a tensor's storage or of an arena allocation); streams are
 * ignored (every launch is synchronous).
 *
 * <p>The library ships in the kernels jar; it is copied to a temporary file, loaded once per JVM
 * and the file deleted. {@link #availability()} says why it cannot be used (no g++ at build time,
 * another platform), so that tests can skip with the reason.
 */
public final class EmulatedKernels implements KernelLauncher {
    /** What {@link LaunchConfig#gridStride} sees as the SM count: a few blocks, each looping. */
    public static final int MULTIPROCESSORS = 4;

    /** Whether the emulator can be used here, and if not, why. */
    public record Availability(boolean available, String reason) {}

    private final MethodHandle launch, lastError;
    private final List<String> names;
    private final String sourceDigest;
    private final CudaKernels kernels;

    private EmulatedKernels(SymbolLookup lib) throws Throwable {
        Linker linker = Linker.nativeLinker();
        ValueLayout i = ValueLayout.JAVA_INT;
        launch = linker.downcallHandle(symbol(lib, "vfemu_launch"),
                FunctionDescriptor.of(i, ValueLayout.ADDRESS, i, i, i, i, i, i, i, ValueLayout.ADDRESS));
        lastError = linker.downcallHandle(symbol(lib, "vfemu_last_error"), FunctionDescriptor.of(ValueLayout.ADDRESS));
        MethodHandle count = linker.downcallHandle(symbol(lib, "vfemu_kernel_count"), FunctionDescriptor.of(i));
        MethodHandle name = linker.downcallHandle(symbol(lib, "vfemu_kernel_name"), FunctionDescriptor.of(ValueLayout.ADDRESS, i));
        int n = (int) count.invokeExact();
        List<String> list = new ArrayList<>(n);
        for (int k = 0; k < n; k++) list.add(cString((MemorySegment) name.invokeExact(k)));
        names = List.copyOf(list);
        MethodHandle digest = linker.downcallHandle(symbol(lib, "vfemu_source_digest"), FunctionDescriptor.of(ValueLayout.ADDRESS));
        sourceDigest = cString((MemorySegment) digest.invokeExact());
        kernels = new CudaKernels(this);
    }

    private static MemorySegment symbol(SymbolLookup lib, String name) {
        return lib.find(name).orElseThrow(() -> new IllegalStateException(
                "the kernel emulator library has no symbol " + name + " (rebuild the kernels module)"));
    }

    private static String cString(MemorySegment p) { return p.reinterpret(Long.MAX_VALUE).getString(0); }

    /** Loaded on first use: either the emulator or the reason it is unavailable. */
    private static final class Holder {
        static final EmulatedKernels INSTANCE;
        static final String REASON;

        static {
            EmulatedKernels k = null;
            String reason;
            try {
                Optional<String> why = unsupportedPlatform();
                if (why.isPresent()) {
                    reason = why.get();
                } else {
                    Optional<byte[]> bytes = KernelResources.emulator();
                    if (bytes.isEmpty()) {
                        reason = "the kernel emulator " + KernelResources.EMULATOR + " is not in the kernels jar "
                                + "(it was built without g++; install g++ and rebuild the kernels module)";
                    } else {
                        k = new EmulatedKernels(load(bytes.get()));
                        reason = "";
                    }
                }
            } catch (Throwable t) {
                reason = "the kernel emulator could not be loaded: " + t;
            }
            INSTANCE = k;
            REASON = reason;
        }
    }

    private static Optional<String> unsupportedPlatform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT), arch = System.getProperty("os.arch", "");
        boolean ok = os.startsWith("linux") && (arch.equals("amd64") || arch.equals("x86_64"));
        return ok ? Optional.empty() : Optional.of("the kernel emulator is built for " + KernelResources.EMULATOR_PLATFORM
                + " only, this is " + os + "-" + arch);
    }

    private static SymbolLookup load(byte[] library) throws IOException {
        Path tmp = Files.createTempFile("libvoxelforge-emu", ".so");
        try {
            Files.write(tmp, library);
            return SymbolLookup.libraryLookup(tmp, Arena.global());
        } finally {
            Files.deleteIfExists(tmp); // the loaded mapping stays valid on Linux
        }
    }

    /** Never throws. */
    public static Availability availability() {
        return new Availability(Holder.INSTANCE != null, Holder.REASON);
    }

    /** The emulator; throws IllegalStateException with the reason when it is unavailable. */
    public static EmulatedKernels get() {
        if (Holder.INSTANCE == null) throw new IllegalStateException(Holder.REASON);
        return Holder.INSTANCE;
    }

    /** The typed launchers of the kernels, running on the CPU. */
    public CudaKernels kernels() { return kernels; }

    /** The kernels the library registered (emu/registry.cpp), in registration order. */
    public List<String> kernelNames() { return names; }

    /**
     * SHA-256 (hex) of the kernel sources the library was built from: every .cu, .cuh, .h and .cpp
     * under kernels/src/main/cuda, sorted by relative path, contents concatenated.
     */
    public String sourceDigest() { return sourceDigest; }

    @Override public int multiprocessors() { return MULTIPROCESSORS; }

    /**
     * Runs the whole launch before returning. Launches are serialized: the library keeps one
     * last-error message per process. A failure throws a CudaException with the emulator's message
     * (unknown kernel, bad launch shape, a thread that returned while others wait at a barrier ...).
     */
    @Override public synchronized void launch(String kernel, int gridX, int gridY, int gridZ, int blockX, int blockY, int blockZ,
                                              int dynamicSharedBytes, long stream, MemorySegment kernelParams) {
        int rc;
        String error;
        try (Arena a = Arena.ofConfined()) {
            rc = (int) launch.invokeExact(a.allocateFrom(kernel), gridX, gridY, gridZ, blockX, blockY, blockZ,
                    dynamicSharedBytes, kernelParams);
            error = rc == 0 ? "" : cString((MemorySegment) lastError.invokeExact());
        } catch (Throwable t) {
            throw new IllegalStateException("vfemu_launch(\"" + kernel + "\") could not be called", t);
        }
        if (rc != 0) throw new CudaException("vfemu_launch(\"" + kernel + "\")", rc, statusName(rc), error);
    }

    private static String statusName(int rc) {
        return switch (rc) {
            case 1 -> "VFEMU_ERROR_NOT_FOUND";
            case 2 -> "VFEMU_ERROR_REENTRANT";
            case 3 -> "VFEMU_ERROR_INVALID_VALUE";
            case 4 -> "VFEMU_ERROR_OUT_OF_MEMORY";
            case 5 -> "VFEMU_ERROR_LAUNCH_FAILED";
            default -> "VFEMU_ERROR_" + rc;
        };
    }
}
