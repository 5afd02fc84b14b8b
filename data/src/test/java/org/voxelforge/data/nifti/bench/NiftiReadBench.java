package org.voxelforge.data.nifti.bench;

import java.nio.file.Path;
import org.voxelforge.core.NativeMemory;
import org.voxelforge.data.nifti.NiftiImage;
import org.voxelforge.data.nifti.NiftiReader;

/**
 * Times NiftiReader.read on the files given (best of N after one warm-up), for comparison with
 * nibabel's {@code nib.load(f).get_fdata()} in the same session. Not a test: run by hand, e.g.
 * <pre>
 * java --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -cp CLASSPATH \
 *     org.voxelforge.data.nifti.bench.NiftiReadBench 5 /usr/share/mricron/templates/ch2better.nii.gz
 * </pre>
 */
public final class NiftiReadBench {
    public static void main(String[] args) throws Exception {
        int reps = Integer.parseInt(args[0]);
        for (int a = 1; a < args.length; a++) {
            Path f = Path.of(args[a]);
            try (NiftiImage img = NiftiReader.read(f)) { // warm-up, and the shape for the report
                System.out.printf("%s %s %s%n", f.getFileName(), img.data().describe(), img.header().byteOrder());
            }
            double best = Double.MAX_VALUE;
            for (int r = 0; r < reps; r++) {
                long t0 = System.nanoTime();
                try (NiftiImage img = NiftiReader.read(f)) {
                    best = Math.min(best, (System.nanoTime() - t0) / 1e6);
                }
            }
            System.out.printf("  VoxelForge read: best %.1f ms of %d (peak tensor memory %d MB)%n", best, reps,
                    NativeMemory.peakBytes() >> 20);
        }
    }
}
