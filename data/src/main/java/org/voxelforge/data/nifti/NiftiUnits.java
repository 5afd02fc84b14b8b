package org.voxelforge.data.nifti;

/** The units packed in {@code xyzt_units}: bits 0-2 for space, bits 3-5 for time. */
public final class NiftiUnits {
    private NiftiUnits() {}

    /** Spatial unit of pixdim[1..3] and of the affine. */
    public enum Space {
        UNKNOWN(0, 0), METER(1, 1000.0), MM(2, 1.0), MICRON(3, 0.001);

        private final int code;
        private final double toMm;

        Space(int code, double toMm) { this.code = code; this.toMm = toMm; }

        public int code() { return code; }

        /** Millimetres per unit; 0 for UNKNOWN (the standard then suggests mm). */
        public double toMillimetres() { return toMm; }

        public static Space fromXyztUnits(int xyztUnits) {
            int c = xyztUnits & 0x07;
            for (Space s : values()) if (s.code == c) return s;
            return UNKNOWN; // codes 4-7 are not defined by the standard
        }
    }

    /** Unit of pixdim[4] (the time step), or a spectral unit. */
    public enum Time {
        UNKNOWN(0), SEC(8), MSEC(16), USEC(24), HZ(32), PPM(40), RADS(48);

        private final int code;

        Time(int code) { this.code = code; }

        public int code() { return code; }

        public static Time fromXyztUnits(int xyztUnits) {
            int c = xyztUnits & 0x38;
            for (Time t : values()) if (t.code == c) return t;
            return UNKNOWN;
        }
    }

    public static int pack(Space space, Time time) { return space.code() | time.code(); }
}
