package org.voxelforge.cli.selftest;

import java.util.ArrayList;
import java.util.List;
import org.voxelforge.core.Conv3dParams;

/**
 * The CPU checks in the order they run, at quick or full sizes. Every check compares a fast
 * path with an independent reference; the INFO lines come first so a failure can be read
 * against the runtime it happened on.
 */
public final class CpuChecks {
    private CpuChecks() {}

    public static List<SelfTestCheck> all(boolean quick) {
        List<SelfTestCheck> c = new ArrayList<>(RuntimeInfo.all());
        c.add(SgemmCheck.of(67, 129, 45, false, 1));
        c.add(SgemmCheck.of(45, 67, 129, true, 2));
        c.add(quick ? SgemmCheck.of(128, 128, 128, false, 3) : SgemmCheck.of(256, 256, 256, false, 3));
        if (!quick) c.add(SgemmCheck.of(384, 300, 520, false, 4));

        int s = quick ? 7 : 13;
        c.add(Conv3dCheck.of(new Conv3dCheck.Case(2, 3, 4, new int[] {s, s - 1, s - 2}, 3, Conv3dParams.of(1, 1)), 10));
        c.add(Conv3dCheck.of(new Conv3dCheck.Case(1, 4, 6, new int[] {s, s + 1, s - 1}, 3,
                Conv3dParams.of(2, 1).withDilation(1, 2, 1).withGroups(2)), 11));
        c.add(Conv3dCheck.of(new Conv3dCheck.Case(2, 5, 3, new int[] {s - 1, s, s}, 1, Conv3dParams.DEFAULT), 12));
        c.add(Conv3dCheck.of(new Conv3dCheck.Case(1, 3, 5, new int[] {s + 1, s, s - 2}, 2,
                Conv3dParams.of(2, 0).withPadding(1, 0, 1)), 13));
        if (!quick) c.add(Conv3dCheck.of(new Conv3dCheck.Case(1, 8, 16, new int[] {16, 16, 16}, 3, Conv3dParams.of(1, 1)), 14));

        c.addAll(GradientChecks.all(20));
        c.addAll(PhiloxChecks.all(quick ? 20_000 : 1_000_000));
        c.add(NiftiRoundTripCheck.of(30));
        c.addAll(quick ? UNetCheck.all(16, 3, 40) : UNetCheck.all(32, 4, 40));
        return c;
    }
}
