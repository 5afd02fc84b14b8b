package org.voxelforge.nn.optim;

import static org.junit.jupiter.api.Assertions.*;
import static org.voxelforge.nn.optim.OptimTestSupport.*;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.voxelforge.autograd.Variable;
import org.voxelforge.core.DType;

/**
 * Each optimizer over several steps against a scalar re-statement of its update rule, in
 * float64 so that the two agree to rounding.
 */
class OptimizerReferenceTest {
    static final double[] P0 = {0.5, -1.25, 2.0, 0.0, -0.3};
    static final int STEPS = 12;
    static final double TOL = 1e-12;

    // ---- SGD ---------------------------------------------------------------------------------

    /** torch.optim.SGD's rule, one scalar. */
    static double[] sgdReference(double lr, double mu, double tau, double wd, boolean nesterov, double l1, double l2) {
        double[] p = P0.clone(), buf = new double[P0.length];
        for (int t = 0; t < STEPS; t++) {
            for (int i = 0; i < p.length; i++) {
                double d = fixedGrad(i, t) + wd * p[i] + l2 * p[i] + l1 * Math.signum(p[i]);
                if (mu != 0) {
                    buf[i] = t == 0 ? d : mu * buf[i] + (1 - tau) * d;
                    d = nesterov ? d + mu * buf[i] : buf[i];
                }
                p[i] -= lr * d;
            }
        }
        return p;
    }

    static double[] run(java.util.function.Function<List<Variable>, Optimizer> make) {
        Variable p = param("p", DType.FLOAT64, P0);
        try (Optimizer opt = make.apply(List.of(p))) {
            for (int t = 0; t < STEPS; t++) {
                setGrad(p, fixedGrads(P0.length, t));
                opt.step();
            }
            return values(p);
        } finally {
            close(p);
        }
    }

    @Test void sgdPlain() {
        assertArrayEquals(sgdReference(0.1, 0, 0, 0, false, 0, 0), run(ps -> new SGD(ps, 0.1)), TOL);
    }

    @Test void sgdMomentumWithDampeningAndWeightDecay() {
        double[] got = run(ps -> new SGD(ParamGroup.of(ps).set("lr", 0.05).set("momentum", 0.9).set("dampening", 0.3).set("weight_decay", 0.01)));
        assertArrayEquals(sgdReference(0.05, 0.9, 0.3, 0.01, false, 0, 0), got, TOL);
    }

    @Test void sgdNesterovWithWeightDecay() {
        double[] got = run(ps -> new SGD(ps, 0.05, 0.9, true, 1e-2));
        assertArrayEquals(sgdReference(0.05, 0.9, 0, 1e-2, true, 0, 0), got, TOL);
        // and Nesterov really differs from heavy ball
        assertNotEquals(sgdReference(0.05, 0.9, 0, 1e-2, false, 0, 0)[0], got[0], 1e-6);
    }

    @Test void l1AndL2PenaltiesAddToTheGradient() {
        double[] got = run(ps -> new SGD(ParamGroup.of(ps).set("lr", 0.05).set("momentum", 0.5).set("l1", 0.02).set("l2", 0.1)));
        assertArrayEquals(sgdReference(0.05, 0.5, 0, 0, false, 0.02, 0.1), got, TOL);
    }

    @Test void nesterovNeedsMomentumAndNoDampening() {
        Variable p = param("p", DType.FLOAT64, P0);
        var e = assertThrows(IllegalArgumentException.class,
                () -> new SGD(ParamGroup.of(p).set("lr", 0.1).set("nesterov", true)));
        assertTrue(e.getMessage().contains("Nesterov"), e.getMessage());
        var u = assertThrows(IllegalArgumentException.class, () -> new SGD(ParamGroup.of(p).set("lr", 0.1).set("betas", 0.9)));
        assertTrue(u.getMessage().contains("'betas'") && u.getMessage().contains("momentum"), u.getMessage());
        close(p);
    }

