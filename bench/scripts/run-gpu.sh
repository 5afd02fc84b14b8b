#!/usr/bin/env bash
# Everything a GPU session must record, in one command, on the lent GPU machine (no Java there:
# it runs the self-contained distribution). From the repository root, with voxelforge-dist/
# built here (mvn -o -Pdist -DskipTests package) and carried:
#
#   bench/scripts/run-gpu.sh [outdir=$OUT or bench/results/gpu-<stamp>] [quick=0] [parts=all]
#
# parts: a comma list of env, selftest, train, predict, conv, edt, norm (default all), so that a
# lent machine's per-command time limit can be met by several calls into the same outdir.
#
# Writes: env.txt (GPU, driver, CUDA/cuDNN/PyTorch versions, commit), selftest.json and
# selftest.txt (`voxelforge selftest --device cuda`), and for VoxelForge against PyTorch on the
# same GPU: train-step-*.txt (nnU-Net U-Net, 4 channels, 128^3, batch 2, features 32..320, deep
# supervision, Dice + CE, SGD; NCDHW and channels-last), predict-*.txt (sliding-window inference of a 4-channel
# 240x240x155 case), conv3d-*.txt (32 channels at 128^3, forward + both backwards), edt-*.txt
# (exact EDT of a 256^3 mask against cupyx.scipy.ndimage.distance_transform_edt, with a voxel-for-
# voxel comparison) and norm-loss-voxelforge.txt (norm and loss kernels against the copy bandwidth).
set -uo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
out="${1:-${OUT:-$root/bench/results/gpu-$(date -u +%Y%m%dT%H%M%SZ)}}"
quick="${2:-0}"
parts=",${3:-all},"
want() { [ "$parts" = ",all," ] || [[ "$parts" == *",$1,"* ]]; }
mkdir -p "$out"
vf="$root/voxelforge-dist/bin/voxelforge"
[ -x "$vf" ] || { echo "run-gpu: $vf missing: build it with mvn -o -Pdist -DskipTests package and carry voxelforge-dist" >&2; exit 2; }
py="${PYTHON:-python3}"
# cuDNN, cuBLAS and NCCL come in the Python environment's nvidia/*/lib folders there
libs="$("$py" - <<'PY' 2>/dev/null
import glob, os, site
dirs = []
for s in site.getsitepackages() + [site.getusersitepackages()]:
    dirs += glob.glob(os.path.join(s, "nvidia", "*", "lib"))
print(":".join(sorted(set(dirs))))
PY
)"
export VOXELFORGE_CUDA_LIBS="${VOXELFORGE_CUDA_LIBS:-$libs}"
if want env; then {
  echo "# commit: $(git rev-parse HEAD 2>/dev/null || echo unknown)"
  echo "# date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv 2>&1
  "$py" -c "import torch; print('torch', torch.__version__, 'cuda', torch.version.cuda, 'cudnn', torch.backends.cudnn.version())" 2>&1
  echo "VOXELFORGE_CUDA_LIBS=$VOXELFORGE_CUDA_LIBS"
  "$vf" info --cuda 2>&1
} > "$out/env.txt"
cat "$out/env.txt"
fi

if want selftest; then
"$vf" selftest --device cuda --json > "$out/selftest.json" 2> "$out/selftest.err"
"$vf" selftest --device cuda > "$out/selftest.txt" 2>&1
tail -3 "$out/selftest.txt"
fi

steps=20; patch=128
[ "$quick" = 1 ] && { steps=6; patch=64; }
if want train; then
"$vf" bench train-step --device cuda --patch "$patch" --steps "$steps" > "$out/train-step-voxelforge.txt" 2>&1
"$py" bench/scripts/torch_unet_step.py 32 5 "$patch" 2 "$steps" 320 cuda sgd > "$out/train-step-torch.txt" 2>&1
"$py" bench/scripts/torch_unet_step.py 32 5 "$patch" 2 "$steps" 320 cuda sgd 1 > "$out/train-step-torch-compile.txt" 2>&1
# channels-last (NDHWC) on both sides: cuDNN's NHWC convolutions and the NDHWC norm kernels
"$vf" bench train-step --device cuda --channels-last --patch "$patch" --steps "$steps" > "$out/train-step-voxelforge-channels-last.txt" 2>&1
"$py" bench/scripts/torch_unet_step.py 32 5 "$patch" 2 "$steps" 320 cuda sgd 0 1 > "$out/train-step-torch-channels-last.txt" 2>&1
fi
vol=240,240,155; reps=3
[ "$quick" = 1 ] && { vol=96,96,80; reps=2; }
if want predict; then
"$vf" bench predict --device cuda --patch "$patch" --volume "$vol" --steps "$reps" > "$out/predict-voxelforge.txt" 2>&1
"$vf" bench predict --device cuda --channels-last --patch "$patch" --volume "$vol" --steps "$reps" > "$out/predict-voxelforge-channels-last.txt" 2>&1
(cd bench/scripts && "$py" torch_sliding_window.py 32 5 "$patch" 2 "$reps" 320 ${vol//,/ } cuda) > "$out/predict-torch.txt" 2>&1
fi
if want conv; then
"$vf" bench conv3d --device cuda --channels 32 --patch "$patch" --steps "$steps" > "$out/conv3d-voxelforge.txt" 2>&1
"$py" bench/scripts/torch_conv3d_gpu.py 32 "$patch" 2 "$steps" > "$out/conv3d-torch.txt" 2>&1
fi
edge=256
[ "$quick" = 1 ] && edge=128
if want edt; then
"$vf" bench edt --device cuda --patch "$edge" --steps "$steps" --output "$out/edt-voxelforge.npy" > "$out/edt-voxelforge.txt" 2>&1
"$py" bench/scripts/cupy_edt.py "$edge" "$steps" "$out/edt-voxelforge.npy" > "$out/edt-cupy.txt" 2>&1
rm -f "$out/edt-voxelforge.npy"
fi
want norm && "$vf" bench norm-loss --device cuda --batch 2 --channels 32 --patch "$patch" --steps "$steps" > "$out/norm-loss-voxelforge.txt" 2>&1
# the summary covers whatever this and earlier calls left in outdir
for f in "$out"/train-step-*.txt "$out"/predict-*.txt "$out"/conv3d-*.txt "$out"/edt-*.txt; do
  [ -f "$f" ] && echo "$(basename "$f"): $(grep -E '^(steady|wall: steady)' "$f" | head -1)"
done | tee "$out/summary.txt"
[ -f "$out/edt-cupy.txt" ] && grep -E '^voxelforge vs cupy' "$out/edt-cupy.txt" | tee -a "$out/summary.txt"
[ -f "$out/norm-loss-voxelforge.txt" ] && grep -E '^steady ' "$out/norm-loss-voxelforge.txt" | tee -a "$out/summary.txt"
exit 0
