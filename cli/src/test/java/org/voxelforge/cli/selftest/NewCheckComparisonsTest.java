package org.voxelforge.cli.selftest;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.voxelforge.core.Device;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.data.augment.AugmentStep;
import org.voxelforge.data.augment.Flip;
import org.voxelforge.data.augment.PatchShape;
import org.voxelforge.data.augment.device.DeviceAugmenter;
import org.voxelforge.data.augment.device.DeviceSample;
import org.voxelforge.data.sampling.Patch;

/**
 * The comparisons behind the augmentation, region-loss and distance-map checks fail when the
 * reference is wrong: a step left out, a label changed, a gradient off by 1e-4 of its scale, an
 * all-zero reference, a map 1e-5 off. The device side here is CPU tensors (DeviceAugmenter runs
 * on them too), so this needs no GPU and no emulator.
 */
class NewCheckComparisonsTest {
    private static final int[] DIMS = {8, 7, 6};

    @Test void augmentationComparisonPassesOnTheSameStepsAndFailsOnAWrongReference() {
        Patch p = DeviceAugmentationCheck.patch(3, 2, DIMS, true);
        List<AugmentStep> steps = DeviceAugmentationCheck.everyStep(PatchShape.of(p), new RandomGenerator(3));
        assertTrue(steps.size() >= 7, steps.toString());

        WorstError same = new WorstError();
        DeviceAugmentationCheck.compare(steps, p, Device.CPU, "", same);
        assertTrue(same.ratio() <= 1, "same steps: " + same.ratio());

        // the reference misses the last step (and then has one label flipped): both must fail
        Patch ref = p.copy();
        for (AugmentStep s : steps.subList(0, steps.size() - 1)) s.apply(ref);
        Patch refWrongLabel = p.copy();
        for (AugmentStep s : steps) s.apply(refWrongLabel);
        refWrongLabel.label[5] = (byte) (refWrongLabel.label[5] + 1);
        for (Patch wrong : new Patch[] {ref, refWrongLabel}) {
            WorstError w = new WorstError();
            try (DeviceSample s = DeviceAugmentationCheck.upload(p, Device.CPU)) {
                DeviceAugmenter.apply(steps, s);
                DeviceAugmentationCheck.noteDifferences(wrong, s, Device.CPU, "", w);
            }
            assertFalse(w.ratio() <= 1, "a wrong reference passed: " + w.ratio());
        }
    }

    @Test void aLeftOutFlipChangesTheLabelsExactly() {
        Patch p = DeviceAugmentationCheck.patch(4, 1, DIMS, false);
        WorstError w = new WorstError();
        try (DeviceSample s = DeviceAugmentationCheck.upload(p, Device.CPU)) {
            DeviceAugmenter.apply(List.of(new Flip.Step(new int[] {1})), s);
            DeviceAugmentationCheck.noteDifferences(p.copy(), s, Device.CPU, "", w);
        }
        assertEquals(Double.POSITIVE_INFINITY, w.ratio());
    }

    @Test void relativeToLargestHasNoFloorAndRefusesAZeroReference() {
        float[] want = {1e-3f, -2e-3f, 5e-4f}, got = want.clone();
        WorstError ok = new WorstError();
        ok.relativeToLargest("g", want, got, 1e-5);
        assertEquals(0, ok.ratio());
        got[2] += 1e-7f; // 5e-5 of the largest |value|: within the floored bound of floats(), not within this one
        WorstError off = new WorstError();
        off.relativeToLargest("g", want, got, 1e-5);
        assertTrue(off.ratio() > 1, "" + off.ratio());
        WorstError floored = new WorstError();
        floored.floats("g", want, got, 1e-5);
        assertTrue(floored.ratio() < 1, "the floor of 1 would have hidden it: " + floored.ratio());
        WorstError zero = new WorstError();
        zero.relativeToLargest("g", new float[3], new float[3], 1e-5);
        assertEquals(Double.POSITIVE_INFINITY, zero.ratio());
    }

    @Test void eachRelativeMeasuresEveryValueAgainstItself() {
        float[] want = {100f, 0.5f}, got = {100f, 0.5f + 1e-5f};
        WorstError w = new WorstError();
        w.eachRelative("maps", want, got, 2e-6);
        assertTrue(w.ratio() > 1, "1e-5 off a value of 0.5 is beyond 2e-6: " + w.ratio());
        WorstError nan = new WorstError();
        nan.eachRelative("maps", want, new float[] {Float.NaN, 0.5f}, 2e-6);
        assertEquals(Double.POSITIVE_INFINITY, nan.ratio());
    }

    @Test void theNewChecksAreListedForEveryTarget() {
        List<String> names = CudaChecks.kernelCheckNames();
        for (String n : List.of(FusedKernelChecks.GROUP_NORM_NDHWC, RegionLossCheck.NAME, DeviceAugmentationCheck.NAME, DistanceMapsCheck.NAME)) {
            assertTrue(names.contains(n), n);
            assertTrue(CudaChecks.NAMES.contains("cuda" + n), n);
        }
    }
}