    // ---- Adam / AdamW ------------------------------------------------------------------------

    static double[] adamReference(double lr, double b1, double b2, double eps, double wd, boolean decoupled, boolean amsgrad) {
        double[] p = P0.clone(), m = new double[P0.length], v = new double[P0.length], vmax = new double[P0.length];
        for (int t = 1; t <= STEPS; t++) {
            for (int i = 0; i < p.length; i++) {
                double g = fixedGrad(i, t - 1);
                if (decoupled) p[i] *= 1 - lr * wd;
                else g += wd * p[i];
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                vmax[i] = Math.max(vmax[i], v[i]);
                double vh = (amsgrad ? vmax[i] : v[i]) / (1 - Math.pow(b2, t));
                double mh = m[i] / (1 - Math.pow(b1, t));
                p[i] -= lr * mh / (Math.sqrt(vh) + eps);
            }
        }
        return p;
    }

    @Test void adamWithCoupledWeightDecay() {
        double[] got = run(ps -> new Adam(ParamGroup.of(ps).set("lr", 0.01).set("weight_decay", 0.1)));
        assertArrayEquals(adamReference(0.01, 0.9, 0.999, 1e-8, 0.1, false, false), got, TOL);
    }

    @Test void adamAmsgrad() {
        double[] got = run(ps -> new Adam(ParamGroup.of(ps).set("lr", 0.02).set("beta1", 0.8).set("beta2", 0.9).set("amsgrad", true)));
        assertArrayEquals(adamReference(0.02, 0.8, 0.9, 1e-8, 0, false, true), got, TOL);
        assertNotEquals(adamReference(0.02, 0.8, 0.9, 1e-8, 0, false, false)[1], got[1], 1e-9);
    }

    @Test void adamwDecouplesWeightDecay() {
        double[] got = run(ps -> new AdamW(ps, 0.01, 0.1));
        assertArrayEquals(adamReference(0.01, 0.9, 0.999, 1e-8, 0.1, true, false), got, TOL);
        assertNotEquals(adamReference(0.01, 0.9, 0.999, 1e-8, 0.1, false, false)[2], got[2], 1e-9);
    }

    // ---- RAdam -------------------------------------------------------------------------------

    static double[] radamReference(double lr, double b1, double b2, double eps, double wd, int steps) {
        double[] p = P0.clone(), m = new double[P0.length], v = new double[P0.length];
        double rhoInf = 2 / (1 - b2) - 1;
        for (int t = 1; t <= steps; t++) {
            double rhoT = rhoInf - 2 * t * Math.pow(b2, t) / (1 - Math.pow(b2, t));
            for (int i = 0; i < p.length; i++) {
                double g = fixedGrad(i, t - 1) + wd * p[i];
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                double mh = m[i] / (1 - Math.pow(b1, t));
                if (rhoT > 5) {
                    double r = Math.sqrt((rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT));
                    double adaptive = Math.sqrt(1 - Math.pow(b2, t)) / (Math.sqrt(v[i]) + eps);
                    p[i] -= lr * mh * r * adaptive;
                } else {
                    p[i] -= lr * mh;
                }
            }
        }
        return p;
    }

    @Test void radamCrossesTheRectificationThreshold() {
        // with beta2 = 0.999, rho_t first exceeds 5 at step 6: both branches run within 12 steps
        assertTrue(Double.isNaN(RAdam.rectification(0.999, 5)));
        assertFalse(Double.isNaN(RAdam.rectification(0.999, 6)));
        double[] got = run(ps -> new RAdam(ParamGroup.of(ps).set("lr", 0.01).set("weight_decay", 0.05)));
        assertArrayEquals(radamReference(0.01, 0.9, 0.999, 1e-8, 0.05, STEPS), got, TOL);
    }

    // ---- Lookahead / Ranger ------------------------------------------------------------------

