package org.voxelforge.data.augment.device;

import org.voxelforge.core.ReduceOp;
import org.voxelforge.core.Tensor;
import org.voxelforge.data.augment.Brightness;
import org.voxelforge.data.augment.ChannelDrop;
import org.voxelforge.data.augment.ChannelScaleShift;
import org.voxelforge.data.augment.Contrast;
import org.voxelforge.data.augment.Gamma;

/**
 * The intensity steps on an image [C, X, Y, Z] on its device, all channels at once with per-channel
 * parameters broadcast from [C, 1, 1, 1]. Brightness, scale/shift and channel drop round exactly
 * as their CPU twins (float products and sums); contrast and gamma compute their channel statistics
 * and arithmetic in float where the CPU uses double, a few float roundings apart.
 */
final class DeviceIntensity {
    private DeviceIntensity() {}

    static Tensor brightness(Tensor img, Brightness.Step s) {
        try (Tensor f = ChannelParams.of(s.factors(), img.device())) {
            return img.mul(f);
        }
    }

    static Tensor scaleShift(Tensor img, ChannelScaleShift.Step s) {
        try (Tensor f = ChannelParams.of(s.scales(), img.device()); Tensor b = ChannelParams.of(s.shifts(), img.device());
             Tensor scaled = img.mul(f)) {
            return scaled.add(b);
        }
    }

    static Tensor channelDrop(Tensor img, ChannelDrop.Step s) {
        Tensor out = img.copy();
        try (Tensor channel = out.select(0, s.channel())) {
            channel.fill_(0);
        }
        return out;
    }

    /** Per channel: clamp((x - mean) * f + mean, min, max). */
    static Tensor contrast(Tensor img, Contrast.Step s) {
        try (Tensor f = ChannelParams.of(s.factors(), img.device()); Tensor mn = img.reduce(ReduceOp.MIN, true, 1, 2, 3);
             Tensor mx = img.reduce(ReduceOp.MAX, true, 1, 2, 3); Tensor mean = img.meanKeep(1, 2, 3);
             Tensor centred = img.sub(mean); Tensor scaled = centred.mul(f); Tensor moved = scaled.add(mean);
             Tensor low = moved.maximum(mn)) {
            return low.minimum(mx);
        }
    }

    /** Per channel as Gamma.apply: rescale to [0, 1], power, scale back; inversion and kept statistics optional. */
    static Tensor gamma(Tensor img, Gamma.Step s) {
        try (Tensor g = ChannelParams.of(s.gammas(), img.device()); Tensor x = s.invert() ? img.neg() : img.copy();
             Tensor mn = x.reduce(ReduceOp.MIN, true, 1, 2, 3); Tensor mx = x.reduce(ReduceOp.MAX, true, 1, 2, 3);
             Tensor span = mx.sub(mn); Tensor range = span.add(1e-7); Tensor shifted = x.sub(mn); Tensor unit = shifted.div(range);
             Tensor powered = unit.pow(g); Tensor back = powered.mul(range); Tensor y = back.add(mn)) {
            Tensor kept = s.retainStats() ? retainStats(x, y) : y.copy();
            if (!s.invert()) return kept;
            try (kept) {
                return kept.neg();
            }
        }
    }

    /** y with the mean and std of x per channel: (y - mean_y) * std_x / (std_y + 1e-8) + mean_x. */
    private static Tensor retainStats(Tensor x, Tensor y) {
        try (Tensor mx = x.meanKeep(1, 2, 3); Tensor vx = x.variance(0, true, 1, 2, 3); Tensor sx = vx.sqrt();
             Tensor my = y.meanKeep(1, 2, 3); Tensor vy = y.variance(0, true, 1, 2, 3); Tensor sy = vy.sqrt();
             Tensor den = sy.add(1e-8); Tensor k = sx.div(den); Tensor centred = y.sub(my); Tensor scaled = centred.mul(k)) {
            return scaled.add(mx);
        }
    }
}
