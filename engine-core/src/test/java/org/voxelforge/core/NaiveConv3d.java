package org.voxelforge.core;

/**
 * The slow, obviously right twin of the conv3d kernels: the textbook loops over plain double
 * arrays in row-major order, nothing shared with the engine's code but the definition.
 */
final class NaiveConv3d {
    private NaiveConv3d() {}

    /** y[n][co][z][y][x] = b[co] + sum over ci in co's group and the kernel of w * x (zero outside x). */
    static double[] forward(double[] x, int[] xd, double[] w, int[] wd, double[] bias, Conv3dParams p) {
        int n = xd[0], cin = xd[1], cout = wd[0], g = p.groups(), cg = cin / g, og = cout / g;
        int[] in = {xd[2], xd[3], xd[4]}, k = {wd[2], wd[3], wd[4]};
        int[] s = p.stride(), pad = p.padding(), dil = p.dilation();
        int[] o = new int[3];
        for (int a = 0; a < 3; a++) o[a] = (in[a] + 2 * pad[a] - dil[a] * (k[a] - 1) - 1) / s[a] + 1;
        double[] y = new double[n * cout * o[0] * o[1] * o[2]];
        for (int b = 0; b < n; b++)
            for (int co = 0; co < cout; co++)
                for (int oz = 0; oz < o[0]; oz++)
                    for (int oy = 0; oy < o[1]; oy++)
                        for (int ox = 0; ox < o[2]; ox++) {
                            double acc = bias == null ? 0 : bias[co];
                            for (int ci = 0; ci < cg; ci++)
                                for (int kz = 0; kz < k[0]; kz++)
                                    for (int ky = 0; ky < k[1]; ky++)
                                        for (int kx = 0; kx < k[2]; kx++) {
                                            int iz = oz * s[0] - pad[0] + kz * dil[0];
                                            int iy = oy * s[1] - pad[1] + ky * dil[1];
                                            int ix = ox * s[2] - pad[2] + kx * dil[2];
                                            if (iz < 0 || iy < 0 || ix < 0 || iz >= in[0] || iy >= in[1] || ix >= in[2]) continue;
                                            int c = co / og * cg + ci;
                                            acc += w[(((co * cg + ci) * k[0] + kz) * k[1] + ky) * k[2] + kx]
                                                    * x[(((b * cin + c) * in[0] + iz) * in[1] + iy) * in[2] + ix];
                                        }
                            y[(((b * cout + co) * o[0] + oz) * o[1] + oy) * o[2] + ox] = acc;
                        }
        return y;
    }

    /** Transposed convolution by scattering: each input voxel adds w times itself at i*s - p + k*d. */
    static double[] transposed(double[] x, int[] xd, double[] w, int[] wd, Conv3dParams p) {
        int n = xd[0], cin = xd[1], g = p.groups(), cig = cin / g, og = wd[1], cout = og * g;
        int[] in = {xd[2], xd[3], xd[4]}, k = {wd[2], wd[3], wd[4]};
        int[] s = p.stride(), pad = p.padding(), dil = p.dilation(), op = p.outputPadding();
        int[] o = new int[3];
        for (int a = 0; a < 3; a++) o[a] = (in[a] - 1) * s[a] - 2 * pad[a] + dil[a] * (k[a] - 1) + op[a] + 1;
        double[] y = new double[n * cout * o[0] * o[1] * o[2]];
        for (int b = 0; b < n; b++)
            for (int ci = 0; ci < cin; ci++)
                for (int iz = 0; iz < in[0]; iz++)
                    for (int iy = 0; iy < in[1]; iy++)
                        for (int ix = 0; ix < in[2]; ix++)
                            for (int col = 0; col < og; col++)
                                for (int kz = 0; kz < k[0]; kz++)
                                    for (int ky = 0; ky < k[1]; ky++)
                                        for (int kx = 0; kx < k[2]; kx++) {
                                            int z = iz * s[0] - pad[0] + kz * dil[0];
                                            int yy = iy * s[1] - pad[1] + ky * dil[1];
                                            int xx = ix * s[2] - pad[2] + kx * dil[2];
                                            if (z < 0 || yy < 0 || xx < 0 || z >= o[0] || yy >= o[1] || xx >= o[2]) continue;
                                            int co = ci / cig * og + col;
                                            y[(((b * cout + co) * o[0] + z) * o[1] + yy) * o[2] + xx] +=
                                                    w[(((ci * og + col) * k[0] + kz) * k[1] + ky) * k[2] + kx]
                                                    * x[(((b * cin + ci) * in[0] + iz) * in[1] + iy) * in[2] + ix];
                                        }
        return y;
    }
}
