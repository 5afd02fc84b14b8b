package org.voxelforge.core.cuda;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Availability without a GPU: false with a reason, never an exception. */
class CudaRuntimeTest {
    @TempDir Path tmp;

    private Map<CudaLibrary, LibraryReport> discover(Map<String, String> env) {
        return CudaLibraries.discover(new LibrarySearchPath.Environment(env, null, tmp.resolve("root"), tmp.resolve("home"), () -> ""));
    }

    @Test void missingLibrariesMakeItUnavailableWithTheirNames() {
        CudaRuntime.Availability a = CudaRuntime.probe(discover(Map.of()), true);
        assertFalse(a.available());
        assertTrue(a.reason().contains("libcuda.so.1") && a.reason().contains("libcudnn.so.9"), a.reason());
        assertFalse(a.reason().contains("NCCL"), "NCCL is not needed for one GPU: " + a.reason());
    }

    @Test void aLibraryThatDoesNotLoadMakesItUnavailableWithoutThrowing() throws IOException {
        Path d = Files.createDirectories(tmp.resolve("libs"));
        for (String n : new String[] {"libcuda.so.1", "libcublas.so.13", "libcublasLt.so.13", "libcudnn.so.9"}) Files.writeString(d.resolve(n), "");
        CudaRuntime.Availability a = CudaRuntime.probe(discover(Map.of("VOXELFORGE_CUDA_LIBS", d.toString())), true);
        assertFalse(a.available());
        assertTrue(a.reason().startsWith("CUDA does not initialise") && a.reason().contains("CPU backend works"), a.reason());
    }

    @Test void missingKernelsMakeItUnavailable() throws IOException {
        Path d = Files.createDirectories(tmp.resolve("libs"));
        for (String n : new String[] {"libcuda.so.1", "libcublas.so.13", "libcublasLt.so.13", "libcudnn.so.9"}) Files.writeString(d.resolve(n), "");
        CudaRuntime.Availability a = CudaRuntime.probe(discover(Map.of("VOXELFORGE_CUDA_LIBS", d.toString())), false);
        assertFalse(a.available());
        assertTrue(a.reason().contains("kernels"), a.reason());
    }

    /** On this machine (no libcuda.so.1) it is unavailable with a reason; on a GPU machine it is available. */
    @Test void thisMachineGetsAnAnswerAndNeverAnException() {
        CudaRuntime.Availability a = CudaRuntime.availability();
        System.out.println("[cuda] available=" + a.available() + (a.available() ? " devices=" + a.deviceCount() : " reason: " + a.reason()));
        if (!a.available()) {
            assertFalse(a.reason().isBlank());
            IllegalStateException e = assertThrows(IllegalStateException.class, CudaRuntime::get);
            assertTrue(e.getMessage().contains(a.reason()));
        } else {
            assertTrue(a.deviceCount() > 0);
        }
        assertFalse(CudaRuntime.libraryReport(true).isBlank());
    }
}
