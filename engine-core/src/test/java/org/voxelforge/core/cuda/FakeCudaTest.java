package org.voxelforge.core.cuda;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.voxelforge.kernels.KernelResources;

/**
 * The FFM bindings against CPU stand-ins for libcuda.so.1 and libcublas (src/test/c/fake_*.c,
 * compiled here with gcc; fake_cuda.c against CUDA's real cuda.h, so its prototypes are the
 * driver's). This checks what can be checked without a GPU: symbol names, argument marshalling,
 * out-parameters, error reporting, kernel argument packing, the allocator over the driver, the
 * row-major GEMM mapping through the real call path, and cuDNN descriptors, algorithm structs and
 * a forward convolution (fake_cudnn.c). Skipped when gcc or cuda.h is missing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FakeCudaTest {
    private Path dir;
    private CudaRuntime rt;
    private CudaDriver drv;
    private MemorySegment lastLaunch;
    private SymbolLookup fakeCublas;

    @BeforeAll void build() throws Throwable {
        Path include = Path.of(System.getenv().getOrDefault("CUDA_HOME", "/usr/local/cuda"), "include");
        Assumptions.assumeTrue(Files.exists(include.resolve("cuda.h")), "no cuda.h under " + include);
        dir = Files.createTempDirectory("fakecuda");
        Path src = Path.of("src/test/c");
        Assumptions.assumeTrue(gcc(src.resolve("fake_cuda.c"), dir.resolve("libcuda.so.1"), "-I" + include), "gcc is not available");
        assertTrue(gcc(src.resolve("fake_cublas.c"), dir.resolve("libcublas.so.13")));
        Files.copy(dir.resolve("libcublas.so.13"), dir.resolve("libcublasLt.so.13"), StandardCopyOption.REPLACE_EXISTING);
        assertTrue(gcc(src.resolve("fake_cudnn.c"), dir.resolve("libcudnn.so.9")));
        Map<CudaLibrary, LibraryReport> reports = CudaLibraries.discover(new LibrarySearchPath.Environment(
                Map.of("VOXELFORGE_CUDA_LIBS", dir.toString()), null, dir.resolve("no-root"), dir.resolve("no-home"), () -> ""));
        CudaRuntime.Availability a = CudaRuntime.probe(reports, true);
        assertTrue(a.available(), a.reason());
        assertEquals(1, a.deviceCount());
        assertEquals(13000, a.driverVersion());
        rt = CudaRuntime.over(reports);
        drv = rt.driver();
        var last = Linker.nativeLinker().downcallHandle(CudaLibraries.load(reports.get(CudaLibrary.DRIVER)).find("fakecuda_last_launch").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.ADDRESS));
        lastLaunch = ((MemorySegment) last.invokeExact()).reinterpret(8 * 11);
        fakeCublas = CudaLibraries.load(reports.get(CudaLibrary.CUBLAS));
    }

    private static boolean gcc(Path src, Path out, String... extra) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of("gcc", "-shared", "-fPIC", "-O1", "-Wall", "-Werror", "-o", out.toString(), src.toString()));
        cmd.addAll(List.of(extra));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) throw new AssertionError("gcc failed on " + src + ":\n" + log);
            return true;
        } catch (IOException e) {
            return false; // no gcc
        }
    }

    @AfterAll void close() throws IOException {
        if (rt != null) rt.device(0).close();
    }

    @Test void deviceQueries() {
        assertEquals(1, drv.deviceCount());
        int d = drv.device(0);
        assertEquals("Fake CUDA Device", drv.deviceName(d));
        assertEquals(4, drv.attribute(CudaDriver.ATTR_MULTIPROCESSOR_COUNT, d));
        assertEquals(64L << 20, drv.totalMemory(d));
        CudaException e = assertThrows(CudaException.class, () -> drv.device(3));
        assertEquals("cuDeviceGet failed: CUDA_ERROR_INVALID_DEVICE (101): fake description", e.getMessage());
        CudaDevice dev = rt.device(0);
        assertEquals("cuda:0 Fake CUDA Device (compute 9.0, 4 SMs, 64.0 MiB)", dev.describe());
    }

    @Test void memoryRoundTripsThroughEveryCopyAndSet() {
        rt.device(0).makeCurrent();
        int n = 1000;
        long a = drv.memAlloc(4L * n), b = drv.memAlloc(4L * n);
        try (Arena ar = Arena.ofConfined()) {
            float[] data = new float[n];
            for (int i = 0; i < n; i++) data[i] = i - 0.5f;
            drv.memcpyHtoD(a, ar.allocateFrom(ValueLayout.JAVA_FLOAT, data), 4L * n);
            long s = drv.streamCreate(CudaDriver.STREAM_NON_BLOCKING);
            drv.memcpyDtoDAsync(b, a, 4L * n, s);
            MemorySegment pinned = drv.memHostAlloc(4L * n, CudaDriver.MEMHOSTALLOC_PORTABLE);
            drv.memcpyDtoHAsync(pinned, b, 4L * n, s);
            drv.streamSynchronize(s);
            assertArrayEquals(data, pinned.toArray(ValueLayout.JAVA_FLOAT));
            drv.memsetD32(a, Float.floatToRawIntBits(2.5f), n);
            drv.memcpyDtoH(pinned, a, 4L * n);
            assertEquals(2.5f, pinned.getAtIndex(ValueLayout.JAVA_FLOAT, n - 1));
            drv.memsetD8Async(a, (byte) 0x3f, 4L * n, s);
            drv.memcpyDtoH(pinned, a, 4L * n);
            assertEquals(0x3f3f3f3f, pinned.getAtIndex(ValueLayout.JAVA_INT, 7));
            drv.memFreeHost(pinned);
            drv.streamDestroy(s);
            assertThrows(IllegalArgumentException.class, () -> drv.memcpyHtoD(a, ar.allocate(8), 16), "a copy larger than the host buffer");
        }
        long[] info = drv.memGetInfo();
        assertEquals((64L << 20) - 8L * n, info[0]);
        drv.memFree(a);
        drv.memFree(b);
        long e0 = drv.eventCreate(CudaDriver.EVENT_DEFAULT), e1 = drv.eventCreate(CudaDriver.EVENT_DEFAULT);
        drv.eventRecord(e0, 0);
        drv.eventRecord(e1, 0);
        drv.eventSynchronize(e1);
        assertTrue(drv.eventElapsedMillis(e0, e1) >= 0);
        drv.eventDestroy(e0);
        drv.eventDestroy(e1);
    }

    @Test void outOfMemoryIsZeroForTheAllocatorAndAnExceptionOtherwise() {
        rt.device(0).makeCurrent();
        assertEquals(0, drv.memAllocOrZero(65L << 20));
        CudaException e = assertThrows(CudaException.class, () -> drv.memAlloc(65L << 20));
        assertTrue(e.getMessage().contains("CUDA_ERROR_OUT_OF_MEMORY") && e.getMessage().contains(String.valueOf(65L << 20)), e.getMessage());
    }

    @Test void cachingAllocatorOverTheDriverFreesItsCacheOnOutOfMemory() {
        CachingAllocator alloc = rt.device(0).allocator();
        long p = alloc.allocate(40L << 20, 0);
        alloc.free(p);
        long q = alloc.allocate(50L << 20, 0); // 40 cached + 50 > 64: the cache is emptied and the malloc retried
        assertEquals(1, alloc.stats().oomRetries());
        DeviceOutOfMemoryException e = assertThrows(DeviceOutOfMemoryException.class, () -> alloc.allocate(30L << 20, 0));
        assertTrue(e.getMessage().contains("of 64.0 MiB total"), e.getMessage());
        alloc.free(q);
        alloc.emptyCache();
        assertEquals(64L << 20, rt.device(0).memoryInfo()[0]);
    }

    @Test void kernelsLoadFromTheFatbinAndLaunchWithPackedArguments() {
        Assumptions.assumeTrue(KernelResources.fatbin().isPresent(), "the fatbin was not built (no nvcc)");
        CudaDevice dev = rt.device(0);
        int n = 100_000;
        long y = dev.allocator().allocate(4L * n, 0);
        dev.kernels().fillF32(y, 1.75f, n, 0);
        assertEquals(3, lastLaunch.getAtIndex(ValueLayout.JAVA_LONG, 0), "vf_fill_f32");
        assertEquals(Math.min(Math.ceilDiv(n, 256), 4 * 32), lastLaunch.getAtIndex(ValueLayout.JAVA_LONG, 1), "grid: 32 blocks per SM at most");
        assertEquals(256, lastLaunch.getAtIndex(ValueLayout.JAVA_LONG, 2));
        try (Arena a = Arena.ofConfined()) {
            MemorySegment host = a.allocate(ValueLayout.JAVA_FLOAT, n);
            dev.driver().memcpyDtoH(host, y, 4L * n);
            for (float v : host.toArray(ValueLayout.JAVA_FLOAT)) assertEquals(1.75f, v);
        }
        dev.kernels().randomF32(y, 1, -0.5, 3.0, 0x1234_5678_9abc_def0L, 42, n, 0);
        long[] w = new long[11];
        for (int i = 0; i < 11; i++) w[i] = lastLaunch.getAtIndex(ValueLayout.JAVA_LONG, i);
        assertEquals(4, w[0], "vf_random_f32");
        assertEquals(y, w[3]);
        assertEquals(1, (int) w[4]);
        assertEquals(-0.5, Double.longBitsToDouble(w[5]));
        assertEquals(3.0, Double.longBitsToDouble(w[6]));
        assertEquals(0x1234_5678_9abc_def0L, w[7]);
        assertEquals(42, w[8]);
        assertEquals(n, w[9]);
        dev.kernels().binaryF32(2, y, y + 8, 0, y + 16, 7, 0);
        assertEquals(2, lastLaunch.getAtIndex(ValueLayout.JAVA_LONG, 0), "vf_binary_f32");
        assertEquals(2, (int) lastLaunch.getAtIndex(ValueLayout.JAVA_LONG, 3));
        assertEquals(7, lastLaunch.getAtIndex(ValueLayout.JAVA_LONG, 8));
        CudaException e = assertThrows(CudaException.class, () -> dev.kernels().function("vf_nope"));
        assertTrue(e.getMessage().contains("cuModuleGetFunction(\"vf_nope\")") && e.getMessage().contains("CUDA_ERROR_NOT_FOUND"), e.getMessage());
        dev.allocator().free(y);
    }

    @Test void cublasRowMajorSgemmAndBf16GemmThroughTheBindings() throws Throwable {
        CudaDevice dev = rt.device(0);
        Cublas blas = rt.cublas();
        long h = dev.cublasHandle();
        blas.setMathMode(h, Cublas.MathMode.TF32_TENSOR_OP);
        int mode = (int) Linker.nativeLinker().downcallHandle(fakeCublas.find("fakecublas_math_mode").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT)).invokeExact();
        assertEquals(3, mode);
        blas.setMathMode(h, Cublas.MathMode.DEFAULT);
        Random r = new Random(3);
        int batch = 2, m = 5, n = 3, k = 4;
        float[] A = new float[batch * m * k], B = new float[batch * k * n];
        for (int i = 0; i < A.length; i++) A[i] = r.nextInt(7) - 3;
        for (int i = 0; i < B.length; i++) B[i] = r.nextInt(7) - 3;
        float[] want = new float[batch * m * n];
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) {
                float s = 0;
                for (int p = 0; p < k; p++) s += A[b * m * k + i * k + p] * B[b * k * n + p * n + j];
                want[b * m * n + i * n + j] = s;
            }
        }
        try (Arena ar = Arena.ofConfined()) {
            MemorySegment a = ar.allocateFrom(ValueLayout.JAVA_FLOAT, A), bb = ar.allocateFrom(ValueLayout.JAVA_FLOAT, B);
            MemorySegment c = ar.allocate(ValueLayout.JAVA_FLOAT, want.length);
            // the fake device's memory is host memory, so host addresses serve as device pointers here
            blas.rowMajorSgemm(h, false, false, m, n, k, 1f, a.address(), k, bb.address(), n, 0f, c.address(), n);
            float[] first = java.util.Arrays.copyOf(c.toArray(ValueLayout.JAVA_FLOAT), m * n);
            assertArrayEquals(java.util.Arrays.copyOf(want, m * n), first);
            blas.rowMajorSgemmStridedBatched(h, false, false, m, n, k, 1f, a.address(), k, (long) m * k, bb.address(), n, (long) k * n,
                    0f, c.address(), n, (long) m * n, batch);
            assertArrayEquals(want, c.toArray(ValueLayout.JAVA_FLOAT));
            // bf16 inputs (small integers are exact in bf16), float32 output
            MemorySegment a16 = ar.allocate(2L * A.length), b16 = ar.allocate(2L * B.length);
            for (int i = 0; i < A.length; i++) a16.setAtIndex(ValueLayout.JAVA_SHORT, i, (short) (Float.floatToRawIntBits(A[i]) >>> 16));
            for (int i = 0; i < B.length; i++) b16.setAtIndex(ValueLayout.JAVA_SHORT, i, (short) (Float.floatToRawIntBits(B[i]) >>> 16));
            c.fill((byte) 0);
            blas.rowMajorGemmBf16(h, false, false, m, n, k, 1f, a16.address(), k, b16.address(), n, 0f, c.address(), Cublas.CUDA_R_32F, n);
            assertArrayEquals(java.util.Arrays.copyOf(want, m * n), java.util.Arrays.copyOf(c.toArray(ValueLayout.JAVA_FLOAT), m * n));
            CudaException e = assertThrows(CudaException.class,
                    () -> blas.sgemm(h, false, false, m, n, k, 1f, a.address(), 1, bb.address(), k, 0f, c.address(), m));
            assertEquals("cublasSgemm_v2 failed: CUBLAS_STATUS_INVALID_VALUE (7): fake cublas error", e.getMessage());
        }
    }

    @Test void cudnnDescriptorsAlgorithmSearchAndForwardThroughTheBindings() {
        Cudnn dnn = rt.cudnn();
        assertEquals(91002, dnn.version());
        assertEquals(CudnnVersionPolicy.Verdict.Action.DISABLE_TF32,
                CudnnVersionPolicy.check(dnn.version(), CudnnVersionPolicy.Precision.FLOAT32_TF32, 3).action());
        long h = rt.device(0).cudnnHandle();
        dnn.setStream(h, 0);
        int[] xd = {1, 2, 5, 6, 7}, wd = {3, 2, 3, 3, 3}, pad = {1, 1, 1}, stride = {1, 2, 1}, dil = {1, 1, 2};
        long x = dnn.tensorDescriptor(Cudnn.DATA_FLOAT, xd, contiguousStrides(xd));
        long w = dnn.filterDescriptor(Cudnn.DATA_FLOAT, Cudnn.FORMAT_NCHW, wd);
        int math = CudnnVersionPolicy.mathType(dnn.version(), CudnnVersionPolicy.Precision.FLOAT32, 3);
        long conv = dnn.convolutionDescriptor(pad, stride, dil, Cudnn.DATA_FLOAT, math, 1);
        int[] yd = dnn.forwardOutputDims(conv, x, w, 5);
        assertArrayEquals(new int[] {1, 3, 5, 3, 5}, yd); // (in + 2p - (d(k-1)+1)) / s + 1 per spatial dim
        long y = dnn.tensorDescriptor(Cudnn.DATA_FLOAT, yd, contiguousStrides(yd));
        ConvAlgorithmCache cache = new ConvAlgorithmCache();
        ConvKey key = ConvKey.of(ConvKey.Pass.FORWARD, xd, wd, yd, Cudnn.DATA_FLOAT, Cudnn.DATA_FLOAT, false, pad, stride, dil, 1, math);
        ConvAlgorithmCache.Choice choice = cache.get(key, k -> {
            List<Cudnn.AlgoPerf> perf = dnn.forwardAlgorithmsV7(h, x, w, conv, y);
            assertEquals(List.of(new Cudnn.AlgoPerf(6, 0, 0.25f, 1L << 20, 0, Cudnn.MATH_FMA), new Cudnn.AlgoPerf(1, 0, 0.5f, 0, 1, Cudnn.MATH_FMA)), perf);
            Cudnn.AlgoPerf best = perf.getFirst();
            return new ConvAlgorithmCache.Choice(best.algorithm(), dnn.forwardWorkspaceBytes(h, x, w, conv, y, best.algorithm()), best.mathType());
        });
        assertEquals(new ConvAlgorithmCache.Choice(6, 1L << 20, Cudnn.MATH_FMA), choice);
        Random r = new Random(11);
        float[] X = new float[1 * 2 * 5 * 6 * 7], W = new float[3 * 2 * 27];
        for (int i = 0; i < X.length; i++) X[i] = r.nextInt(5) - 2;
        for (int i = 0; i < W.length; i++) W[i] = r.nextInt(5) - 2;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment xs = a.allocateFrom(ValueLayout.JAVA_FLOAT, X), ws = a.allocateFrom(ValueLayout.JAVA_FLOAT, W);
            MemorySegment ys = a.allocate(ValueLayout.JAVA_FLOAT, java.util.Arrays.stream(yd).reduce(1, (p, q) -> p * q)), work = a.allocate(choice.workspaceBytes());
            dnn.forward(h, 2f, x, xs.address(), w, ws.address(), conv, choice.algorithm(), work.address(), choice.workspaceBytes(), 0f, y, ys.address());
            float[] want = naiveConv3d(X, xd, W, wd, yd, pad, stride, dil);
            for (int i = 0; i < want.length; i++) want[i] *= 2;
            assertArrayEquals(want, ys.toArray(ValueLayout.JAVA_FLOAT));
        }
        CudaException e = assertThrows(CudaException.class, () -> dnn.tensorDescriptor(Cudnn.DATA_FLOAT, new int[] {1, 0, 2}, new int[] {0, 2, 1}));
        assertTrue(e.getMessage().startsWith("cudnnSetTensorNdDescriptor failed") && e.getMessage().endsWith("CUDNN_STATUS_BAD_PARAM"), e.getMessage());
        dnn.destroyTensorDescriptor(x);
        dnn.destroyTensorDescriptor(y);
        dnn.destroyFilterDescriptor(w);
        dnn.destroyConvolutionDescriptor(conv);
    }

    private static int[] contiguousStrides(int[] dims) {
        int[] s = new int[dims.length];
        int acc = 1;
        for (int i = dims.length - 1; i >= 0; i--) { s[i] = acc; acc *= dims[i]; }
        return s;
    }

    /** Cross-correlation over NCDHW, the definition cuDNN's CROSS_CORRELATION mode computes. */
    private static float[] naiveConv3d(float[] x, int[] xd, float[] w, int[] wd, int[] yd, int[] pad, int[] stride, int[] dil) {
        float[] y = new float[yd[0] * yd[1] * yd[2] * yd[3] * yd[4]];
        int i = 0;
        for (int n = 0; n < yd[0]; n++) for (int k = 0; k < yd[1]; k++)
            for (int od = 0; od < yd[2]; od++) for (int oh = 0; oh < yd[3]; oh++) for (int ow = 0; ow < yd[4]; ow++) {
                float s = 0;
                for (int c = 0; c < xd[1]; c++) for (int kd = 0; kd < wd[2]; kd++) for (int kh = 0; kh < wd[3]; kh++) for (int kw = 0; kw < wd[4]; kw++) {
                    int id = od * stride[0] - pad[0] + kd * dil[0], ih = oh * stride[1] - pad[1] + kh * dil[1], iw = ow * stride[2] - pad[2] + kw * dil[2];
                    if (id < 0 || ih < 0 || iw < 0 || id >= xd[2] || ih >= xd[3] || iw >= xd[4]) continue;
                    s += x[(((n * xd[1] + c) * xd[2] + id) * xd[3] + ih) * xd[4] + iw] * w[(((k * wd[1] + c) * wd[2] + kd) * wd[3] + kh) * wd[4] + kw];
                }
                y[i++] = s;
            }
        return y;
    }
}
