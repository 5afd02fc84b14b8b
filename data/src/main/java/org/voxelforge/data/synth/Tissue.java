package org.voxelforge.data.synth;

import java.util.List;

/**
 * The tissue classes of the synthetic head, their BraTS 2023 label (1 NCR, 2 ED, 3 ET, 0 for
 * everything that is not tumour) and their mean intensity per modality, in the order of
 * {@link #MODALITIES}.
 *
 * <p>The contrasts follow what a radiologist sees on BraTS scans: white matter brighter than grey
 * matter on T1 and darker on T2/FLAIR; the enhancing rim bright on T1c; the necrotic core dark
 * on T1c and bright on T2; edema bright on T2 and FLAIR. The scale (hundreds to about a
 * thousand) is that of MR scans stored as int16.
 */
enum Tissue {
    //                 label   t1    t1c   t2    flair
    BACKGROUND(0, new double[] {0, 0, 0, 0}),
    SKULL(0, new double[] {320, 340, 180, 150}),
    GREY_MATTER(0, new double[] {560, 590, 760, 620}),
    WHITE_MATTER(0, new double[] {820, 840, 560, 470}),
    NECROSIS(1, new double[] {330, 300, 1150, 640}),
    EDEMA(2, new double[] {470, 500, 1250, 1050}),
    ENHANCING(3, new double[] {520, 1350, 820, 760});

    /** Modality names as they appear in file names and in dataset.json. */
    static final List<String> MODALITIES = List.of("t1", "t1c", "t2", "flair");

    final int label;
    private final double[] mean;

    Tissue(int label, double[] mean) {
        this.label = label;
        this.mean = mean;
    }

    double mean(int modality) { return mean[modality]; }

    private static final Tissue[] VALUES = values();

    static Tissue of(int ordinal) { return VALUES[ordinal]; }
}
