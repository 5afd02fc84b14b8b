package org.voxelforge.train.metrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.voxelforge.data.nifti.NiftiImage;
import org.voxelforge.data.nifti.NiftiReader;

/** Reading label maps from NIfTI files and finding them in folders by case id. */
public final class LabelVolumes {
    private LabelVolumes() {}

    /** Case id of a file: its name without {@code .nii.gz} or {@code .nii}; null for other files. */
    public static String caseId(Path file) {
        String name = file.getFileName().toString();
        if (name.endsWith(".nii.gz")) return name.substring(0, name.length() - 7);
        if (name.endsWith(".nii")) return name.substring(0, name.length() - 4);
        return null;
    }

    /** The NIfTI files of a folder by case id, sorted; two files with one id is an error. */
    public static Map<String, Path> niftiFolder(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException("no such folder: " + dir + "; expected a folder of NIfTI label maps");
        Map<String, Path> out = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files.sorted()::iterator) {
                String id = caseId(f);
                if (id == null || !Files.isRegularFile(f)) continue;
                Path old = out.put(id, f);
                if (old != null) {
                    throw new IllegalArgumentException("two files for case '" + id + "' in " + dir + ": "
                            + old.getFileName() + " and " + f.getFileName() + "; keep one");
                }
            }
        }
        return out;
    }

    /** A 3D label map (rank 3, or rank 4 with one volume) with the file's voxel spacing. */
    public static LabelMap read(Path file) throws IOException {
        try (NiftiImage img = NiftiReader.read(file)) {
            int[] shape = img.shape();
            if (shape.length == 4 && shape[3] == 1) shape = Arrays.copyOf(shape, 3);
            if (shape.length != 3) {
                throw new IllegalArgumentException(file + ": label map of shape " + Arrays.toString(img.shape())
                        + "; expected a 3D volume [X, Y, Z]");
            }
            double[] values = img.data().toDoubleArray();
            int[] labels = new int[values.length];
            for (int i = 0; i < values.length; i++) {
                double v = values[i];
                long r = Math.round(v);
                if (Double.isNaN(v) || Math.abs(v - r) > 1e-3) {
                    throw new IllegalArgumentException(file + ": voxel " + i + " holds " + v + "; expected integer labels");
                }
                labels[i] = (int) r;
            }
            double[] z = img.zooms();
            return new LabelMap(labels, shape, new double[] {z[0], z[1], z[2]});
        }
    }
}
