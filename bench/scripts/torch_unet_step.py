#!/usr/bin/python3
"""PyTorch CPU peer of TrainStepTiming: the same nnU-Net-style 3D U-Net (DynamicUNet's isotropic plan:
3x3x3 convs, 2 per stage, InstanceNorm(affine) + LeakyReLU(0.01), stride-2 first conv per stage,
transposed-conv upsampling, skip concatenation, a 1x1x1 head per decoder stage), the same input
(4 channels, 4 classes, batch x patch^3), MIST's Dice + CE (0.5 / 0.5) with nnU-Net's deep-supervision
weights on nearest-downsampled targets, and Adam (lr 1e-3); one training step at a time.

Run with Debian's Python (python3-torch): /usr/bin/python3 bench/scripts/torch_unet_step.py
    [base=8] [stages=4] [patch=32] [batch=2] [steps=60] [max=64]     (same arguments as TrainStepTiming)
    [device=cpu] [optimizer=adam] [compile=0] [channels_last=0]
On a GPU (device cuda; the peer of `voxelforge bench train-step --device cuda`, whose default
optimizer is sgd: SGD lr 1e-2, Nesterov momentum 0.99, weight decay 3e-5) each step ends with a
synchronisation, and the peak of torch.cuda.max_memory_allocated is printed; compile=1 wraps the
model in torch.compile; channels_last=1 converts the model and the input to torch.channels_last_3d
(the peer of `voxelforge bench train-step --channels-last`).
Prints each step's wall and process-CPU milliseconds, then the medians of the last 10 steps.
"""
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(2)
CHANNELS = CLASSES = 4


def block(cin, cout, stride):
    return nn.Sequential(nn.Conv3d(cin, cout, 3, stride, 1), nn.InstanceNorm3d(cout, eps=1e-5, affine=True),
                         nn.LeakyReLU(0.01))


class UNet(nn.Module):
    def __init__(self, base, stages, maxf):
        super().__init__()
        f = [min(base * 2 ** i, maxf) for i in range(stages)]
        self.enc = nn.ModuleList()
        cin = CHANNELS
        for i in range(stages):
            self.enc.append(nn.Sequential(block(cin, f[i], 1 if i == 0 else 2), block(f[i], f[i], 1)))
            cin = f[i]
        self.up, self.dec, self.heads = nn.ModuleList(), nn.ModuleList(), nn.ModuleList()
        for d in range(stages - 1):
            below, skip = f[stages - 1 - d], f[stages - 2 - d]
            self.up.append(nn.ConvTranspose3d(below, skip, 2, 2))
            self.dec.append(nn.Sequential(block(2 * skip, skip, 1), block(skip, skip, 1)))
            self.heads.append(nn.Conv3d(skip, CLASSES, 1))

    def forward(self, x):
        skips = []
        for e in self.enc:
            x = e(x)
            skips.append(x)
        x = skips.pop()
        outs = []
        for up, dec, head in zip(self.up, self.dec, self.heads):
            x = dec(torch.cat([up(x), skips.pop()], 1))
            outs.append(head(x))
        return outs[::-1]  # full resolution first, like DynamicUNet.forwardDeep


def dice_ce(logits, target):
    """MIST's dice_ce: 0.5 * CE + 0.5 * (1 - mean soft Dice), per sample and class, squared denominator."""
    ce = F.cross_entropy(logits, target)
    p = torch.softmax(logits, 1)
    t = F.one_hot(target, CLASSES).permute(0, 4, 1, 2, 3).float()
    dims = (2, 3, 4)
    dice = (2 * (p * t).sum(dims) + 1e-6) / ((p * p).sum(dims) + (t * t).sum(dims) + 1e-6)
    return 0.5 * ce + 0.5 * (1 - dice.mean())


def nnunet_weights(n):
    w = [1 / 2 ** i for i in range(n)]
    if n > 1:
        w[-1] = 0
    s = sum(w)
    return [v / s for v in w]


def labels(batch, patch):
    c = (patch - 1) / 2
    z, y, x = torch.meshgrid(*[torch.arange(patch, dtype=torch.float64)] * 3, indexing="ij")
    out = []
    for b in range(batch):
        r = torch.sqrt((z - c) ** 2 + (y - c - b) ** 2 + (x - c) ** 2) / patch
        out.append(torch.clamp((r * 2 * CLASSES).long(), max=CLASSES - 1))
    return torch.stack(out)


def main():
    a = [int(v) for v in sys.argv[1:7]] + [None] * 6
    base, stages, patch, batch, steps, maxf = [v if v is not None else d for v, d in zip(a[:6], (8, 4, 32, 2, 60, 64))]
    device = sys.argv[7] if len(sys.argv) > 7 else "cpu"
    optimizer = sys.argv[8] if len(sys.argv) > 8 else "adam"
    compiled = len(sys.argv) > 9 and sys.argv[9] == "1"
    channels_last = len(sys.argv) > 10 and sys.argv[10] == "1"
    if device != "cpu":
        torch.backends.cudnn.benchmark = True
    torch.manual_seed(1)
    net = UNet(base, stages, maxf).to(device)
    if channels_last:
        net = net.to(memory_format=torch.channels_last_3d)
    opt = (torch.optim.SGD(net.parameters(), 1e-2, momentum=0.99, nesterov=True, weight_decay=3e-5) if optimizer == "sgd"
           else torch.optim.Adam(net.parameters(), 1e-3))
    model = torch.compile(net) if compiled else net
    images = torch.randn(batch, CHANNELS, patch, patch, patch).to(device)
    if channels_last:
        images = images.contiguous(memory_format=torch.channels_last_3d)
    target = labels(batch, patch).to(device)
    print("device %s, optimizer %s, compile %s, channels_last %s" % (device, optimizer, compiled, channels_last))
    print("torch %s train step: U-Net features %d..%d, %d stages, input [%d, %d, %d, %d, %d], %d threads, mkldnn %s"
          % (torch.__version__, base, maxf, stages, batch, CHANNELS, patch, patch, patch, torch.get_num_threads(),
             torch.backends.mkldnn.is_available()))
    wall, cpu = [], []
    for s in range(steps):
        t0, c0 = time.perf_counter(), time.process_time()
        opt.zero_grad()
        heads = model(images)
        w = nnunet_weights(len(heads))
        loss = 0
        for k, (h, wk) in enumerate(zip(heads, w)):
            if wk == 0:
                continue
            tk = target[:, ::2 ** k, ::2 ** k, ::2 ** k]
            loss = loss + wk * dice_ce(h, tk)
        loss.backward()
        opt.step()
        value = loss.item()  # waits for the device
        wall.append((time.perf_counter() - t0) * 1e3)
        cpu.append((time.process_time() - c0) * 1e3)
        print("step %3d  %8.1f ms wall  %8.1f ms cpu  loss %.9f" % (s + 1, wall[-1], cpu[-1], value))
    tail = min(10, steps)
    print("wall: steady %.1f ms/step (median of last %d)" % (statistics.median(wall[-tail:]), tail))
    print("cpu: steady %.1f ms/step (median of last %d)" % (statistics.median(cpu[-tail:]), tail))
    if device != "cpu":
        print("peak device memory: %.1f MiB allocated (torch.cuda.max_memory_allocated)" % (torch.cuda.max_memory_allocated() / 2 ** 20))


if __name__ == "__main__":
    main()
