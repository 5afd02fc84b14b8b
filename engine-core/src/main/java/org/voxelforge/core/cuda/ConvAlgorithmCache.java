package org.voxelforge.core.cuda;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The chosen algorithm (and its workspace size) per convolution problem: cuDNN's algorithm search
 * runs every candidate and takes milliseconds, so it is done once per {@link ConvKey}, like
 * PyTorch's {@code cudnn.benchmark} cache.
 */
public final class ConvAlgorithmCache {
    /** A cuDNN algorithm id, the workspace it needs, and its math type. */
    public record Choice(int algorithm, long workspaceBytes, int mathType) {}

    private final ConcurrentHashMap<ConvKey, Choice> choices = new ConcurrentHashMap<>();
    private final AtomicLong searches = new AtomicLong(), hits = new AtomicLong();

    /** The cached choice for {@code key}, or the result of {@code search} (run once per key). */
    public Choice get(ConvKey key, Function<ConvKey, Choice> search) {
        Choice c = choices.get(key);
        if (c != null) {
            hits.incrementAndGet();
            return c;
        }
        return choices.computeIfAbsent(key, k -> {
            searches.incrementAndGet();
            return search.apply(k);
        });
    }

    public long searches() { return searches.get(); }

    public long hits() { return hits.get(); }

    public int size() { return choices.size(); }

    public void clear() { choices.clear(); }
}
