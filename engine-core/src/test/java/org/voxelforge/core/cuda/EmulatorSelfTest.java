package org.voxelforge.core.cuda;

import static org.junit.jupiter.api.Assertions.*;
import static org.voxelforge.core.cuda.EmulatorTests.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The emulator's own model, with the test kernels of kernels/src/main/cuda/emu/selftest.cuh:
 * block barriers and static shared memory, warp shuffles and ballot, atomics, dynamic shared
 * memory, 3-D grids and blocks, and the errors a launch reports instead of hanging. Expected
 * values are computed here in plain Java. Sums are of small integers, so float sums are exact
 * in any order.
 */
class EmulatorSelfTest {
    private KernelLauncher emu;

    @BeforeEach void emulator() { emu = EmulatorTests.emulator(); }

    private static float[] smallInts(int n, int lo, int hi, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = lo + r.nextInt(hi - lo + 1);
        return x;
    }

    /** Per-block sums of a grid-stride walk over x with `blocks` blocks of 256 threads. */
    private static float[] blockSums(float[] x, int blocks) {
        float[] s = new float[blocks];
        for (int i = 0; i < x.length; i++) s[i % (blocks * 256) / 256] += x[i];
        return s;
    }

    private float[] runBlockSum(String kernel, float[] x, int blocks) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment xs = floats(a, x), out = a.allocate(4L * blocks);
            emu.launch(kernel, blocks, 1, 1, 256, 1, 1, 0, 0, k -> k.ptr(xs.address()).ptr(out.address()).i64(x.length));
            return floats(out);
        }
    }

    @Test void blockReductionThroughSharedMemoryAndSyncthreads() {
        float[] x = smallInts(10_000, -3, 6, 1);
        assertArrayEquals(blockSums(x, 4), runBlockSum("vfemu_test_block_sum", x, 4));
    }

    @Test void aMissingSyncthreadsGivesAWrongSum() {
        float[] x = smallInts(10_000, 1, 6, 2); // all positive: a partial sum cannot match the total by chance
        float[] want = blockSums(x, 4), got = runBlockSum("vfemu_test_block_sum_no_sync", x, 4);
        for (int b = 0; b < 4; b++) {
            // Thread 0 runs its whole tree before threads 1..255 have stored their partial sums.
            assertNotEquals(want[b], got[b], "block " + b + " summed correctly without barriers");
        }
    }

    @Test void warpShufflesDownXorUpAndIndexed() {
        int n = 256;
        float[] x = smallInts(n, -8, 8, 3);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment xs = floats(a, x), down = a.allocate(4L * n / 32), fly = a.allocate(4L * n), scan = a.allocate(4L * n),
                    gather = a.allocate(8L * n);
            emu.launch("vfemu_test_warp_sum", 2, 1, 1, 128, 1, 1, 0, 0,
                    k -> k.ptr(xs.address()).ptr(down.address()).ptr(fly.address()).ptr(scan.address()).ptr(gather.address()));
            float[] d = floats(down), f = floats(fly), s = floats(scan);
            double[] g = gather.toArray(ValueLayout.JAVA_DOUBLE);
            for (int w = 0; w < n / 32; w++) {
                float total = 0, prefix = 0;
                for (int l = 0; l < 32; l++) total += x[32 * w + l];
                assertEquals(total, d[w], "__shfl_down_sync sum of warp " + w);
                for (int l = 0; l < 32; l++) {
                    int i = 32 * w + l;
                    prefix += x[i];
                    assertEquals(total, f[i], "__shfl_xor_sync sum at lane " + l + " of warp " + w);
                    assertEquals(prefix, s[i], "__shfl_up_sync scan at lane " + l + " of warp " + w);
                    assertEquals(x[32 * w + (7 * l) % 32], g[i], "__shfl_sync (double) at lane " + l + " of warp " + w);
                }
            }
        }
    }

    @Test void ballotGathersThePredicatesOfAWarp() {
        int n = 192;
        float[] x = smallInts(n, -1, 1, 4);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment xs = floats(a, x), out = a.allocate(4L * n / 32);
            emu.launch("vfemu_test_ballot", 3, 1, 1, 64, 1, 1, 0, 0, k -> k.ptr(xs.address()).ptr(out.address()));
            for (int w = 0; w < n / 32; w++) {
                int want = 0;
                for (int l = 0; l < 32; l++) if (x[32 * w + l] > 0) want |= 1 << l;
                assertEquals(want, out.getAtIndex(ValueLayout.JAVA_INT, w), "ballot of warp " + w);
            }
        }
    }

    @Test void atomicsOfEveryTypeSeeEveryElement() {
        int n = 5_000;
        Random r = new Random(5);
        int[] x = new int[n];
        for (int i = 0; i < n; i++) x[i] = r.nextInt(2001) - 1000;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment xs = a.allocateFrom(ValueLayout.JAVA_INT, x), f = a.allocate(4), d = a.allocate(8), u = a.allocate(4),
                    ull = a.allocate(8), res = a.allocateFrom(ValueLayout.JAVA_INT, 0, Integer.MIN_VALUE, Integer.MAX_VALUE, 0);
            emu.launch("vfemu_test_atomics", 2, 1, 1, 128, 1, 1, 0, 0, k -> k.ptr(xs.address()).i64(n).ptr(f.address())
                    .ptr(d.address()).ptr(u.address()).ptr(ull.address()).ptr(res.address()));
            long sum = 0, unsignedSum = 0;
            int max = Integer.MIN_VALUE, min = Integer.MAX_VALUE;
            for (int v : x) {
                sum += v;
                unsignedSum += Integer.toUnsignedLong(v);
                max = Math.max(max, v);
                min = Math.min(min, v);
            }
            assertEquals((float) sum, f.get(ValueLayout.JAVA_FLOAT, 0), "atomicAdd(float*)");
            assertEquals((double) sum, d.get(ValueLayout.JAVA_DOUBLE, 0), "atomicAdd(double*)");
            assertEquals((int) sum, u.get(ValueLayout.JAVA_INT, 0), "atomicAdd(unsigned*), modulo 2^32");
            assertEquals(unsignedSum, ull.get(ValueLayout.JAVA_LONG, 0), "atomicAdd(unsigned long long*)");
            assertEquals((int) sum, res.getAtIndex(ValueLayout.JAVA_INT, 0), "atomicAdd(int*)");
            assertEquals(max, res.getAtIndex(ValueLayout.JAVA_INT, 1), "atomicMax");
            assertEquals(min, res.getAtIndex(ValueLayout.JAVA_INT, 2), "atomicMin");
            assertEquals(n, res.getAtIndex(ValueLayout.JAVA_INT, 3), "atomicCAS increments");
        }
    }

    @Test void dynamicSharedMemoryHasTheLaunchSize() {
        int threads = 64, blocks = 5, n = threads * blocks;
        float[] x = smallInts(n, -100, 100, 6);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment xs = floats(a, x), ys = a.allocate(4L * n);
            emu.launch("vfemu_test_dynamic_shared", blocks, 1, 1, threads, 1, 1, 4 * threads, 0, k -> k.ptr(xs.address()).ptr(ys.address()));
            float[] y = floats(ys);
            for (int i = 0; i < n; i++) assertEquals(x[i / threads * threads + threads - 1 - i % threads], y[i], "element " + i);
            CudaException e = assertThrows(CudaException.class, () ->
                    emu.launch("vfemu_test_dynamic_shared", blocks, 1, 1, threads, 1, 1, 0, 0, k -> k.ptr(xs.address()).ptr(ys.address())));
            assertTrue(e.getMessage().contains("dynamic shared memory but the launch gave 0 bytes"), e.getMessage());
        }
    }

    @Test void threeDimensionalGridAndBlockCoordinates() {
        int[] grid = {3, 2, 2}, block = {4, 3, 2};
        int threads = 3 * 2 * 2 * 4 * 3 * 2;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(4L * 6 * threads);
            out.fill((byte) 0xff);
            emu.launch("vfemu_test_coords", grid[0], grid[1], grid[2], block[0], block[1], block[2], 0, 0, k -> k.ptr(out.address()));
            int[] o = out.toArray(ValueLayout.JAVA_INT);
            int g = 0;
            for (int bz = 0; bz < grid[2]; bz++) for (int by = 0; by < grid[1]; by++) for (int bx = 0; bx < grid[0]; bx++)
                for (int tz = 0; tz < block[2]; tz++) for (int ty = 0; ty < block[1]; ty++) for (int tx = 0; tx < block[0]; tx++, g++) {
                    int[] want = {tx, ty, tz, bx, by, bz}, got = java.util.Arrays.copyOfRange(o, 6 * g, 6 * g + 6);
                    assertArrayEquals(want, got, "thread " + g);
                }
        }
    }

    @Test void aThreadReturningBeforeABarrierIsAnErrorNotAHang() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment y = a.allocate(4L * 64);
            CudaException e = assertThrows(CudaException.class, () ->
                    emu.launch("vfemu_test_early_exit", 1, 1, 1, 64, 1, 1, 0, 0, k -> k.ptr(y.address()).i32(0).i32(40)));
            assertTrue(e.getMessage().contains("thread (40,0,0) of block (0,0,0) exited while others wait at __syncthreads"), e.getMessage());
            assertEquals("VFEMU_ERROR_LAUNCH_FAILED", e.statusName());
            e = assertThrows(CudaException.class, () ->
                    emu.launch("vfemu_test_early_exit", 1, 1, 1, 64, 1, 1, 0, 0, k -> k.ptr(y.address()).i32(1).i32(40)));
            assertTrue(e.getMessage().contains("thread (40,0,0) of block (0,0,0) exited while other lanes of its warp wait at __shfl_down_sync"),
                    e.getMessage());
            // When every thread stays, both forms run, and the emulator is usable again after the errors.
            for (int mode = 0; mode < 2; mode++) {
                int m = mode;
                emu.launch("vfemu_test_early_exit", 1, 1, 1, 64, 1, 1, 0, 0, k -> k.ptr(y.address()).i32(m).i32(64));
                for (int t = 0; t < 64; t++) {
                    float want = mode == 0 || t % 32 == 31 ? t : t + 1; // shfl_down by 1; the last lane keeps its own
                    assertEquals(want, y.getAtIndex(ValueLayout.JAVA_FLOAT, t), "mode " + mode + " thread " + t);
                }
            }
        }
    }

    @Test void badLaunchShapesAndUnknownNamesAreRefused() {
        CudaException e = assertThrows(CudaException.class, () -> emu.launch("vfemu_test_coords", 1, 1, 1, 1025, 1, 1, 0, 0, k -> k.ptr(0)));
        assertEquals("VFEMU_ERROR_INVALID_VALUE", e.statusName());
        assertTrue(e.getMessage().contains("block (1025,1,1)"), e.getMessage());
        e = assertThrows(CudaException.class, () -> emu.launch("vfemu_test_coords", 0, 1, 1, 1, 1, 1, 0, 0, k -> k.ptr(0)));
        assertEquals("VFEMU_ERROR_INVALID_VALUE", e.statusName());
        e = assertThrows(CudaException.class, () -> emu.launch("vf_does_not_exist", 1, 1, 1, 1, 1, 1, 0, 0, k -> k.ptr(0)));
        assertTrue(e.getMessage().contains("no kernel named \"vf_does_not_exist\" in the emulator library"), e.getMessage());
    }

    @Test void bfloat16RoundsToNearestEvenLikeDType() {
        float[] x = EmulatedElementwiseTest.inputs(4_099, 7);
        x[30] = Float.intBitsToFloat(0x3f808000); // exactly halfway, even below: rounds down
        x[31] = Float.intBitsToFloat(0x3f818000); // exactly halfway, odd below: rounds up
        int n = x.length;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment xs = floats(a, x), bf = a.allocate(2L * n), back = a.allocate(4L * n);
            emu.launch("vfemu_test_bf16", 2, 1, 1, 256, 1, 1, 0, 0, k -> k.ptr(xs.address()).ptr(bf.address()).ptr(back.address()).i64(n));
            for (int i = 0; i < n; i++) {
                short want = org.voxelforge.core.DType.floatToBf16(x[i]), got = bf.getAtIndex(ValueLayout.JAVA_SHORT, i);
                float wantBack = org.voxelforge.core.DType.bf16ToFloat(want);
                // A GPU may give another NaN payload; a NaN must stay a NaN.
                if (Float.isNaN(x[i])) assertTrue(Float.isNaN(back.getAtIndex(ValueLayout.JAVA_FLOAT, i)), "bf16(NaN) at " + i);
                else assertEquals(want, got, "bf16 bits of " + x[i] + " at " + i);
                if (!Float.isNaN(x[i])) assertEquals(wantBack, back.getAtIndex(ValueLayout.JAVA_FLOAT, i), "bf16 -> float at " + i);
            }
            assertEquals((short) 0x3f80, bf.getAtIndex(ValueLayout.JAVA_SHORT, 30));
            assertEquals((short) 0x3f82, bf.getAtIndex(ValueLayout.JAVA_SHORT, 31));
        }
    }
}
