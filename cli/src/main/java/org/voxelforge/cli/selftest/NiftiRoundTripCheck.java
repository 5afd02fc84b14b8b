package org.voxelforge.cli.selftest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;
import org.voxelforge.data.nifti.NiftiDataType;
import org.voxelforge.data.nifti.NiftiHeader;
import org.voxelforge.data.nifti.NiftiImage;
import org.voxelforge.data.nifti.NiftiReader;
import org.voxelforge.data.nifti.NiftiWriter;

/**
 * Writes a small float32 image (.nii) and an int16 label map (.nii.gz) to a temporary folder,
 * reads them back and requires the same voxels bit for bit and the same affine. Exercises file
 * I/O, gzip and the temporary-name-then-rename writes on this machine's file system.
 */
final class NiftiRoundTripCheck {
    private NiftiRoundTripCheck() {}

    static final String NAME = "nifti write/read round trip";

    static SelfTestCheck of(long seed) { return SelfTestCheck.of(NAME, () -> run(seed)); }

    private static SelfTestResult run(long seed) throws IOException {
        Path dir = Files.createTempDirectory("voxelforge-selftest-");
        try (TensorScope scope = new TensorScope()) {
            int[] shape = {7, 6, 5};
            // spacing and origin exact in float32, since the sform is stored as float32
            double[][] affine = {{0.75, 0, 0, -10.5}, {0, 1.25, 0, 3.25}, {0, 0, 2.0, 7.0}, {0, 0, 0, 1}};
            RandomGenerator rng = new RandomGenerator(seed);
            Tensor image = rng.normal(100, 30, shape);
            int[] lab = new int[shape[0] * shape[1] * shape[2]];
            for (int i = 0; i < lab.length; i++) lab[i] = rng.nextInt(3);
            Tensor labels = Tensor.ofInts(lab, shape);

            String imageProblem = roundTrip(dir.resolve("image.nii"), image, affine, NiftiDataType.FLOAT32);
            if (imageProblem != null) return SelfTestResult.fail(NAME, imageProblem);
            String labelProblem = roundTrip(dir.resolve("labels.nii.gz"), labels, affine, NiftiDataType.INT16);
            if (labelProblem != null) return SelfTestResult.fail(NAME, labelProblem);
            return SelfTestResult.pass(NAME, "7x6x5 float32 .nii and int16 .nii.gz in " + dir.getParent());
        } finally {
            deleteTree(dir);
        }
    }

    /** Null when the file reads back as written, else what differs. */
    private static String roundTrip(Path file, Tensor data, double[][] affine, NiftiDataType type) throws IOException {
        NiftiWriter.Result w = NiftiWriter.write(file, data, NiftiHeader.of(data.dims(), type, affine), type);
        if (!w.exact()) return file.getFileName() + ": the writer changed values (" + w + ")";
        try (NiftiImage img = NiftiReader.read(file)) {
            if (!java.util.Arrays.equals(img.shape(), data.dims())) {
                return file.getFileName() + ": shape " + java.util.Arrays.toString(img.shape()) + " read back, " + java.util.Arrays.toString(data.dims()) + " written";
            }
            double[] want = data.toDoubleArray(), got = img.data().toDoubleArray();
            for (int i = 0; i < want.length; i++) {
                if (Double.doubleToRawLongBits(want[i]) != Double.doubleToRawLongBits(got[i])) {
                    return file.getFileName() + ": voxel " + i + " reads back as " + got[i] + ", written " + want[i];
                }
            }
            double[][] a = img.affine();
            for (int r = 0; r < 4; r++) for (int c = 0; c < 4; c++) {
                if (Math.abs(a[r][c] - affine[r][c]) > 1e-6) {
                    return file.getFileName() + ": affine[" + r + "][" + c + "] reads back as " + a[r][c] + ", written " + affine[r][c];
                }
            }
        }
        return null;
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("[selftest] could not remove " + dir + ": " + e.getMessage());
        }
    }
}
