package org.voxelforge.train.trainer;

import java.util.List;
import org.voxelforge.autograd.Variable;
import org.voxelforge.nn.optim.Adam;
import org.voxelforge.nn.optim.AdamW;
import org.voxelforge.nn.optim.ConstantLr;
import org.voxelforge.nn.optim.CosineLr;
import org.voxelforge.nn.optim.LrSchedule;
import org.voxelforge.nn.optim.Optimizer;
import org.voxelforge.nn.optim.ParamGroup;
import org.voxelforge.nn.optim.PolyLr;
import org.voxelforge.nn.optim.SGD;

/** The optimizer and the learning-rate schedule named by {@link TrainingOptions}. */
final class TrainingParts {
    private TrainingParts() {}

    static Optimizer optimizer(TrainingOptions o, List<Variable> params) {
        ParamGroup g = ParamGroup.of(params).set("lr", o.lr()).set("weight_decay", o.weightDecay()).set("l2", o.l2());
        return switch (o.optimizer()) {
            case "sgd" -> new SGD(g.set("momentum", o.momentum()).set("nesterov", o.nesterov()));
            case "adam" -> new Adam(g);
            case "adamw" -> new AdamW(g);
            default -> throw new IllegalArgumentException("unknown optimizer '" + o.optimizer() + "'; expected one of " + TrainingOptions.OPTIMIZERS);
        };
    }

    /** Per iteration over the whole run. */
    static LrSchedule schedule(TrainingOptions o) {
        int total = Math.toIntExact(o.totalSteps());
        return switch (o.schedule()) {
            case "poly" -> new PolyLr(o.lr(), total);
            case "cosine" -> new CosineLr(o.lr(), total, 0);
            case "constant" -> new ConstantLr(o.lr());
            default -> throw new IllegalArgumentException("unknown schedule '" + o.schedule() + "'; expected one of " + TrainingOptions.SCHEDULES);
        };
    }
}
