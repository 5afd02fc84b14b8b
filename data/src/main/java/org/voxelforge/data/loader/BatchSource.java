package org.voxelforge.data.loader;

/** Makes batch {@code index} of {@code epoch}; must be a pure function of its arguments (and its seed). */
@FunctionalInterface
public interface BatchSource {
    Batch make(int epoch, int index);
}
