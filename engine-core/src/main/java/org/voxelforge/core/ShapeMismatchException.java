package org.voxelforge.core;

/** Two tensors' shapes do not fit the op; the message names the op and both shapes. */
public class ShapeMismatchException extends IllegalArgumentException {
    public ShapeMismatchException(String message) { super(message); }
}
