#!/usr/bin/env bash
# Issue #19's GPU check, prepared before the CUDA model exists so that it can run the day a GPU is lent.
# Needs: an NVIDIA GPU, nvidia-smi, python3 with PyTorch built for CUDA. No network, no .NET.
# Writes to $OUT (default ./gpu-out): gpu.txt (card, driver, CUDA, PyTorch), context.json (device memory before and
# after the first CUDA tensor), steps.json (per model and batch: max_memory_allocated/reserved and the allocator's
# event trace, compact), so that a test can replay each trace through the allocator simulator offline.
# Run on the lent machine with: run(command="bash bench/gpu/verify.sh", timeout_s=480)
set -euo pipefail
OUT="${OUT:-$PWD/gpu-out}"
mkdir -p "$OUT"
here="$(cd "$(dirname "$0")" && pwd)"
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  nvidia-smi --query-gpu=name,compute_cap,driver_version,memory.total --format=csv || echo "nvidia-smi failed"
  nvidia-smi | head -n 4 || true
  python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, "cudnn", torch.backends.cudnn.version())'
} > "$OUT/gpu.txt" 2>&1
cat "$OUT/gpu.txt"
# Each part in a fresh process: the context is measured before CUDA starts, and each trace starts from an empty cache.
timeout 60 python3 "$here/trace_step.py" context "$OUT/context.json"
timeout 360 python3 "$here/trace_step.py" steps "$OUT/steps.json"
ls -l "$OUT"
