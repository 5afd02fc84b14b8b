package org.voxelforge.core.cpu;

/**
 * Picks the {@link VectorKernels} implementation once: the Panama one when the
 * {@code jdk.incubator.vector} module is present and {@code -Dvoxelforge.vector=false} is not
 * set, else the scalar one, with one INFO line telling the user how to get the fast path.
 */
final class VectorKernelsProvider {
    private VectorKernelsProvider() {}

    static final String PANAMA_CLASS = "org.voxelforge.core.cpu.PanamaVectorKernels";

    static final VectorKernels INSTANCE = choose();

    private static VectorKernels choose() {
        System.Logger log = System.getLogger("org.voxelforge.core.cpu");
        if (!Boolean.parseBoolean(System.getProperty("voxelforge.vector", "true"))) {
            log.log(System.Logger.Level.INFO, "VoxelForge CPU kernels: scalar path (voxelforge.vector=false)");
            return new ScalarVectorKernels();
        }
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            log.log(System.Logger.Level.INFO, "VoxelForge CPU kernels: Vector API module not found, using the scalar "
                    + "path; pass `--add-modules jdk.incubator.vector` to java to enable the fast path");
            return new ScalarVectorKernels();
        }
        try {
            // Loaded reflectively so that this class links without the incubator module.
            return (VectorKernels) Class.forName(PANAMA_CLASS).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            log.log(System.Logger.Level.INFO, "VoxelForge CPU kernels: Vector API unavailable (" + e
                    + "), using the scalar path");
            return new ScalarVectorKernels();
        }
    }
}
