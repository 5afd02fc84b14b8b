package org.voxelforge.core.cuda;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Discovery over fake directory trees: empty files named like the sonames (nothing is loaded). */
class CudaLibrariesTest {
    @TempDir Path tmp;

    private Path root() { return tmp.resolve("root"); }

    private Path home() { return tmp.resolve("home"); }

    private LibrarySearchPath.Environment env(Map<String, String> vars, String ldconfig) {
        return new LibrarySearchPath.Environment(vars, null, root(), home(), () -> ldconfig);
    }

    private static Path touch(Path dir, String name) throws IOException {
        Files.createDirectories(dir);
        return Files.writeString(dir.resolve(name), "");
    }

    @Test void nothingFoundReportsEveryPlaceAndWhatStillWorks() {
        Map<CudaLibrary, LibraryReport> r = CudaLibraries.discover(env(Map.of(), ""));
        for (LibraryReport rep : r.values()) assertFalse(rep.found(), rep.summary());
        LibraryReport drv = r.get(CudaLibrary.DRIVER);
        assertTrue(drv.summary().contains("libcuda.so.1") && drv.summary().contains("CPU backend works"), drv.summary());
        String details = drv.details();
        assertTrue(details.contains(root().resolve("usr/local/cuda/lib64").toString()), details);
        assertTrue(details.contains(root().resolve("usr/lib/x86_64-linux-gnu").toString()), details);
        assertTrue(r.get(CudaLibrary.NCCL).summary().contains("single-GPU"), r.get(CudaLibrary.NCCL).summary());
    }

    @Test void searchOrderPutsExplicitPathsFirstAndPythonWheelsLast() throws IOException {
        Path explicit = tmp.resolve("explicit"), ld = tmp.resolve("ld"), cudaHome = tmp.resolve("cudahome");
        Path venv = tmp.resolve("venv");
        Path wheel = venv.resolve("lib/python3.12/site-packages/nvidia/cudnn/lib");
        Files.createDirectories(wheel);
        Map<String, String> vars = Map.of("VOXELFORGE_CUDA_LIBS", explicit.toString(), "LD_LIBRARY_PATH", ld + ":" + explicit,
                "CUDA_HOME", cudaHome.toString(), "VIRTUAL_ENV", venv.toString());
        List<LibrarySearchPath.Dir> dirs = LibrarySearchPath.directories(
                env(vars, "\tlibfoo.so.1 (libc6,x86-64) => /opt/ldc/libfoo.so.1\n"));
        List<Path> paths = dirs.stream().map(LibrarySearchPath.Dir::path).toList();
        assertEquals(explicit, paths.get(0));
        assertEquals(ld, paths.get(1), "the duplicate of the explicit directory is dropped");
        assertEquals(cudaHome.resolve("lib64"), paths.get(2));
        assertEquals(cudaHome.resolve("lib"), paths.get(3));
        assertEquals(root().resolve("usr/local/cuda/lib64"), paths.get(4));
        assertTrue(paths.indexOf(Path.of("/opt/ldc")) > paths.indexOf(root().resolve("usr/lib64")), paths.toString());
        assertEquals(wheel, paths.getLast());
        assertEquals("python nvidia wheels", dirs.getLast().origin());
    }

    @Test void findsEachLibraryInTheFirstDirectoryThatHasIt() throws IOException {
        Path ld = tmp.resolve("ld");
        touch(root().resolve("usr/lib/x86_64-linux-gnu"), "libcuda.so.1");
        touch(root().resolve("usr/local/cuda/lib64"), "libcublas.so.13");
        touch(ld, "libcublas.so.12");
        touch(root().resolve("usr/local/cuda/lib64"), "libcublasLt.so.13");
        Path wheels = home().resolve(".local/lib/python3.11/site-packages/nvidia");
        touch(wheels.resolve("cudnn/lib"), "libcudnn.so.9");
        touch(wheels.resolve("nccl/lib"), "libnccl.so.2");
        Map<CudaLibrary, LibraryReport> r = CudaLibraries.discover(env(Map.of("LD_LIBRARY_PATH", ld.toString()), ""));
        assertEquals(root().resolve("usr/lib/x86_64-linux-gnu/libcuda.so.1"), r.get(CudaLibrary.DRIVER).path().orElseThrow());
        assertEquals(ld.resolve("libcublas.so.12"), r.get(CudaLibrary.CUBLAS).path().orElseThrow(),
                "LD_LIBRARY_PATH comes before /usr/local/cuda even with an older soname");
        assertEquals(wheels.resolve("cudnn/lib/libcudnn.so.9"), r.get(CudaLibrary.CUDNN).path().orElseThrow());
        assertEquals(wheels.resolve("nccl/lib/libnccl.so.2"), r.get(CudaLibrary.NCCL).path().orElseThrow());
        assertFalse(r.get(CudaLibrary.NVRTC).found());
        assertTrue(r.get(CudaLibrary.NVRTC).summary().contains("precompiled"));
    }

