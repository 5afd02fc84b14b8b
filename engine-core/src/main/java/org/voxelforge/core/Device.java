package org.voxelforge.core;

/**
 * Where a tensor's storage lives: the CPU, a CUDA GPU, or the CUDA emulator. The emulator is the
 * CUDA backend itself (same kernels, same launch and copy code) over host memory and the host
 * kernel emulator (kernels/README.md), so every GPU code path runs in CI without a GPU; host code
 * must treat its tensors exactly like GPU tensors (no direct reads), and {@link Storage} enforces that.
 */
public record Device(Kind kind, int index) {
    public enum Kind { CPU, CUDA, EMULATOR }

    public static final Device CPU = new Device(Kind.CPU, 0);

    /** The emulated CUDA device (there is one). */
    public static final Device EMULATOR = new Device(Kind.EMULATOR, 0);

    public static Device cuda(int index) {
        if (index < 0) throw new IllegalArgumentException("cuda:" + index + ": a device index is >= 0");
        return new Device(Kind.CUDA, index);
    }

    /** cpu, cuda (= cuda:0), gpu, cuda:N, or emulator. */
    public static Device parse(String s) {
        String k = s.trim().toLowerCase(java.util.Locale.ROOT);
        if (k.equals("cpu")) return CPU;
        if (k.equals("cuda") || k.equals("gpu")) return cuda(0);
        if (k.equals("emulator") || k.equals("emu")) return EMULATOR;
        if (k.startsWith("cuda:")) {
            try {
                return cuda(Integer.parseInt(k.substring(5)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("unknown device '" + s + "': expected cpu, cuda, cuda:N or emulator");
            }
        }
        throw new IllegalArgumentException("unknown device '" + s + "': expected cpu, cuda, cuda:N or emulator");
    }

    public boolean isCpu() { return kind == Kind.CPU; }

    @Override public String toString() {
        return switch (kind) {
            case CPU -> "cpu";
            case CUDA -> "cuda:" + index;
            case EMULATOR -> "emulator";
        };
    }
}
