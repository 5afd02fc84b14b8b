package org.voxelforge.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.voxelforge.core.Backends;
import org.voxelforge.core.Tensor;

/**
 * CPU conv3d (float32, im2col + Sgemm) forward and backward on U-Net-like shapes. Peer:
 * bench/scripts/torch_conv3d.py (PyTorch CPU, same shapes, same thread count). Floor: the
 * FLOPs of {@link Conv3dShapes#flops()} over the machine's float32 FMA peak.
 * The 128^3 backward is left out: on a 2-core machine one call takes tens of seconds.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class Conv3dBenchmark {
    @Param({"C32_64", "C32_128", "C64_32", "C128_16", "C320_8"})
    public String shape;

    private Conv3dShapes s;
    private Tensor x, w, g;

    @Setup(Level.Trial)
    public void setup() {
        s = Conv3dShapes.valueOf(shape);
        x = s.input();
        w = s.weight();
        g = s.size <= 64 ? s.gradOutput() : null;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        x.close();
        w.close();
        if (g != null) g.close();
    }

    @Benchmark
    public void forward() {
        Backends.cpu().conv3d(x, w, null, Conv3dShapes.PARAMS).close();
    }

    /** Backward data plus backward weight, as one training step needs. */
    @Benchmark
    public void backward() {
        if (g == null) return; // not measured at 128^3, see the class comment
        Backends.cpu().conv3dBackwardData(g, w, x.shape(), Conv3dShapes.PARAMS).close();
        Backends.cpu().conv3dBackwardWeight(g, x, w.shape(), Conv3dShapes.PARAMS).close();
    }
}
