package org.voxelforge.data.analysis;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.voxelforge.data.dataset.PatientCase;
import org.voxelforge.data.nifti.NiftiHeader;
import org.voxelforge.data.nifti.NiftiReader;

/** MIST's header agreement: every image of a case must share its mask's grid (shape and affine). */
public final class HeaderCheck {
    private HeaderCheck() {}

    /** Null when the headers agree, else a sentence naming the file and the field that differs. */
    public static String disagreement(PatientCase c, double tolerance) throws IOException {
        NiftiHeader mask = NiftiReader.readHeader(c.mask());
        int[] ms = spatial(mask.shape());
        if (ms == null) return "mask " + c.mask().getFileName() + " has shape " + Arrays.toString(mask.shape()) + ", not 3D";
        double[][] ma = mask.bestAffine();
        for (Map.Entry<String, Path> e : c.images().entrySet()) {
            NiftiHeader h = NiftiReader.readHeader(e.getValue());
            int[] s = spatial(h.shape());
            String f = e.getKey() + " image " + e.getValue().getFileName();
            if (s == null) return f + " has shape " + Arrays.toString(h.shape()) + ", not 3D";
            if (!Arrays.equals(s, ms)) {
                return "shape: " + f + " is " + Arrays.toString(s) + " but the mask is " + Arrays.toString(ms);
            }
            double[][] a = h.bestAffine();
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 4; j++) {
                    if (Math.abs(a[i][j] - ma[i][j]) > tolerance) {
                        String field = j == 3 ? "origin" : "spacing/direction";
                        return "affine (" + field + "): " + f + " has affine row " + i + " " + Arrays.toString(a[i])
                                + " but the mask has " + Arrays.toString(ma[i]) + " (tolerance " + tolerance + ")";
                    }
                }
            }
        }
        return null;
    }

    private static int[] spatial(int[] shape) {
        if (shape.length == 3) return shape;
        if (shape.length == 4 && shape[3] == 1) return Arrays.copyOf(shape, 3);
        return null;
    }
}
