package org.voxelforge.nn.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.voxelforge.autograd.Variable;
import org.voxelforge.core.TensorScope;

/**
 * Parity with PyTorch CPU (Debian's python3-torch under /usr/bin/python3, installed by
 * .ci/install-torch.sh) in float64: loss and gradient w.r.t. the logits for cross-entropy
 * (F.cross_entropy with class weights, the mask as ignore_index), MIST's and nnU-Net's Dice + CE
 * written as in those projects, focal loss, and MIST's deep supervision (F.interpolate
 * trilinear). One Python process runs every case. Skipped with the reason printed when torch
 * is missing, unless CI=true, where that fails.
 */
class TorchLossParityTest {
    static final String PYTHON = "/usr/bin/python3";
    static final LossFixture F = new LossFixture(61, 2, 3, 2, 3, 4);
    static final LossFixture H0 = new LossFixture(62, 2, 3, 2, 4, 4);
    static final LossFixture H1 = new LossFixture(63, 2, 3, 1, 2, 2);
    static final double[] WEIGHTS = {0.2, 1.0, 3.5};
    static final double[] ALPHA = {0.25, 0.75, 0.5};
    static final Map<String, double[]> TORCH = new HashMap<>();
    static String skipReason;

    static final String SCRIPT = """
            import sys, torch, torch.nn.functional as F
            torch.set_default_dtype(torch.float64)
            def t(vals, dims, dtype=torch.float64): return torch.tensor(vals, dtype=dtype).reshape(dims)
            X = t(%s, %s); Y = t(%s, %s, torch.long); M = t(%s, %s)
            X0 = t(%s, %s); Y0 = t(%s, %s, torch.long); M0 = t(%s, %s)
            X1 = t(%s, %s)
            W = torch.tensor(%s); A = torch.tensor(%s)
            def ce(x, y, m, w=None):
                return F.cross_entropy(x, torch.where(m > 0, y, torch.full_like(y, -100)), weight=w, ignore_index=-100)
            def onehot(y, c): return F.one_hot(y, c).movedim(-1, 1).to(torch.float64)
            def mist_dice(x, y, m):  # MIST: ||t - p||^2 / (||t||^2 + ||p||^2 + 1e-6) per sample and class
                mm = m.unsqueeze(1); p = F.softmax(x, 1) * mm; tt = onehot(y, x.shape[1]) * mm
                ax = tuple(range(2, x.dim()))
                return ((tt - p).square().sum(ax) / (tt.square().sum(ax) + p.square().sum(ax) + 1e-6)).mean()
            def nnunet_dice(x, y, m):  # nnU-Net SoftDiceLoss(batch_dice, do_bg=False, smooth=1e-5), as 1 - dc
                mm = m.unsqueeze(1); p = F.softmax(x, 1); tt = onehot(y, x.shape[1])
                ax = (0,) + tuple(range(2, x.dim()))
                tp = (p * tt * mm).sum(ax); fp = (p * (1 - tt) * mm).sum(ax); fn = ((1 - p) * tt * mm).sum(ax)
                return 1 - ((2 * tp + 1e-5) / torch.clip(2 * tp + fp + fn + 1e-5, 1e-8))[1:].mean()
            def focal(x, y, m, gamma, alpha):
                logpt = F.log_softmax(x, 1).gather(1, y.unsqueeze(1)).squeeze(1)
                return (-alpha[y] * (1 - logpt.exp()) ** gamma * logpt * m).sum() / m.sum()
            def dice_ce_mist(x, y, m): return 0.5 * (mist_dice(x, y, m) + ce(x, y, m))
            cases = {
                "ce_plain": lambda x: ce(x, Y, torch.ones_like(M)),
                "ce_weighted_masked": lambda x: ce(x, Y, M, W),
                "dice_ce_mist_masked": lambda x: dice_ce_mist(x, Y, M),
                "dice_ce_nnunet_masked": lambda x: nnunet_dice(x, Y, M) + ce(x, Y, M),
                "focal_masked": lambda x: focal(x, Y, M, 2.0, A),
            }
            def emit(name, loss, *leaves):
                vals = [loss.item()] + [v for leaf in leaves for v in leaf.grad.flatten().tolist()]
                print(name, " ".join(repr(v) for v in vals))
            for name, fn in cases.items():
                x = X.clone().requires_grad_(); l = fn(x); l.backward(); emit(name, l, x)
            h0 = X0.clone().requires_grad_(); h1 = X1.clone().requires_grad_()
            up = F.interpolate(h1, size=tuple(X0.shape[2:]), mode="trilinear", align_corners=False)
            l = (dice_ce_mist(h0, Y0, M0) + 0.5 * dice_ce_mist(up, Y0, M0)) / 1.5
            l.backward(); emit("ds_mist_masked", l, h0, h1)
            """;

