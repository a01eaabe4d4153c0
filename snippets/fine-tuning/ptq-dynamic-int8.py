import io
import sys
import time
import warnings

import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

n_threads = torch.get_num_threads()
torch.set_num_threads(1)  # bit-identical results on any core count, and stable timings
torch.manual_seed(0)
X, y = load_digits(return_X_y=True)
X = (X / 16.0).astype(np.float32)
Xtr, Xte, ytr, yte = map(
    torch.tensor, train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)
)

model = torch.nn.Sequential(
    torch.nn.Linear(64, 1024),
    torch.nn.ReLU(),
    torch.nn.Linear(1024, 1024),
    torch.nn.ReLU(),
    torch.nn.Linear(1024, 10),
)
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
for _ in range(10):
    for i in torch.randperm(len(Xtr)).split(64):
        opt.zero_grad()
        torch.nn.functional.cross_entropy(model(Xtr[i]), ytr[i]).backward()
        opt.step()
model.eval()

# Weights -> int8 now (per tensor); activations quantized on the fly, batch by batch, at
# run time.
with warnings.catch_warnings():
    warnings.simplefilter(
        "ignore"
    )  # torch 2.13: torch.ao.quantization is deprecated in favour of torchao
    qmodel = torch.ao.quantization.quantize_dynamic(
        model, {torch.nn.Linear}, dtype=torch.qint8
    )
print(qmodel[2])


def size_mb(m):
    buf = io.BytesIO()
    torch.save(m.state_dict(), buf)
    return buf.getbuffer().nbytes / 2**20


def predict(m, x):
    with torch.no_grad():
        return m(x).argmax(1)


def cpu_time(f, reps=21):
    """Median CPU time of f() on one thread: robust to other processes."""
    f()
    times = []
    for _ in range(reps):
        t = time.thread_time()
        f()
        times.append(time.thread_time() - t)
    return float(np.median(times))


fp32_mb, int8_mb = size_mb(model), size_mb(qmodel)
print(
    f"size: fp32 {fp32_mb:.2f} MB, int8 {int8_mb:.2f} MB ({fp32_mb / int8_mb:.1f}x "
    "smaller)"
)
acc_fp32 = (predict(model, Xte) == yte).float().mean().item()
acc_int8 = (predict(qmodel, Xte) == yte).float().mean().item()
print(f"test accuracy: fp32 {acc_fp32:.3f}, int8 {acc_int8:.3f}")
print(
    "same prediction on "
    f"{(predict(model, Xte) == predict(qmodel, Xte)).float().mean().item():.1%} of "
    "test images"
)
x = torch.randn(256, 64)
with torch.no_grad():
    speedup = cpu_time(lambda: model(x)) / cpu_time(lambda: qmodel(x))
print(f"int8 speed-up on a batch of 256: {speedup:.2f}x", file=sys.stderr)
print(f"int8 at least 1.2x faster on one CPU thread: {speedup >= 1.2}")
torch.set_num_threads(n_threads)
