package org.voxelforge.core.cuda;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.voxelforge.core.UnaryOp;

/** The host-side pieces of the CUDA path that need no GPU: launch shapes, kernel arguments, struct layouts, caches. */
class CudaPiecesTest {
    @Test void gridStrideLaunchCapsBlocksAt32PerSm() {
        assertEquals(new LaunchConfig(1, 256), LaunchConfig.gridStride(0, 132));
        assertEquals(new LaunchConfig(1, 256), LaunchConfig.gridStride(256, 132));
        assertEquals(new LaunchConfig(2, 256), LaunchConfig.gridStride(257, 132));
        assertEquals(new LaunchConfig(132 * 32, 256), LaunchConfig.gridStride(1L << 40, 132));
        assertEquals(4000, LaunchConfig.gridStride(1_024_000, 132).blocks());
        assertThrows(IllegalArgumentException.class, () -> LaunchConfig.gridStride(-1, 1));
        assertThrows(IllegalArgumentException.class, () -> LaunchConfig.gridStride(1, 0));
    }

    @Test void kernelArgsHoldEachValueInItsOwnSlotInOrder() {
        try (Arena a = Arena.ofConfined()) {
            KernelArgs k = new KernelArgs(a).ptr(0x1234_5678_9abcL).i32(-7).f32(1.5f).f64(-2.25).i64(Long.MIN_VALUE);
            MemorySegment arr = k.toPointerArray();
            assertEquals(5, k.count());
            assertEquals(0x1234_5678_9abcL, slot(arr, 0, 8).get(ValueLayout.JAVA_LONG, 0));
            assertEquals(-7, slot(arr, 1, 4).get(ValueLayout.JAVA_INT, 0));
            assertEquals(1.5f, slot(arr, 2, 4).get(ValueLayout.JAVA_FLOAT, 0));
            assertEquals(-2.25, slot(arr, 3, 8).get(ValueLayout.JAVA_DOUBLE, 0));
            assertEquals(Long.MIN_VALUE, slot(arr, 4, 8).get(ValueLayout.JAVA_LONG, 0));
            for (int i = 0; i < 5; i++) {
                long addr = arr.getAtIndex(ValueLayout.ADDRESS, i).address();
                assertEquals(0, addr % (i == 1 || i == 2 ? 4 : 8), "slot " + i + " is naturally aligned");
            }
        }
    }

    private static MemorySegment slot(MemorySegment arr, int i, int bytes) {
        return arr.getAtIndex(ValueLayout.ADDRESS, i).reinterpret(bytes);
    }

    @Test void cudnnAlgoPerfStructIs48BytesAndParsesFieldByField() {
        assertEquals(48, Cudnn.ALGO_PERF.byteSize());
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(Cudnn.ALGO_PERF, 2);
            MemorySegment second = s.asSlice(48);
            second.set(ValueLayout.JAVA_INT, 0, 6);
            second.set(ValueLayout.JAVA_INT, 4, 0);
            second.set(ValueLayout.JAVA_FLOAT, 8, 0.75f);
            second.set(ValueLayout.JAVA_LONG, 16, 1L << 33);
            second.set(ValueLayout.JAVA_INT, 24, 1);
            second.set(ValueLayout.JAVA_INT, 28, 3);
            List<Cudnn.AlgoPerf> perf = Cudnn.readPerf(s, 2);
            assertEquals(new Cudnn.AlgoPerf(6, 0, 0.75f, 1L << 33, 1, 3), perf.get(1));
            assertEquals(new Cudnn.AlgoPerf(0, 0, 0f, 0, 0, 0), perf.get(0));
        }
    }

    @Test void algorithmCacheSearchesOncePerProblem() {
        ConvAlgorithmCache cache = new ConvAlgorithmCache();
        AtomicInteger searches = new AtomicInteger();
        ConvKey k1 = key(new int[] {1, 1, 1}, 1);
        ConvKey k1again = key(new int[] {1, 1, 1}, 1);
        ConvKey k2 = key(new int[] {2, 1, 1}, 1);
        ConvKey k3 = key(new int[] {1, 1, 1}, 2);
        assertEquals(k1, k1again);
        assertEquals(k1.hashCode(), k1again.hashCode());
        assertNotEquals(k1, k2, "a different stride is a different problem");
        assertNotEquals(k1, k3, "a different group count is a different problem");
        ConvAlgorithmCache.Choice c = cache.get(k1, k -> new ConvAlgorithmCache.Choice(searches.incrementAndGet(), 1024, 0));
        assertEquals(c, cache.get(k1again, k -> fail("cached")));
        cache.get(k2, k -> new ConvAlgorithmCache.Choice(searches.incrementAndGet(), 0, 0));
        cache.get(k3, k -> new ConvAlgorithmCache.Choice(searches.incrementAndGet(), 0, 0));
        assertEquals(3, searches.get());
        assertEquals(3, cache.searches());
        assertEquals(1, cache.hits());
        assertEquals(3, cache.size());
    }

    private static ConvKey key(int[] stride, int groups) {
        int[] in = {2, 4, 8, 8, 8};
        return ConvKey.of(ConvKey.Pass.FORWARD, in, new int[] {8, 4, 3, 3, 3}, new int[] {2, 8, 8, 8, 8}, Cudnn.DATA_FLOAT,
                Cudnn.DATA_FLOAT, true, new int[] {1, 1, 1}, stride, new int[] {1, 1, 1}, groups, Cudnn.MATH_FMA);
    }

    @Test void cudaExceptionNamesCallStatusAndDescription() {
        CudaException e = new CudaException("cuMemAlloc_v2", 2, "CUDA_ERROR_OUT_OF_MEMORY", "out of memory");
        assertEquals("cuMemAlloc_v2 failed: CUDA_ERROR_OUT_OF_MEMORY (2): out of memory", e.getMessage());
        assertEquals(2, e.status());
    }

    /** The unary kernel's switch must follow UnaryOp's ordinals (elementwise.cuh says so; this keeps it true). */
    @Test void unaryKernelOpCodesMatchUnaryOpOrdinals() throws IOException {
        Path header = Path.of("..", "kernels", "src", "main", "cuda", "elementwise.cuh");
        if (!Files.exists(header)) header = Path.of("kernels", "src", "main", "cuda", "elementwise.cuh");
        String src = Files.readString(header);
        String unary = src.substring(src.indexOf("vf_unary(int op"), src.indexOf("vf_binary(int op"));
        Matcher m = Pattern.compile("case (\\d+):.*// (\\w+)").matcher(unary);
        int seen = 0;
        while (m.find()) {
            assertEquals(UnaryOp.values()[Integer.parseInt(m.group(1))].name(), m.group(2), "case " + m.group(1));
            seen++;
        }
        assertEquals(UnaryOp.values().length - 1, seen, "every UnaryOp but the default (the last, ERF) has a case");
        assertEquals("ERF", UnaryOp.values()[UnaryOp.values().length - 1].name());
    }
}
