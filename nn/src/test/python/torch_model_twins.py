#!/usr/bin/python3
"""PyTorch twins of VoxelForge's segmentation models (nn.models), for parameter parity tests.

Run with Debian's /usr/bin/python3 (python3-torch; .ci/install-torch.sh installs it):
    /usr/bin/python3 torch_model_twins.py '<json spec>'
Prints one JSON object: {"count": sum(p.numel()), "shapes": {dotted name: [dims]}}.
The twins are written from the same papers / nnU-Net layouts as the Java models, with torch.nn
modules and the same member names, so named_parameters() lines up with Module.namedParameters().
"""
import json
import sys

import torch.nn as nn


def norm_layer(kind, c):
    if kind == "INSTANCE_AFFINE":
        return nn.InstanceNorm3d(c, eps=1e-5, affine=True)
    if kind == "INSTANCE":
        return nn.InstanceNorm3d(c, eps=1e-5, affine=False)
    if kind == "BATCH":
        return nn.BatchNorm3d(c)
    if kind == "GROUP":
        g = min(16, c)
        while c % g:
            g //= 2
        return nn.GroupNorm(g, c)
    raise ValueError(kind)


class ConvNormAct(nn.Module):  # nnU-Net's ConvDropoutNormReLU without dropout
    def __init__(self, cin, cout, k, stride, dilation, bias, norm, nonlin):
        super().__init__()
        k = k if isinstance(k, (list, tuple)) else [k] * 3
        self.conv = nn.Conv3d(cin, cout, k, stride, [dilation * (a - 1) // 2 for a in k], dilation, bias=bias)
        if norm is not None:
            self.norm = norm_layer(norm, cout)
        if nonlin is not None:
            self.nonlin = nonlin()


class StackedConvBlocks(nn.Module):
    def __init__(self, n, cin, cout, k, stride, nonlin):
        super().__init__()
        self.convs = nn.Sequential(*[ConvNormAct(cin if i == 0 else cout, cout, k, stride if i == 0 else 1, 1, True,
                                                 "INSTANCE_AFFINE", nonlin) for i in range(n)])


class BasicBlockD(nn.Module):
    def __init__(self, cin, cout, k, stride, nonlin):
        super().__init__()
        self.conv1 = ConvNormAct(cin, cout, k, stride, 1, True, "INSTANCE_AFFINE", nonlin)
        self.conv2 = ConvNormAct(cout, cout, k, 1, 1, True, "INSTANCE_AFFINE", None)
        self.nonlin2 = nonlin()
        strided = any(s != 1 for s in stride)
        if strided or cin != cout:
            ops = []
            if strided:
                ops.append(nn.AvgPool3d(stride, stride))
            if cin != cout:
                ops.append(ConvNormAct(cin, cout, 1, 1, 1, False, "INSTANCE_AFFINE", None))
            self.skip = nn.Sequential(*ops)


class StackedResidualBlocks(nn.Module):
    def __init__(self, blocks):
        super().__init__()
        self.blocks = nn.Sequential(*blocks)


def dynamic_unet(s):
    n = len(s["strides"])
    f = [s["base"] if s["pocket"] else min(s["base"] * 2 ** i, s["max"]) for i in range(n)]
    lrelu = lambda: nn.LeakyReLU(0.01)
    root = nn.Module()
    enc = nn.Module()
    cin = s["in"]
    if s["residual"]:
        enc.stem = StackedConvBlocks(1, cin, f[0], s["kernels"][0], 1, lrelu)
        cin = f[0]
    stages = []
    for i in range(n):
        if s["residual"]:
            stages.append(StackedResidualBlocks([BasicBlockD(cin if b == 0 else f[i], f[i], s["kernels"][i],
                                                             s["strides"][i] if b == 0 else [1, 1, 1], lrelu)
                                                 for b in range(s["blocks"][i])]))
        else:
            stages.append(nn.Sequential(StackedConvBlocks(s["convs"], cin, f[i], s["kernels"][i], s["strides"][i], lrelu)))
        cin = f[i]
    enc.stages = nn.Sequential(*stages)
    dec = nn.Module()
    st, tc, seg = [], [], []
    for d in range(n - 1):
        below, skip = f[n - 1 - d], f[n - 2 - d]
        stride = s["strides"][n - 1 - d]
        tc.append(nn.ConvTranspose3d(below, skip, stride, stride, bias=True))
        st.append(StackedConvBlocks(s["dec_convs"], 2 * skip, skip, s["kernels"][n - 2 - d], 1, lrelu))
        seg.append(nn.Conv3d(skip, s["classes"], 1, 1, 0, bias=True))
    dec.stages, dec.transpconvs, dec.seg_layers = nn.ModuleList(st), nn.ModuleList(tc), nn.ModuleList(seg)
    root.encoder, root.decoder = enc, dec
    return root


def unet3d(s):
    b, levels, norm = s["base"], s["levels"], s["norm"]
    def block(cin, mid, out):
        m = nn.Module()
        m.convs = nn.Sequential(ConvNormAct(cin, mid, 3, 1, 1, True, norm, nn.ReLU), ConvNormAct(mid, out, 3, 1, 1, True, norm, nn.ReLU))
        return m
    root = nn.Module()
    enc, out, cin = [], [], s["in"]
    for l in range(levels):
        mid = b << l
        out.append(2 * mid)
        enc.append(block(cin, mid, 2 * mid))
        cin = 2 * mid
    ups, decs = [], []
    for l in range(levels - 2, -1, -1):
        c = out[l + 1]
        ups.append(nn.ConvTranspose3d(c, c, 2, 2))
        decs.append(block(c + out[l], out[l], out[l]))
    root.encoders, root.upconvs, root.decoders = nn.Sequential(*enc), nn.Sequential(*ups), nn.Sequential(*decs)
    root.head = nn.Conv3d(2 * b, s["classes"], 1)
    return root


class CBAM(nn.Module):
    def __init__(self, c, r, k=7):
        super().__init__()
        self.channel_mlp = nn.Sequential(nn.Conv3d(c, c // r, 1, bias=False), nn.ReLU(), nn.Conv3d(c // r, c, 1, bias=False))
        self.spatial_conv = nn.Conv3d(2, 1, k, padding=k // 2, bias=False)


def brats(s):
    w, norm = s["width"], s["norm"]
    f = [w, 2 * w, 4 * w, 8 * w]
    cna = lambda cin, cout, d: ConvNormAct(cin, cout, 3, 1, d, False, norm, nn.ReLU)
    def ublock(cin, mid, out, d):
        return nn.Sequential(__import__("collections").OrderedDict(ConvBnRelu1=cna(cin, mid, d), ConvBnRelu2=cna(mid, out, d)))
    root = nn.Module()
    cin = s["in"]
    for i in range(4):
        setattr(root, "encoder%d" % (i + 1), ublock(cin, f[i] if s["equi"] else f[i] // 2, f[i], 1))
        if s["cbam"]:
            setattr(root, "cbam%d" % (i + 1), CBAM(f[i], 16))
        cin = f[i]
    root.bottom = ublock(f[3], f[3], f[3], 2)
    root.bottom_2 = cna(2 * f[3], f[2], 1)
    root.decoder3 = ublock(2 * f[2], f[2], f[1], 1)
    root.decoder2 = ublock(2 * f[1], f[1], f[0], 1)
    root.decoder1 = ublock(2 * f[0], f[0], f[0] // 2, 1)
    root.outconv = nn.Conv3d(f[0] // 2, s["classes"], 1)
    if s["deep"]:
        up = lambda k: nn.Upsample(scale_factor=k, mode="trilinear", align_corners=True)
        root.deep_bottom = nn.Sequential(nn.Conv3d(f[3], s["classes"], 1), up(8))
        root.deep_bottom2 = nn.Sequential(nn.Conv3d(f[2], s["classes"], 1), up(8))
        root.deep3 = nn.Sequential(nn.Conv3d(f[1], s["classes"], 1), up(4))
        root.deep2 = nn.Sequential(nn.Conv3d(f[0], s["classes"], 1), up(2))
    return root


class AttentionGate(nn.Module):
    def __init__(self, fg, fx, fint):
        super().__init__()
        self.W_x = nn.Conv3d(fx, fint, 1, bias=False)
        self.W_g = nn.Conv3d(fg, fint, 1, bias=True)
        self.psi = nn.Conv3d(fint, 1, 1, bias=True)


def attention(s):
    f, norm = s["features"], s["norm"]
    block = lambda cin, out: nn.Sequential(ConvNormAct(cin, out, 3, 1, 1, True, norm, nn.ReLU), ConvNormAct(out, out, 3, 1, 1, True, norm, nn.ReLU))
    root = nn.Module()
    enc, cin = [], s["in"]
    for c in f:
        enc.append(block(cin, c))
        cin = c
    ups, gates, decs = [], [], []
    for i in range(len(f) - 2, -1, -1):
        ups.append(nn.ConvTranspose3d(f[i + 1], f[i], 2, 2))
        gates.append(AttentionGate(f[i], f[i], max(1, f[i] // 2)))
        decs.append(block(2 * f[i], f[i]))
    root.encoders, root.upconvs, root.gates, root.decoders = nn.Sequential(*enc), nn.Sequential(*ups), nn.Sequential(*gates), nn.Sequential(*decs)
    root.head = nn.Conv3d(f[0], s["classes"], 1)
    return root


def main():
    # only names and shapes matter here: skip the (slow) random initialisation of ~100M parameters
    for name in ("kaiming_uniform_", "uniform_", "ones_", "zeros_"):
        setattr(nn.init, name, lambda t, *a, **k: t)
    specs = json.loads(sys.argv[1])
    builders = {"dynamic_unet": dynamic_unet, "unet3d": unet3d, "brats": brats, "attention": attention}
    out = {}
    for key, spec in specs.items():
        m = builders[spec["model"]](spec)
        out[key] = {"count": sum(p.numel() for p in m.parameters()),
                    "shapes": {n: list(p.shape) for n, p in m.named_parameters()}}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
