package org.voxelforge.nn.loss;

import org.voxelforge.autograd.Variable;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.fused.RegionLoss;

/**
 * alpha * region + (1 - alpha) * boundary, alpha from an {@link AlphaSchedule} at the epoch set
 * by {@link #setEpoch} (MIST's "bl", "hdl", "gsl" and "cldice" losses, with "dice_ce" as region).
 */
public final class CompositeLoss implements Loss, FusableLoss {
    private final String name;
    private final Loss region;
    private final Loss boundary;
    private final AlphaSchedule schedule;
    private int epoch;

    public CompositeLoss(String name, Loss region, Loss boundary, AlphaSchedule schedule) {
        this.name = name;
        this.region = region;
        this.boundary = boundary;
        this.schedule = schedule;
    }

    public void setEpoch(int epoch) { this.epoch = epoch; }

    public double alpha() { return schedule.alpha(epoch); }

    public Loss region() { return region; }

    public Loss boundary() { return boundary; }

    @Override public String name() { return name; }

    @Override public boolean needsDistanceMaps() { return region.needsDistanceMaps() || boundary.needsDistanceMaps(); }

    @Override public Variable compute(Variable logits, Tensor target, Tensor maskOrNull) {
        return compute(logits, LossTarget.of(target), maskOrNull);
    }

    /** alpha * region + (1 - alpha) * boundary as one set of fused terms, or null when either part has none. */
    @Override public RegionLoss.Terms fusedTerms() {
        if (!(region instanceof FusableLoss r) || !(boundary instanceof FusableLoss b)) return null;
        RegionLoss.Terms rt = r.fusedTerms(), bt = b.fusedTerms();
        if (rt == null || bt == null) return null;
        double a = alpha();
        return rt.scaled(a).plus(bt.scaled(1.0 - a));
    }

    /**
     * On a CUDA-backend device with integer labels, when both parts have fused terms (MIST's "bl":
     * dice_ce + boundary), one fused pass each way ({@link FusedRegionLoss}); elsewhere each part
     * computes itself (and may still be fused alone).
     */
    @Override public Variable compute(Variable logits, LossTarget target, Tensor maskOrNull) {
        Variable fused = FusedRegionLoss.tryCompute(name + " (" + region.getClass().getSimpleName() + " + "
                + boundary.getClass().getSimpleName() + ")", this, logits, target, maskOrNull);
        if (fused != null) return fused;
        double a = alpha();
        return region.compute(logits, target, maskOrNull).mul(a)
                .add(boundary.compute(logits, target, maskOrNull).mul(1.0 - a));
    }
}
