package org.voxelforge.core;

/** Where a tensor's storage lives. Only the CPU exists until the CUDA backend lands. */
public record Device(Kind kind, int index) {
    public enum Kind { CPU, CUDA }

    public static final Device CPU = new Device(Kind.CPU, 0);

    public static Device cuda(int index) { return new Device(Kind.CUDA, index); }

    public static Device parse(String s) {
        String k = s.trim().toLowerCase(java.util.Locale.ROOT);
        if (k.equals("cpu")) return CPU;
        if (k.equals("cuda") || k.equals("gpu")) return cuda(0);
        if (k.startsWith("cuda:")) return cuda(Integer.parseInt(k.substring(5)));
        throw new IllegalArgumentException("unknown device '" + s + "': expected cpu, cuda or cuda:N");
    }

    @Override public String toString() { return kind == Kind.CPU ? "cpu" : "cuda:" + index; }
}
