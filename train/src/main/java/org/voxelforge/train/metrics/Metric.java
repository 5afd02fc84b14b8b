package org.voxelforge.train.metrics;

/** A per-class metric and its results.csv column suffix ({@code <class>_<column>}, MIST's names where MIST has one). */
public enum Metric {
    DICE("dice"), IOU("iou"), PRECISION("precision"), RECALL("recall"), SPECIFICITY("specificity"),
    HAUSDORFF("haus"), HD95("haus95"), ASSD("avg_surf"), SURFACE_DICE("surf_dice"),
    LESION_DICE("lesion_dice"), LESION_HD95("lesion_haus95"), LESION_F1("lesion_f1");

    public final String column;

    Metric(String column) { this.column = column; }

    boolean surface() { return this == HAUSDORFF || this == HD95 || this == ASSD || this == SURFACE_DICE; }

    boolean lesionWise() { return this == LESION_DICE || this == LESION_HD95 || this == LESION_F1; }

    public static Metric fromColumn(String name) {
        for (Metric m : values()) if (m.column.equals(name) || m.name().equalsIgnoreCase(name)) return m;
        StringBuilder known = new StringBuilder();
        for (Metric m : values()) known.append(known.isEmpty() ? "" : ", ").append(m.column);
        throw new IllegalArgumentException("metric: unknown metric '" + name + "'; expected one of " + known);
    }

    double pick(ClassMetrics c, LesionWiseMetrics.Result l) {
        return switch (this) {
            case DICE -> c.dice();
            case IOU -> c.iou();
            case PRECISION -> c.precision();
            case RECALL -> c.recall();
            case SPECIFICITY -> c.specificity();
            case HAUSDORFF -> c.hausdorff();
            case HD95 -> c.hd95();
            case ASSD -> c.assd();
            case SURFACE_DICE -> c.surfaceDice();
            case LESION_DICE -> l.dice();
            case LESION_HD95 -> l.hd95();
            case LESION_F1 -> l.f1();
        };
    }
}
