"""Issue #19's GPU traces: training steps of the seed models in PyTorch, run the way TorchSharp runs them.

TorchSharp differs from PyTorch in what stays alive: a DisposeScope keeps every forward intermediate until the
step ends (PyTorch frees by reference count), and TorchSharp's Adam makes its state when it is constructed. So each
model's forward appends every tensor it makes to a list that lives until the step ends, Adam's state is created
before the first step, and the list is released in creation order at the end (the scope's order; check it against
TorchSharp's DisposeScope before relying on it).

  python3 trace_step.py context OUT.json   device memory before and after the first CUDA tensor (the context)
  python3 trace_step.py steps OUT.json     per model and batch: peaks and the allocator's event trace
"""
import json
import os
import subprocess
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F


def used_by_gpu_mib():
    """Device memory in use on GPU 0 as nvidia-smi reports it (the whole card: run nothing else)."""
    text = subprocess.run(["nvidia-smi", "--query-gpu=memory.used", "--format=csv,noheader,nounits", "-i", "0"],
                          capture_output=True, text=True, check=True).stdout
    return int(text.strip().splitlines()[0])


def context(path):
    before = used_by_gpu_mib()
    first = torch.zeros(1, device="cuda")
    torch.cuda.synchronize()
    after_tensor = used_by_gpu_mib()
    a = torch.randn(256, 256, device="cuda")
    (a @ a).sum().item()  # loads cuBLAS: its handle and workspace
    after_matmul = used_by_gpu_mib()
    result = {
        "used_mib_before": before, "used_mib_after_first_tensor": after_tensor, "used_mib_after_matmul": after_matmul,
        "memory_allocated_after_matmul": torch.cuda.memory_allocated(),
        "memory_reserved_after_matmul": torch.cuda.memory_reserved(),
        "lazy_loading": os.environ.get("CUDA_MODULE_LOADING", "(default)"),
    }
    del first, a
    with open(path, "w") as f:
        json.dump(result, f, indent=1)
    print(json.dumps(result))


class Kept:
    """The DisposeScope: every tensor forward makes stays alive until the step ends."""

    def __init__(self):
        self.tensors = []

    def __call__(self, t):
        self.tensors.append(t)
        return t


class MnistMlp(nn.Module):
    shape = (1, 28, 28)

    def __init__(self):
        super().__init__()
        self.fc1, self.fc2 = nn.Linear(784, 128), nn.Linear(128, 10)

    def forward(self, x, keep):
        h = keep(x.flatten(1))
        h = keep(self.fc1(h))
        h = keep(F.relu(h))
        return keep(self.fc2(h))


class SimpleCnn(nn.Module):
    shape = (3, 32, 32)

    def __init__(self):
        super().__init__()
        self.conv1, self.conv2 = nn.Conv2d(3, 6, 5), nn.Conv2d(6, 16, 5)
        self.fc1, self.fc2, self.fc3 = nn.Linear(400, 120), nn.Linear(120, 84), nn.Linear(84, 10)

    def forward(self, x, keep):
        x = keep(F.max_pool2d(keep(F.relu(keep(self.conv1(x)))), 2))
        x = keep(F.max_pool2d(keep(F.relu(keep(self.conv2(x)))), 2))
        x = keep(x.view(-1, 400))
        x = keep(F.relu(keep(self.fc1(x))))
        x = keep(F.relu(keep(self.fc2(x))))
        return keep(self.fc3(x))


class BatchNormBlock(nn.Module):
    """A ResNet basic block on 32×32: cuDNN batch norm and an identity shortcut."""
    shape = (16, 32, 32)

    def __init__(self):
        super().__init__()
        self.conv1, self.bn1 = nn.Conv2d(16, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16)
        self.conv2, self.bn2 = nn.Conv2d(16, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16)
        self.head = nn.Linear(16, 10)

    def forward(self, x, keep):
        y = keep(F.relu(keep(self.bn1(keep(self.conv1(x))))))
        y = keep(self.bn2(keep(self.conv2(y))))
        y = keep(F.relu(keep(y + x)))
        return keep(self.head(keep(keep(F.adaptive_avg_pool2d(y, 1)).flatten(1))))