    @BeforeAll static void runTorch() throws Exception {
        try {
            Process pr = new ProcessBuilder(PYTHON, "-c",
                    "import importlib.util, sys; sys.exit(0 if importlib.util.find_spec('torch') else 'no module named torch')")
                    .redirectErrorStream(true).start();
            String out = new String(pr.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!pr.waitFor(60, TimeUnit.SECONDS) || pr.exitValue() != 0) skipReason = PYTHON + " cannot import torch: " + out.strip();
        } catch (IOException e) {
            skipReason = PYTHON + " is not runnable: " + e.getMessage();
        }
        if (skipReason != null) {
            String msg = "TorchLossParityTest skipped: " + skipReason + " (run .ci/install-torch.sh)";
            if ("true".equals(System.getenv("CI"))) fail(msg + "; CI=true requires torch");
            System.out.println(msg);
            return;
        }
        String script = String.format(Locale.ROOT, SCRIPT,
                py(F.logits), py(F.logitDims()), py(F.labels), py(F.voxelDims()), py(F.mask), py(F.voxelDims()),
                py(H0.logits), py(H0.logitDims()), py(H0.labels), py(H0.voxelDims()), py(H0.mask), py(H0.voxelDims()),
                py(H1.logits), py(H1.logitDims()), py(WEIGHTS), py(ALPHA));
        Path file = Files.createTempFile("voxelforge-loss-parity", ".py");
        try {
            Files.writeString(file, script);
            Process pr = new ProcessBuilder(PYTHON, file.toString()).redirectErrorStream(true).start();
            String out = new String(pr.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!pr.waitFor(120, TimeUnit.SECONDS) || pr.exitValue() != 0) fail("torch script failed:\n" + out);
            for (String line : out.strip().split("\n")) {
                String[] parts = line.strip().split(" ");
                TORCH.put(parts[0], Arrays.stream(parts, 1, parts.length).mapToDouble(Double::parseDouble).toArray());
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    static String py(double[] xs) {
        StringBuilder sb = new StringBuilder("[");
        for (double x : xs) sb.append(String.format(Locale.ROOT, "%.17g", x)).append(',');
        return sb.append(']').toString();
    }

    static String py(long[] xs) { return Arrays.toString(xs); }

    static String py(int[] xs) { return Arrays.toString(xs); }

    /** Our loss and its gradient, laid out like the script's line: loss, then the gradient. */
    private static void assertParity(String name, LossFixture f, Function<Variable, Variable> loss) {
        Assumptions.assumeTrue(skipReason == null, () -> "skipped: " + skipReason);
        double[] torch = TORCH.get(name);
        assertNotNull(torch, name + " missing from the torch output");
        try (TensorScope scope = new TensorScope()) {
            Variable x = Variable.param(f.logitsTensor());
            Variable l = loss.apply(x);
            l.backward();
            assertEquals(torch[0], l.value().item(), 1e-12 * Math.max(1, Math.abs(torch[0])), name + " loss");
            double[] g = x.grad().toDoubleArray();
            for (int i = 0; i < g.length; i++) assertEquals(torch[1 + i], g[i], 1e-12, name + " gradient at " + i);
            x.close();
        }
    }

    @Test void crossEntropy() {
        assertParity("ce_plain", F, x -> new CrossEntropyLoss().compute(x, F.labelsTensor(), null));
        assertParity("ce_weighted_masked", F, x -> new CrossEntropyLoss(WEIGHTS).compute(x, F.labelsTensor(), F.maskTensor()));
    }

    @Test void diceCe() {
        assertParity("dice_ce_mist_masked", F, x -> DiceCeLoss.mist().compute(x, F.labelsTensor(), F.maskTensor()));
        assertParity("dice_ce_nnunet_masked", F, x -> DiceCeLoss.nnUNet().compute(x, F.labelsTensor(), F.maskTensor()));
    }

    @Test void focal() {
        assertParity("focal_masked", F, x -> new FocalLoss(2.0, ALPHA).compute(x, F.labelsTensor(), F.maskTensor()));
    }

    @Test void mistDeepSupervision() {
        Assumptions.assumeTrue(skipReason == null, () -> "skipped: " + skipReason);
        double[] torch = TORCH.get("ds_mist_masked");
        try (TensorScope scope = new TensorScope()) {
            Variable h0 = Variable.param(H0.logitsTensor()), h1 = Variable.param(H1.logitsTensor());
            Variable l = DeepSupervisionLoss.mist(DiceCeLoss.mist(), 2).compute(List.of(h0, h1), H0.labelsTensor(), H0.maskTensor());
            l.backward();
            assertEquals(torch[0], l.value().item(), 1e-12, "ds_mist loss");
            double[] g0 = h0.grad().toDoubleArray(), g1 = h1.grad().toDoubleArray();
            for (int i = 0; i < g0.length; i++) assertEquals(torch[1 + i], g0[i], 1e-12, "ds_mist gradient of head 0 at " + i);
            for (int i = 0; i < g1.length; i++) assertEquals(torch[1 + g0.length + i], g1[i], 1e-12, "ds_mist gradient of head 1 at " + i);
            h0.close();
            h1.close();
        }
    }
}
