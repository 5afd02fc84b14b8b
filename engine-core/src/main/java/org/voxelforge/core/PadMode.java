package org.voxelforge.core;

/**
 * How {@code pad} fills the border. REFLECT mirrors without repeating the edge
 * (NumPy's "reflect", PyTorch's "reflect"); EDGE repeats it (NumPy's "edge", PyTorch's "replicate").
 */
public enum PadMode {
    CONSTANT, REFLECT, EDGE;

    public static PadMode parse(String s) {
        return switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "constant", "zero", "zeros" -> CONSTANT;
            case "reflect" -> REFLECT;
            case "edge", "replicate" -> EDGE;
            default -> throw new IllegalArgumentException("unknown pad mode '" + s
                    + "': expected constant, reflect or edge");
        };
    }
}
