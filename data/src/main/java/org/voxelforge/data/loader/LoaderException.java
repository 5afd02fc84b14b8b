package org.voxelforge.data.loader;

/** A batch that a loader's worker failed to make, surfaced to the consumer. */
public final class LoaderException extends RuntimeException {
    public LoaderException(String message, Throwable cause) { super(message, cause); }
}
