package org.voxelforge.data.loader;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.core.Tensor;
import org.voxelforge.data.augment.Compose;
import org.voxelforge.data.npy.Npy;
import org.voxelforge.data.sampling.AnnotationMasks;
import org.voxelforge.data.sampling.CaseVolume;
import org.voxelforge.data.sampling.PatchSampler;

class BatchLoaderTest {
    static CaseVolume sphereCase(String id, int[] d, long seed) {
        RandomGenerator g = new RandomGenerator(seed);
        int n = d[0] * d[1] * d[2];
        float[] img = new float[2 * n];
        byte[] lab = new byte[n];
        int i = 0;
        for (int x = 0; x < d[0]; x++) for (int y = 0; y < d[1]; y++) for (int z = 0; z < d[2]; z++, i++) {
            boolean in = Math.hypot(Math.hypot(x - d[0] / 2.0, y - d[1] / 2.0), z - d[2] / 2.0) < 4;
            lab[i] = (byte) (in ? 1 : 0);
            img[i] = (float) ((in ? 2 : 0) + 0.3 * g.nextGaussian());
            img[n + i] = (float) g.nextGaussian();
        }
        return new CaseVolume(id, 2, d, img, lab);
    }

    static CaseProvider provider() {
        List<CaseVolume> cases = new ArrayList<>();
        for (int c = 0; c < 5; c++) cases.add(sphereCase("case" + c, new int[] {14 + c, 16, 12}, c));
        // one sparsely annotated case: the batch then carries masks, full ones for the others
        return CaseProvider.inMemory(cases, Map.of("case2", AnnotationMasks.everyNth(new int[] {16, 16, 12}, 2, 3, 0)));
    }

    static PatchBatchSource source(CaseProvider cases) {
        return new PatchBatchSource(cases, new PatchSampler(new int[] {12, 12, 12}), Compose.nnUNetDefaults(), 2, 1234);
    }

    static List<float[]> collect(BatchSource src, int workers, List<List<String>> ids, List<byte[]> labels, List<byte[]> masks) {
        List<float[]> images = new ArrayList<>();
        try (BatchLoader loader = new BatchLoader(src, 3, 6, workers, 2)) {
            while (loader.hasNext()) {
                try (Batch b = loader.next()) {
                    assertArrayEquals(new int[] {2, 2, 12, 12, 12}, b.images().dims());
                    assertArrayEquals(new int[] {2, 12, 12, 12}, b.labels().dims());
                    images.add(b.images().toFloatArray());
                    labels.add(bytes(b.labels()));
                    masks.add(b.masks() == null ? null : bytes(b.masks()));
                    ids.add(b.caseIds());
                }
            }
            assertThrows(java.util.NoSuchElementException.class, loader::next);
        }
        return images;
    }

    static byte[] bytes(Tensor t) { return t.segment().asSlice(0, t.numel()).toArray(ValueLayout.JAVA_BYTE); }

    @Test
    void batchesAreBitwiseEqualWithOneOrThreeWorkers() {
        PatchBatchSource src = source(provider());
        List<List<String>> ids1 = new ArrayList<>(), ids3 = new ArrayList<>();
        List<byte[]> lab1 = new ArrayList<>(), lab3 = new ArrayList<>(), m1 = new ArrayList<>(), m3 = new ArrayList<>();
        List<float[]> one = collect(src, 1, ids1, lab1, m1);
        List<float[]> three = collect(source(provider()), 3, ids3, lab3, m3);
        assertEquals(6, one.size());
        assertEquals(ids1, ids3);
        boolean sawMask = false;
        for (int b = 0; b < 6; b++) {
            assertArrayEquals(one.get(b), three.get(b), "batch " + b);
            assertArrayEquals(lab1.get(b), lab3.get(b));
            assertArrayEquals(m1.get(b), m3.get(b));
            sawMask |= m1.get(b) != null;
        }
        assertTrue(sawMask, "the sparsely annotated case brought masks");
        // every case appears twice in the 10 first samples: two full passes over 5 shuffled cases
        List<String> flat = ids1.stream().flatMap(List::stream).limit(10).toList();
        for (int c = 0; c < 5; c++) assertEquals(2, Collections.frequency(flat, "case" + c));
        // the source made the same batch 3 directly
        try (Batch direct = src.make(3, 4)) {
            assertArrayEquals(one.get(4), direct.images().toFloatArray());
        }
        // a different epoch gives different content
        try (Batch other = src.make(4, 4)) {
            assertFalse(java.util.Arrays.equals(one.get(4), other.images().toFloatArray()));
        }
    }