    @Test void newerSonameWinsWithinADirectory() throws IOException {
        Path d = tmp.resolve("libs");
        touch(d, "libcublas.so.12");
        touch(d, "libcublas.so.13");
        Map<CudaLibrary, LibraryReport> r = CudaLibraries.discover(env(Map.of("VOXELFORGE_CUDA_LIBS", d.toString()), ""));
        assertEquals(d.resolve("libcublas.so.13"), r.get(CudaLibrary.CUBLAS).path().orElseThrow());
    }

    @Test void systemPropertyListAndLdconfigDirectoriesAreSearched() throws IOException {
        Path prop = tmp.resolve("prop"), ldc = tmp.resolve("ldc");
        touch(prop, "libnccl.so.2");
        touch(ldc, "libcuda.so.1");
        String ldconfig = "5 libs found in cache `/etc/ld.so.cache'\n\tlibcuda.so.1 (libc6,x86-64) => " + ldc.resolve("libcuda.so.1") + "\n";
        var e = new LibrarySearchPath.Environment(new HashMap<>(), prop.toString(), root(), home(), () -> ldconfig);
        Map<CudaLibrary, LibraryReport> r = CudaLibraries.discover(e);
        assertEquals(prop.resolve("libnccl.so.2"), r.get(CudaLibrary.NCCL).path().orElseThrow());
        assertEquals(ldc.resolve("libcuda.so.1"), r.get(CudaLibrary.DRIVER).path().orElseThrow());
    }

    @Test void condaAndSystemPythonDistPackagesAreSearched() throws IOException {
        Path conda = tmp.resolve("conda");
        touch(conda.resolve("lib/python3.10/site-packages/nvidia/cu13/lib"), "libcublas.so.13");
        touch(root().resolve("usr/lib/python3/dist-packages/nvidia/cudnn/lib"), "libcudnn.so.9");
        Map<CudaLibrary, LibraryReport> r = CudaLibraries.discover(env(Map.of("CONDA_PREFIX", conda.toString()), ""));
        assertEquals(conda.resolve("lib/python3.10/site-packages/nvidia/cu13/lib/libcublas.so.13"),
                r.get(CudaLibrary.CUBLAS).path().orElseThrow());
        assertEquals(root().resolve("usr/lib/python3/dist-packages/nvidia/cudnn/lib/libcudnn.so.9"),
                r.get(CudaLibrary.CUDNN).path().orElseThrow());
    }

    @Test void aDirectoryNamedLikeALibraryIsNotALibrary() throws IOException {
        Path d = tmp.resolve("libs");
        Files.createDirectories(d.resolve("libcuda.so.1"));
        Map<CudaLibrary, LibraryReport> r = CudaLibraries.discover(env(Map.of("VOXELFORGE_CUDA_LIBS", d.toString()), ""));
        assertFalse(r.get(CudaLibrary.DRIVER).found());
    }

    @Test void loadingAFakeLibraryFailsWithTheLibraryAndPath() throws IOException {
        Path d = tmp.resolve("libs");
        touch(d, "libcuda.so.1"); // an empty file: found by discovery, refused by the loader
        LibraryReport rep = CudaLibraries.discover(env(Map.of("VOXELFORGE_CUDA_LIBS", d.toString()), "")).get(CudaLibrary.DRIVER);
        assertTrue(rep.found());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> CudaLibraries.load(rep));
        assertTrue(e.getMessage().contains("CUDA driver") && e.getMessage().contains("does not load"), e.getMessage());
        LibraryReport missing = CudaLibraries.discover(env(Map.of(), "")).get(CudaLibrary.CUDNN);
        e = assertThrows(IllegalStateException.class, () -> CudaLibraries.load(missing));
        assertTrue(e.getMessage().contains("looked in"), e.getMessage());
    }
}
