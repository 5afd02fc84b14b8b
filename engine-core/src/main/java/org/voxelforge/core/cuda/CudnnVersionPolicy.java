package org.voxelforge.core.cuda;

/**
 * Which cuDNN versions are refused for which 3D-convolution paths (ARCHITECTURE.md, "GPU binding"):
 * <ul>
 *   <li>cuDNN 9.8.0 up to and including every 9.14.x computed wrong bf16/fp16 3D convolutions:
 *       the half-precision path is refused (run it in float32).</li>
 *   <li>A TF32 3D convolution kernel was broken from 9.10.2 up to and including every 9.15.x:
 *       float32 3D convolutions must not use TF32 tensor cores (math type FMA instead).</li>
 * </ul>
 * A pure function of the version number {@code cudnnGetVersion()} returns: for cuDNN 9 that is
 * {@code major * 10000 + minor * 100 + patch} (9.10.2 = 91002). cuDNN 8 used
 * {@code major * 1000 + minor * 100 + patch}; it is not supported here (libcudnn.so.9 only).
 */
public final class CudnnVersionPolicy {
    /** The precision a convolution runs in. */
    public enum Precision { FLOAT32, FLOAT32_TF32, BFLOAT16, FLOAT16 }

    /** What to do: run as asked, run float32 without TF32, or refuse (with the reason to print). */
    public record Verdict(Action action, String reason) {
        public enum Action { OK, DISABLE_TF32, REFUSE }

        public boolean ok() { return action == Action.OK; }
    }

    private CudnnVersionPolicy() {}

    public static int version(int major, int minor, int patch) { return major * 10000 + minor * 100 + patch; }

    /** "9.10.2" for 91002. */
    public static String format(long version) {
        return (version / 10000) + "." + (version / 100 % 100) + "." + (version % 100);
    }

    public static Verdict check(long version, Precision precision, int spatialDims) {
        if (version < version(9, 0, 0) || version >= version(10, 0, 0)) {
            return new Verdict(Verdict.Action.REFUSE, "cuDNN " + version + " is not a cuDNN 9 version number (VoxelForge binds libcudnn.so.9)");
        }
        if (spatialDims != 3) return new Verdict(Verdict.Action.OK, "");
        String v = format(version);
        boolean half = precision == Precision.BFLOAT16 || precision == Precision.FLOAT16;
        if (half && version >= version(9, 8, 0) && version < version(9, 15, 0)) {
            return new Verdict(Verdict.Action.REFUSE, "cuDNN " + v + " computes wrong " + precision.name().toLowerCase(java.util.Locale.ROOT)
                    + " 3D convolutions (known bug in 9.8 to 9.14): run this convolution in float32, or install cuDNN 9.15 or newer");
        }
        if (precision == Precision.FLOAT32_TF32 && version >= version(9, 10, 2) && version < version(9, 16, 0)) {
            return new Verdict(Verdict.Action.DISABLE_TF32, "cuDNN " + v + " has a broken TF32 3D convolution kernel (9.10.2 to 9.15):"
                    + " TF32 is off for 3D convolutions (full float32 instead); install cuDNN 9.16 or newer for TF32");
        }
        return new Verdict(Verdict.Action.OK, "");
    }

    /**
     * The cudnnMathType_t a convolution descriptor gets under this policy: FMA for plain float32
     * (cuDNN's DEFAULT would allow TF32) and for TF32 where TF32 is broken, DEFAULT for TF32,
     * TENSOR_OP for bf16/fp16. Throws with the verdict's reason when the path is refused.
     */
    public static int mathType(long version, Precision precision, int spatialDims) {
        Verdict v = check(version, precision, spatialDims);
        if (v.action() == Verdict.Action.REFUSE) throw new IllegalStateException(v.reason());
        return switch (precision) {
            case FLOAT32 -> Cudnn.MATH_FMA;
            case FLOAT32_TF32 -> v.action() == Verdict.Action.DISABLE_TF32 ? Cudnn.MATH_FMA : Cudnn.MATH_DEFAULT;
            case BFLOAT16, FLOAT16 -> Cudnn.MATH_TENSOR_OP;
        };
    }
}
