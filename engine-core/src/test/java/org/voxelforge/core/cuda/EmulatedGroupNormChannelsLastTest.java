package org.voxelforge.core.cuda;

import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.voxelforge.core.fused.GroupNormAct;
import org.voxelforge.core.fused.GroupNormAct.Layout;

/**
 * The NDHWC group-norm kernels (groupnorm.cuh, vf_gn_*_ndhwc_f32 and the shared backward finalize)
 * run by the emulator through {@link FusedKernels} against the NDHWC twin of {@link GroupNormAct}.
 *
 * <p>Tolerances: the twin forms every float sum in the kernels' order (per voxel row of a block,
 * then the rows in order; chunks and channels combined in double in the same order), and g++ does
 * not contract a*b+c, so the emulator agrees bit for bit (checked with a bound of 0 when this was
 * written); the bound is 1e-6 of the largest magnitude anyway, a few ulps, so that a build with
 * another compiler or libm still passes. A GPU contracts to FMA; there the 2e-5 of the backend
 * tests applies.
 */
class EmulatedGroupNormChannelsLastTest {
    private final SplittableRandom rnd = new SplittableRandom(41);
    private FusedKernels fused;

    @BeforeEach void emulator() { fused = new FusedKernels(EmulatorTests.emulator()); }

    private void groupNorm(int n, int c, int g, int s, double offset, float slope) {
        EmulatedFusedKernelsTest.groupNormVsTwin(fused, rnd, Layout.NDHWC, n, c, g, s, offset, slope, new double[] {1e-6, 1e-6, 1e-6, 1e-6, 1e-6, 1e-6});
    }

    @Test void forwardAndBackwardMatchTheTwin() {
        for (float slope : new float[] {1f, 0.01f, 0f}) {
            groupNorm(2, 6, 1, 60, 0, slope);
            groupNorm(2, 6, 2, 60, 0, slope);
            groupNorm(2, 6, 6, 60, 0, slope);  // instance norm
        }
        groupNorm(2, 6, 3, 2100, 0, 0.01f);    // 7 voxel chunks per sample
        groupNorm(1, 2, 1, 2100, 500, 0.1f);   // large mean
        groupNorm(1, 300, 3, 9, 0, 0.01f);     // C > 256: the blocks loop over two channel tiles
        groupNorm(2, 1, 1, 700, -2, 0f);       // one channel: 256 voxel rows per block
    }

    @Test void nullLayoutIsNamed() {
        GroupNormAct.Geometry geo = new GroupNormAct.Geometry(1, 2, 1, 4);
        var e = assertThrows(IllegalArgumentException.class,
                () -> fused.groupNormForward(geo, null, 8, 8, 8, 1f, 1e-5, 8, 8, 8, 8, 0));
        assertTrue(e.getMessage().contains("groupNormForward: layout is null"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> fused.groupNormBackward(geo, null, 8, 8, 8, 8, 8, 8, 1f, 8, 8, 8, 8, 0));
        assertTrue(e.getMessage().contains("groupNormBackward: layout is null"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> FusedKernels.groupNormForwardScratch(geo, null));
        assertTrue(e.getMessage().contains("groupNormForwardScratch: layout is null"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> fused.groupNormForward(geo, Layout.NDHWC, 8, 8, 8, 1f, 1e-5, 0, 8, 8, 8, 0));
        assertTrue(e.getMessage().contains("vf_gn_*_ndhwc_f32") && e.getMessage().contains("NDHWC x [1, 4, 2]")
                && e.getMessage().contains("y is a null"), e.getMessage());
    }
}
