"""Computes PyTorch's results for PyTorchParityTest.

Usage: torch_parity.py DIR. DIR/cases.json lists cases; each input NAME.KEY.bin is raw
little-endian float32 in the shape the case gives. Writes NAME.OUT.bin (float32; int64 for
max-pool indices) for the forward output and the gradients of sum(y * g).
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

torch.set_num_threads(2)
d = sys.argv[1]


def load(case, key):
    a = np.fromfile(os.path.join(d, case["name"] + "." + key + ".bin"), dtype="<f4")
    return torch.from_numpy(a.reshape(case[key])).clone().requires_grad_(True)


def save(case, key, t):
    arr = t.detach().contiguous().numpy()
    arr.astype("<i8" if arr.dtype == np.int64 else "<f4").tofile(os.path.join(d, case["name"] + "." + key + ".bin"))


for case in json.load(open(os.path.join(d, "cases.json"))):
    op, p = case["op"], case.get("params", {})
    x = load(case, "x")
    w = load(case, "w") if "w" in case else None
    b = load(case, "b") if "b" in case else None
    idx = None
    if op == "conv3d":
        y = F.conv3d(x, w, b, stride=p["stride"], padding=p["padding"], dilation=p["dilation"], groups=p["groups"])
    elif op == "conv_transpose3d":
        y = F.conv_transpose3d(x, w, b, stride=p["stride"], padding=p["padding"], output_padding=p["output_padding"],
                               groups=p["groups"], dilation=p["dilation"])
    elif op == "max_pool3d":
        y, idx = F.max_pool3d(x, p["kernel"], p["stride"], p["padding"], return_indices=True)
    elif op == "avg_pool3d":
        y = F.avg_pool3d(x, p["kernel"], p["stride"], p["padding"], count_include_pad=p["count_include_pad"])
    elif op == "adaptive_avg_pool3d":
        y = F.adaptive_avg_pool3d(x, p["size"])
    elif op == "interpolate":
        kw = {} if p["mode"] == "nearest" else {"align_corners": p["align_corners"]}
        y = F.interpolate(x, size=p["size"], mode=p["mode"], **kw)
    else:
        raise ValueError("unknown op " + op)
    save(case, "y", y)
    if idx is not None:
        save(case, "idx", idx)
    g = np.fromfile(os.path.join(d, case["name"] + ".g.bin"), dtype="<f4").reshape(tuple(y.shape))
    (y * torch.from_numpy(g)).sum().backward()
    save(case, "gx", x.grad)
    if w is not None:
        save(case, "gw", w.grad)
    if b is not None:
        save(case, "gb", b.grad)
print("ok", torch.__version__)
