package org.voxelforge.data.analysis;

/**
 * MIST's foreground box: the first image clipped to its 33rd and 99.5th percentiles, thresholded
 * with Otsu's method (foreground = above the threshold), and the bounding box of that foreground.
 * For a training case the box is grown to hold every labelled voxel as well, so cropping never
 * cuts a label off. An image with no foreground keeps the whole volume.
 */
public final class ForegroundBox {
    private ForegroundBox() {}

    public static BoundingBox of(double[] image, int[] dims, int[] labels) {
        double[] p = Intensities.percentiles(image, 33, 99.5);
        double[] clipped = Intensities.clip(image, p[0], p[1]);
        double t = Intensities.otsu(clipped);
        boolean[] fg = new boolean[image.length];
        for (int i = 0; i < fg.length; i++) fg[i] = clipped[i] > t;
        BoundingBox box = BoundingBox.of(fg, dims);
        if (labels != null) {
            boolean[] lab = new boolean[labels.length];
            for (int i = 0; i < lab.length; i++) lab[i] = labels[i] != 0;
            BoundingBox lb = BoundingBox.of(lab, dims);
            box = box == null ? lb : box.union(lb);
        }
        return box == null ? BoundingBox.whole(dims) : box;
    }
}
