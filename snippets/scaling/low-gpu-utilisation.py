# --8<-- [start:simulate]
# A discrete-event simulation of a training loop, in simulated milliseconds (no GPU,
# no wall clock). Assumptions: a step is 40 ms of GPU kernels; preparing one batch
# (read, decode, augment) takes one CPU core 100 ms on average, lognormal (sigma 0.6)
# for slow files; the main process spends 1 ms per step on Python and the copy, plus
# 10 us per kernel launch; the CPU may queue work at most 2 steps ahead of the GPU.
# DataLoader semantics: batch i goes to worker i % W, results are consumed in order,
# and at most prefetch_factor * W batches are dispatched but not yet consumed.
import numpy as np

STEPS, WARMUP = 2000, 200
GPU_MS, PREP_MS, HOST_MS, LAUNCH_MS, AHEAD = 40.0, 100.0, 1.0, 0.01, 2
rng = np.random.default_rng(0)
prep_ms = PREP_MS * rng.lognormal(0.0, 0.6, STEPS) / np.exp(0.6**2 / 2)


def simulate(workers, prefetch=2, kernels=40, sync=False, prep=prep_ms):
    ready, consumed, gpu_end = np.zeros(STEPS), np.zeros(STEPS), np.zeros(STEPS)
    cpu = gpu = 0.0
    kernel_ms = GPU_MS / kernels
    for i in range(STEPS):
        if i >= AHEAD:
            cpu = max(cpu, gpu_end[i - AHEAD])
        if workers == 0:
            # the main process loads the batch itself
            cpu += prep[i]
        else:
            previous = ready[i - workers] if i >= workers else 0.0
            slot = prefetch * workers
            dispatched = consumed[i - slot] if i >= slot else 0.0
            ready[i] = max(previous, dispatched) + prep[i]
            cpu = max(cpu, ready[i])
        consumed[i] = cpu
        cpu += HOST_MS
        # kernel j is launched at cpu + (j + 1) * LAUNCH_MS and runs after kernel j-1
        launch_lag = LAUNCH_MS + (kernels - 1) * max(0.0, LAUNCH_MS - kernel_ms)
        gpu = max(gpu, cpu + launch_lag) + GPU_MS
        gpu_end[i] = gpu
        cpu += kernels * LAUNCH_MS
        if sync:
            # loss.item(): the CPU waits for the GPU to finish the step
            cpu = max(cpu, gpu)
    span = gpu_end[-1] - gpu_end[WARMUP - 1]
    steps = STEPS - WARMUP
    return steps * GPU_MS / span, 1000 * steps / span


def show(label, **kwargs):
    busy, rate = simulate(**kwargs)
    print(f"{label:34s} {busy:8.3f} {rate:10.1f}")


print(f"{'configuration':34s} {'GPU busy':>8s} {'batches/s':>10s}")
show("num_workers=0", workers=0)
for w in [1, 2, 4, 8]:
    for pf in [1, 2]:
        show(f"num_workers={w}, prefetch_factor={pf}", workers=w, prefetch=pf)
show("synthetic batch already on GPU", workers=0, prep=np.zeros(STEPS))
print("host sync every step (loss.item())")
show("  num_workers=0", workers=0, sync=True)
show("  num_workers=8, prefetch_factor=2", workers=8, sync=True)
print("same 40 ms of GPU work in n kernels, synthetic data")
for n in [40, 400, 4000, 8000]:
    show(f"  {n} kernels of {GPU_MS / n * 1000:.0f} us", workers=0, kernels=n,
         prep=np.zeros(STEPS))  # fmt: skip
show("  8000 kernels as one CUDA graph", workers=0, kernels=1, prep=np.zeros(STEPS))
# --8<-- [end:simulate]

# --8<-- [start:profile]
# A real torch.profiler run on the CPU: a tiny MLP trained for 6 steps, with a
# schedule that skips 1 step, warms up 1 and records 3. The trace is exported as
# Chrome/Perfetto JSON into a temporary directory and its events are counted by name.
import collections
import json
import os
import tempfile

import torch
from torch import nn
from torch.profiler import ProfilerActivity, profile, schedule

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(32, 64), nn.ReLU(), nn.Linear(64, 1))
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
x, y = torch.randn(256, 32), torch.randn(256, 1)
WATCH = ["aten::addmm", "aten::mse_loss", "Optimizer.step#SGD.step", "aten::item",
         "aten::_local_scalar_dense"]  # fmt: skip


def train_step(log_every_step):
    loss = nn.functional.mse_loss(model(x), y)
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    optimizer.step()
    # on a GPU, .item() copies the loss to the host and waits for the whole step
    return loss.item() if log_every_step else loss.detach()


counts = {}
with tempfile.TemporaryDirectory() as tmp:
    for log_every_step in [False, True]:
        path = os.path.join(tmp, f"trace_{log_every_step}.json")
        with profile(
            activities=[ProfilerActivity.CPU],
            schedule=schedule(wait=1, warmup=1, active=3, repeat=1),
            on_trace_ready=lambda p, path=path: p.export_chrome_trace(path),
        ) as prof:
            for _ in range(6):
                train_step(log_every_step)
                prof.step()
        with open(path) as f:
            events = json.load(f)["traceEvents"]
        names = collections.Counter(e.get("name") for e in events if e.get("ph") == "X")
        steps = sorted(n for n in names if n.startswith("ProfilerStep#"))
        counts[log_every_step] = names
print("recorded steps:", ", ".join(steps))
print(f"{'operator':28s} {'no logging':>10s} {'loss.item() per step':>21s}")
for name in WATCH:
    print(f"{name:28s} {counts[False][name]:10d} {counts[True][name]:21d}")
# --8<-- [end:profile]
