package org.voxelforge.core.cuda;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.voxelforge.core.TensorScope;

/**
 * For tests of CudaBackend over the emulator ({@code @RegisterExtension final StrictEmulator
 * emulator = new StrictEmulator();}): each test is skipped, saying why, without the emulator
 * library, runs in its own TensorScope, and runs with host fallbacks refused
 * ({@code voxelforge.cuda.hostFallback=error}), so that the device kernels must really run.
 */
final class StrictEmulator implements BeforeEachCallback, AfterEachCallback {
    private static final String POLICY = "voxelforge.cuda.hostFallback";
    private TensorScope scope;
    private String oldPolicy;

    @Override public void beforeEach(ExtensionContext context) {
        EmulatorTests.emulator();
        scope = new TensorScope();
        oldPolicy = System.getProperty(POLICY);
        System.setProperty(POLICY, "error");
    }

    @Override public void afterEach(ExtensionContext context) {
        if (scope != null) scope.close();
        scope = null;
        if (oldPolicy == null) System.clearProperty(POLICY);
        else System.setProperty(POLICY, oldPolicy);
    }
}