class LstmClassifier(nn.Module):
    """Embedding, a 1-layer LSTM (cuDNN: reserve space kept for backward), the last step's state to classes."""
    shape = (20,)
    tokens = True

    def __init__(self):
        super().__init__()
        self.embed, self.lstm, self.head = nn.Embedding(1000, 64), nn.LSTM(64, 128, batch_first=True), nn.Linear(128, 4)

    def forward(self, x, keep):
        out, (h, c) = self.lstm(keep(self.embed(x)))
        keep(out), keep(h), keep(c)
        return keep(self.head(keep(h[-1])))


class DropoutMlp(nn.Module):
    """Dropout keeps a bool mask on CUDA (a float noise tensor on the CPU)."""
    shape = (512,)

    def __init__(self):
        super().__init__()
        self.fc1, self.fc2 = nn.Linear(512, 1024), nn.Linear(1024, 10)

    def forward(self, x, keep):
        return keep(self.fc2(keep(F.dropout(keep(F.relu(keep(self.fc1(x)))), 0.5, training=True))))


MODELS = [MnistMlp, SimpleCnn, BatchNormBlock, LstmClassifier, DropoutMlp]
BATCHES = [1, 64]


def eager_adam(model):
    """TorchSharp's Adam: exp_avg and exp_avg_sq for every parameter when it is constructed."""
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    for p in model.parameters():
        optimizer.state[p] = {"step": torch.tensor(0.0), "exp_avg": torch.zeros_like(p), "exp_avg_sq": torch.zeros_like(p)}
    return optimizer


def events(snapshot):
    """The device-0 trace as [action, address, size] rows, without stack frames."""
    trace = snapshot.get("device_traces", [[]])[0]
    return [[e["action"], e["addr"], e["size"]] for e in trace]


def segments(snapshot):
    """The cached segments as [address, size, [[block size, state], ...]]: where a replay starts."""
    return [[s["address"], s["total_size"], [[b["size"], b["state"]] for b in s["blocks"]]] for s in snapshot["segments"]]


def step(cls, batch):
    torch.cuda.empty_cache()
    torch.cuda.reset_peak_memory_stats()
    initial = segments(torch.cuda.memory._snapshot())
    torch.cuda.memory._record_memory_history(enabled="all", context=None, stacks="python")
    model = cls().cuda()
    optimizer = eager_adam(model)
    if getattr(cls, "tokens", False):
        x = torch.randint(0, 1000, (batch,) + cls.shape, device="cuda")
    else:
        x = torch.randn((batch,) + cls.shape, device="cuda")
    target = torch.randint(0, 10 if cls is not LstmClassifier else 4, (batch,), device="cuda")
    setup = {"allocated": torch.cuda.memory_allocated(), "reserved": torch.cuda.memory_reserved()}
    keep = Kept()
    output = model(x, keep)
    loss = keep(F.cross_entropy(output, target))
    optimizer.zero_grad(set_to_none=False)
    loss.backward()
    optimizer.step()
    keep.tensors.clear()  # the scope ends: its tensors go in creation order
    del output, loss
    torch.cuda.synchronize()
    snapshot = torch.cuda.memory._snapshot()
    torch.cuda.memory._record_memory_history(enabled=None)
    result = {
        "model": cls.__name__, "batch": batch, "initial_segments": initial, "after_setup": setup,
        "max_memory_allocated": torch.cuda.max_memory_allocated(), "max_memory_reserved": torch.cuda.max_memory_reserved(),
        "events": events(snapshot),
    }
    del model, optimizer, x, target
    return result


def steps(path):
    torch.backends.cudnn.benchmark = False
    torch.zeros(1, device="cuda")
    results = []
    for cls in MODELS:
        for batch in BATCHES:
            r = step(cls, batch)
            print(f"{r['model']} B={batch}: allocated peak {r['max_memory_allocated']:,}, reserved peak "
                  f"{r['max_memory_reserved']:,}, {len(r['events'])} events")
            results.append(r)
    with open(path, "w") as f:
        json.dump(results, f, separators=(",", ":"))


if __name__ == "__main__":
    {"context": context, "steps": steps}[sys.argv[1]](sys.argv[2])
