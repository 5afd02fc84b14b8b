package org.voxelforge.core.cuda;

import static org.junit.jupiter.api.Assertions.*;
import static org.voxelforge.core.cuda.CudnnVersionPolicy.Precision.*;
import static org.voxelforge.core.cuda.CudnnVersionPolicy.Verdict.Action.*;

import org.junit.jupiter.api.Test;

class CudnnVersionPolicyTest {
    private static long v(int major, int minor, int patch) { return CudnnVersionPolicy.version(major, minor, patch); }

    private static CudnnVersionPolicy.Verdict.Action check(long version, CudnnVersionPolicy.Precision p) {
        return CudnnVersionPolicy.check(version, p, 3).action();
    }

    @Test void versionNumbersFollowCudnn9Encoding() {
        assertEquals(91002, v(9, 10, 2));
        assertEquals("9.10.2", CudnnVersionPolicy.format(91002));
        assertEquals("9.8.0", CudnnVersionPolicy.format(90800));
    }

    @Test void halfPrecision3dConvolutionIsRefusedFrom98Through914() {
        for (var p : new CudnnVersionPolicy.Precision[] {BFLOAT16, FLOAT16}) {
            assertEquals(OK, check(v(9, 7, 1), p));
            assertEquals(REFUSE, check(v(9, 8, 0), p));
            assertEquals(REFUSE, check(v(9, 12, 0), p));
            assertEquals(REFUSE, check(v(9, 14, 99), p));
            assertEquals(OK, check(v(9, 15, 0), p));
        }
        String reason = CudnnVersionPolicy.check(v(9, 10, 0), BFLOAT16, 3).reason();
        assertTrue(reason.contains("9.10.0") && reason.contains("bfloat16") && reason.contains("float32"), reason);
    }

    @Test void tf32For3dConvolutionIsDisabledFrom9102Through915() {
        assertEquals(OK, check(v(9, 10, 1), FLOAT32_TF32));
        assertEquals(DISABLE_TF32, check(v(9, 10, 2), FLOAT32_TF32));
        assertEquals(DISABLE_TF32, check(v(9, 15, 1), FLOAT32_TF32));
        assertEquals(OK, check(v(9, 16, 0), FLOAT32_TF32));
        assertEquals(OK, check(v(9, 12, 0), FLOAT32), "plain float32 is never affected");
    }

    @Test void onlyThreeDimensionalConvolutionsAreAffected() {
        assertTrue(CudnnVersionPolicy.check(v(9, 10, 0), BFLOAT16, 2).ok());
        assertTrue(CudnnVersionPolicy.check(v(9, 12, 0), FLOAT32_TF32, 2).ok());
    }

    @Test void mathTypeFollowsTheVerdict() {
        assertEquals(Cudnn.MATH_FMA, CudnnVersionPolicy.mathType(v(9, 12, 0), FLOAT32, 3));
        assertEquals(Cudnn.MATH_DEFAULT, CudnnVersionPolicy.mathType(v(9, 16, 0), FLOAT32_TF32, 3));
        assertEquals(Cudnn.MATH_FMA, CudnnVersionPolicy.mathType(v(9, 12, 0), FLOAT32_TF32, 3));
        assertEquals(Cudnn.MATH_TENSOR_OP, CudnnVersionPolicy.mathType(v(9, 15, 0), BFLOAT16, 3));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> CudnnVersionPolicy.mathType(v(9, 9, 0), FLOAT16, 3));
        assertTrue(e.getMessage().contains("9.9.0"), e.getMessage());
    }

    @Test void nonCudnn9VersionNumbersAreRefused() {
        assertEquals(REFUSE, check(8907, FLOAT32), "cuDNN 8's encoding");
        assertEquals(REFUSE, check(v(10, 0, 0), FLOAT32));
    }
}
