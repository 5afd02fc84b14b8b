package org.voxelforge.cli.selftest;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.voxelforge.core.Backend;
import org.voxelforge.core.Backends;
import org.voxelforge.core.Device;
import org.voxelforge.core.MaxPool3dResult;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;
import org.voxelforge.core.cuda.EmulatedKernels;

/**
 * {@link ChannelsLastPoolCheck}'s comparison passes on the emulator against the CPU and fails
 * against a reference that is wrong in one op (its result scaled by 1 + 1e-4, or max pool's indices
 * shifted), and fails when the device results come back NCDHW (the same ops on CPU tensors).
 */
class ChannelsLastPoolCheckTest {
    private static final int[] DIMS = {1, 3, 4, 5, 6};

    private static void requireEmulator() {
        Assumptions.assumeTrue(EmulatedKernels.availability().available(),
                () -> "kernel emulator unavailable: " + EmulatedKernels.availability().reason());
    }

    /** The CPU backend with {@code op}'s result made slightly wrong. */
    private static Backend wrongIn(String op) {
        Backend cpu = Backends.cpu();
        InvocationHandler h = (proxy, m, args) -> {
            Object r;
            try {
                r = m.invoke(cpu, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            if (!m.getName().equals(op)) return r;
            if (r instanceof MaxPool3dResult mp) return new MaxPool3dResult(mp.values(), mp.indices().add(1.0).cast(mp.indices().dtype()));
            return ((Tensor) r).mul(1 + 1e-4);
        };
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class}, h);
    }

    private static double ratio(Backend reference, Device device) {
        WorstError w = new WorstError();
        try (TensorScope s = new TensorScope()) {
            ChannelsLastPoolCheck.compareAll(reference, device, DIMS, w);
        }
        return w.ratio();
    }

    @Test void passesOnTheEmulatorAgainstTheCpu() {
        requireEmulator();
        double r = ratio(Backends.cpu(), Device.EMULATOR);
        assertTrue(r <= 1, "worst error / tolerance " + r);
    }

    @Test void failsAgainstAWrongReference() {
        requireEmulator();
        for (String op : List.of("maxPool3d", "maxPool3dBackward", "avgPool3d", "avgPool3dBackward", "adaptiveAvgPool3d",
                "adaptiveAvgPool3dBackward", "upsample3d", "upsample3dBackward")) {
            double r = ratio(wrongIn(op), Device.EMULATOR);
            assertTrue(r > 1, "a reference wrong in " + op + " passed: " + r);
        }
    }

    @Test void failsWhenTheResultsAreNotChannelsLast() {
        // on CPU tensors every op returns NCDHW: right values, wrong layout
        WorstError w = new WorstError();
        try (TensorScope s = new TensorScope()) {
            ChannelsLastPoolCheck.compareAll(Backends.cpu(), Device.CPU, DIMS, w);
        }
        assertEquals(Double.POSITIVE_INFINITY, w.ratio());
    }
}
