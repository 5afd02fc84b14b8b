package org.voxelforge.nn.loss;

import java.util.List;

/**
 * Losses by name, using MIST's names where MIST has the loss: "dice_ce", "dice", "gdl", and the
 * region + boundary composites "bl" (boundary), "hdl" (one-sided Hausdorff), "gsl" (generalized
 * surface) and "cldice", each with MIST's dice_ce as the region term. Others: "ce", "topk",
 * "mse", "focal", "dice_focal", "tversky", "region_dice_bce" (BraTS regions), "edge", "dice_ce_nnunet".
 */
public final class Losses {
    private Losses() {}

    public static final List<String> NAMES = List.of("ce", "topk", "mse", "dice", "dice_ce", "dice_ce_nnunet", "gdl",
            "focal", "dice_focal", "tversky", "region_dice_bce", "edge", "bl", "hdl", "gsl", "cldice");

    /** A loss with its defaults; composites use a constant alpha of 0.5. */
    public static Loss create(String name) { return create(name, AlphaSchedule.constant(0.5)); }

    /** Like {@link #create(String)}, with the alpha schedule of the composite losses. */
    public static Loss create(String name, AlphaSchedule schedule) {
        return switch (name) {
            case "ce" -> new CrossEntropyLoss();
            case "topk" -> new TopKCrossEntropyLoss(10);
            case "mse" -> new MseLoss();
            case "dice" -> SoftDiceLoss.mist();
            case "dice_ce" -> DiceCeLoss.mist();
            case "dice_ce_nnunet" -> DiceCeLoss.nnUNet();
            case "gdl" -> new GeneralizedDiceLoss();
            case "focal" -> new FocalLoss(2.0);
            case "dice_focal" -> DiceFocalLoss.mist();
            case "tversky" -> new TverskyLoss(0.3, 0.7);
            case "region_dice_bce" -> new RegionDiceBceLoss(RegionSpec.brats());
            case "edge" -> new EdgeLoss();
            case "bl" -> new CompositeLoss("bl", DiceCeLoss.mist(), new BoundaryLoss(), schedule);
            case "hdl" -> new CompositeLoss("hdl", DiceCeLoss.mist(), new HausdorffDtLoss(2.0), schedule);
            case "gsl" -> new CompositeLoss("gsl", DiceCeLoss.mist(), new GeneralizedSurfaceLoss(), schedule);
            case "cldice" -> new CompositeLoss("cldice", DiceCeLoss.mist(), SoftClDiceLoss.mist(), schedule);
            default -> throw new IllegalArgumentException("unknown loss '" + name + "': expected one of " + NAMES);
        };
    }
}
