package org.voxelforge.nn.optim;

import static org.junit.jupiter.api.Assertions.*;
import static org.voxelforge.nn.optim.OptimTestSupport.*;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.voxelforge.autograd.Variable;
import org.voxelforge.core.DType;

class GradClippingTest {
    @Test void clipsToMaxNormAndReturnsTheNorm() {
        Variable a = param("a", DType.FLOAT64, 0, 0), b = param("b", DType.FLOAT64, 0), c = param("c", DType.FLOAT64, 0);
        try {
            setGrad(a, 3, 4);
            setGrad(b, 12); // global norm sqrt(9 + 16 + 144) = 13; c has no gradient
            double norm = GradClipping.clipGradNorm(List.of(a, b, c), 1.0);
            assertEquals(13, norm, 1e-12);
            double f = 1.0 / (13 + 1e-6);
            assertArrayEquals(new double[] {3 * f, 4 * f}, a.grad().toDoubleArray(), 1e-15);
            assertArrayEquals(new double[] {12 * f}, b.grad().toDoubleArray(), 1e-15);
            assertNull(c.grad());
            assertEquals(1.0, GradClipping.globalNorm(List.of(a, b, c), 2), 1e-6);
        } finally {
            close(a, b, c);
        }
    }

    @Test void leavesSmallGradientsAloneAndSupportsOtherNorms() {
        Variable a = param("a", DType.FLOAT64, 0, 0, 0);
        try {
            setGrad(a, 1, -2, 2);
            assertEquals(3, GradClipping.clipGradNorm(List.of(a), 5.0), 1e-15);
            assertArrayEquals(new double[] {1, -2, 2}, a.grad().toDoubleArray());
            Map<String, Variable> named = Map.of("a", a);
            assertEquals(2, GradClipping.clipGradNorm(named, 1.0, Double.POSITIVE_INFINITY, true), 0);
            double f = 1.0 / (2 + 1e-6);
            assertArrayEquals(new double[] {f, -2 * f, 2 * f}, a.grad().toDoubleArray(), 1e-15);
            setGrad(a, 1, -2, 2);
            assertEquals(5, GradClipping.clipGradNorm(named, 10, 1, false), 1e-15);
        } finally {
            close(a);
        }
    }

    @Test void nonFiniteNormNamesTheParameters() {
        Variable a = param("enc.weight", DType.FLOAT32, 0, 0, 0), b = param("dec.bias", DType.FLOAT32, 0, 0), c = param("head", DType.FLOAT32, 0);
        try {
            setGrad(a, 1, Double.NaN, Double.POSITIVE_INFINITY);
            setGrad(b, 1, 2);
            setGrad(c, Double.NEGATIVE_INFINITY);
            Map<String, Variable> named = new LinkedHashMap<>();
            named.put("encoder.weight", a);
            named.put("decoder.bias", b);
            named.put("head.weight", c);
            var e = assertThrows(IllegalStateException.class, () -> GradClipping.clipGradNorm(named, 1.0, 2, true));
            String msg = e.getMessage();
            assertTrue(msg.contains("encoder.weight (1 NaN, 1 Inf of 3)") && msg.contains("head.weight (0 NaN, 1 Inf of 1)"), msg);
            assertFalse(msg.contains("decoder.bias"), msg);
            assertEquals(1.0, b.grad().toDoubleArray()[0]); // nothing was scaled
            assertEquals(List.of("encoder.weight", "head.weight"), NonFiniteGradients.find(named).stream().map(NonFiniteGradients.Report::name).toList());
            // the list form names parameters by their Variable names
            assertTrue(Double.isNaN(GradClipping.clipGradNorm(List.of(a, b), 1.0)));
            var f = assertThrows(IllegalStateException.class, () -> NonFiniteGradients.requireFinite(Double.NaN, NonFiniteGradients.named(List.of(a, b)), "at step 7"));
            assertTrue(f.getMessage().contains("enc.weight") && f.getMessage().contains("at step 7"), f.getMessage());
        } finally {
            close(a, b, c);
        }
    }
}