    @Test void lookaheadAroundSgdSyncsEveryKSteps() {
        int k = 3;
        double alpha = 0.5, lr = 0.1;
        double[] fast = P0.clone(), slow = P0.clone();
        for (int t = 0; t < STEPS; t++) {
            for (int i = 0; i < fast.length; i++) fast[i] -= lr * fixedGrad(i, t);
            if ((t + 1) % k == 0) {
                for (int i = 0; i < fast.length; i++) {
                    slow[i] += alpha * (fast[i] - slow[i]);
                    fast[i] = slow[i];
                }
            }
        }
        assertArrayEquals(fast, run(ps -> new Lookahead(new SGD(ps, lr), k, alpha)), TOL);
    }

    @Test void rangerIsRadamWithLookahead() {
        int steps = STEPS; // 12 = two Lookahead syncs at k = 6
        double lr = 0.01, b1 = 0.95, b2 = 0.999, eps = 1e-5, alpha = 0.5;
        // RAdam over the fast weights, with the slow weights pulled in at steps 6 and 12
        double[] p = P0.clone(), m = new double[P0.length], v = new double[P0.length], slow = P0.clone();
        double rhoInf = 2 / (1 - b2) - 1;
        for (int t = 1; t <= steps; t++) {
            double rhoT = rhoInf - 2 * t * Math.pow(b2, t) / (1 - Math.pow(b2, t));
            for (int i = 0; i < p.length; i++) {
                double g = fixedGrad(i, t - 1);
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                double mh = m[i] / (1 - Math.pow(b1, t));
                if (rhoT > 5) {
                    double r = Math.sqrt((rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT));
                    p[i] -= lr * mh * r * Math.sqrt(1 - Math.pow(b2, t)) / (Math.sqrt(v[i]) + eps);
                } else {
                    p[i] -= lr * mh;
                }
                if (t % Ranger.DEFAULT_K == 0) {
                    slow[i] += alpha * (p[i] - slow[i]);
                    p[i] = slow[i];
                }
            }
        }
        assertArrayEquals(p, run(ps -> new Ranger(ps, lr)), TOL);
    }

    // ---- skipping ----------------------------------------------------------------------------

    @Test void frozenParametersAndMissingGradientsAreSkipped() {
        Variable a = param("a", DType.FLOAT64, 1, 2), b = param("b", DType.FLOAT64, 3, 4), c = param("c", DType.FLOAT64, 5, 6);
        try (Adam opt = new Adam(List.of(a, b, c), 0.1)) {
            setGrad(a, 1, 1);
            setGrad(b, 1, 1);
            b.requiresGrad(false); // frozen after its gradient was computed: still not updated
            opt.step();
            assertNotEquals(1.0, values(a)[0]);
            assertArrayEquals(new double[] {3, 4}, values(b));
            assertArrayEquals(new double[] {5, 6}, values(c));
            assertNull(opt.state(b));
            assertNull(opt.state(c));
            assertEquals(1, opt.state(a).step());
        } finally {
            close(a, b, c);
        }
    }

    @Test void updateBumpsTheValueVersion() {
        Variable a = param("a", DType.FLOAT64, 1, 2);
        try (SGD opt = new SGD(List.of(a), 0.1)) {
            setGrad(a, 1, 1);
            int before = a.value().version();
            opt.step();
            assertTrue(a.value().version() > before);
        } finally {
            close(a);
        }
    }

    @Test void groupsKeepTheirOwnOptions() {
        Variable a = param("a", DType.FLOAT64, 1), b = param("b", DType.FLOAT64, 1);
        try (SGD opt = new SGD(ParamGroup.of(a).set("lr", 0.1), ParamGroup.of(b).set("lr", 0.01))) {
            setGrad(a, 1);
            setGrad(b, 1);
            opt.step();
            assertEquals(0.9, values(a)[0], TOL);
            assertEquals(0.99, values(b)[0], TOL);
            new ConstantLr(0.5).applyTo(opt, 0);
            assertEquals(0.5, opt.paramGroups().get(1).lr());
        } finally {
            close(a, b);
        }
    }
}