    @Test
    void workerExceptionSurfacesWithTheCaseIdAndStopsTheLoader() {
        CaseProvider good = provider();
        CaseProvider broken = new CaseProvider() {
            @Override public int size() { return good.size(); }
            @Override public String id(int i) { return good.id(i); }
            @Override public CaseVolume load(int i) throws IOException {
                if (good.id(i).equals("case3")) throw new IOException("labels/case3.npy: truncated");
                return good.load(i);
            }
        };
        BatchLoader loader = new BatchLoader(source(broken), 0, 10, 3, 2);
        LoaderException e = assertThrows(LoaderException.class, () -> {
            while (loader.hasNext()) loader.next().close();
        });
        assertTrue(e.getMessage().contains("case3"), e.getMessage());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        assertInstanceOf(SampleException.class, e.getCause());
        assertEquals("case3", ((SampleException) e.getCause()).caseId());
        assertTrue(loader.workersStopped());
        assertFalse(loader.hasNext());
        loader.close(); // idempotent
    }

    @Test
    void prefetchIsBoundedAndCloseFreesUntakenBatches() throws Exception {
        PatchBatchSource src = source(provider());
        List<Batch> made = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger count = new AtomicInteger();
        BatchSource recording = (ep, i) -> {
            Batch b = src.make(ep, i);
            made.add(b);
            count.incrementAndGet();
            return b;
        };
        BatchLoader loader = new BatchLoader(recording, 0, 20, 3, 3);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (count.get() < 3 && System.nanoTime() < deadline) Thread.sleep(5);
        Thread.sleep(100);
        assertEquals(3, count.get(), "no more than the prefetch window is made ahead");
        Batch first = loader.next();
        loader.close();
        assertTrue(loader.workersStopped());
        for (Batch b : made) {
            if (b == first) assertFalse(b.images().isClosed(), "a taken batch belongs to the consumer");
            else assertTrue(b.images().isClosed() && b.labels().isClosed(), "untaken batch " + b.index() + " was closed");
        }
        first.close();
    }

    @Test
    void readsPreprocessedNpyCases(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("images"));
        Files.createDirectories(dir.resolve("labels"));
        CaseVolume cv = sphereCase("p1", new int[] {10, 9, 8}, 7);
        try (Tensor img = Tensor.of(cv.image(), 2, 10, 9, 8);
             Tensor lab = Tensor.zeros(org.voxelforge.core.DType.UINT8, 10, 9, 8)) {
            for (int i = 0; i < cv.label().length; i++) lab.segment().set(ValueLayout.JAVA_BYTE, i, cv.label()[i]);
            Npy.write(dir.resolve("images/p1.npy"), img);
            Npy.write(dir.resolve("labels/p1.npy"), lab);
        }
        CaseVolume back = CaseProvider.npy(dir, List.of("p1")).load(0);
        assertArrayEquals(cv.image(), back.image());
        assertArrayEquals(cv.label(), back.label());
        PatchBatchSource src = new PatchBatchSource(CaseProvider.npy(dir, List.of("p1")), new PatchSampler(new int[] {12, 8, 8}), null, 3, 5);
        try (Batch b = src.make(0, 0)) {
            assertArrayEquals(new int[] {3, 2, 12, 8, 8}, b.images().dims()); // x padded from 10 to 12
            assertNull(b.masks());
            assertEquals(List.of("p1", "p1", "p1"), b.caseIds());
        }
    }
}
