# --8<-- [start:accuracy]
import copy

import numpy as np
import torch
import torch.nn.utils.prune as prune
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

n_threads = torch.get_num_threads()
torch.set_num_threads(1)  # bit-identical results on any core count
torch.manual_seed(0)
X, y = load_digits(return_X_y=True)
X = (X / 16.0).astype(np.float32)
Xtr, Xte, ytr, yte = map(
    torch.tensor, train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)
)


def train(model, epochs, lr=1e-3):
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    for _ in range(epochs):
        for i in torch.randperm(len(Xtr)).split(32):
            opt.zero_grad()
            torch.nn.functional.cross_entropy(model(Xtr[i]), ytr[i]).backward()
            opt.step()
    return model


def accuracy(model):
    with torch.no_grad():
        return (model(Xte).argmax(1) == yte).float().mean().item()


def linears(model):
    return [m for m in model if isinstance(m, torch.nn.Linear)]


dense = torch.nn.Sequential(
    torch.nn.Linear(64, 256),
    torch.nn.ReLU(),
    torch.nn.Linear(256, 256),
    torch.nn.ReLU(),
    torch.nn.Linear(256, 10),
)
train(dense, epochs=20)


def effective_removed(model):
    """Fraction of weights that no longer matter: their row is pruned or their input
    comes from a removed unit (structured pruning removes both)."""
    alive_in = torch.ones(64, dtype=torch.bool)
    used = total = 0
    for m in linears(model):
        mask = getattr(m, "weight_mask", torch.ones_like(m.weight)).bool()
        alive_out = mask.any(1)
        used += (mask & alive_in[None, :]).sum().item()
        total += m.weight.numel()
        alive_in = alive_out
    return 1 - used / total


print(
    f"{'amount':>6s} {'unstructured':>12s} {'+ fine-tune':>11s} {'structured':>10s} "
    f"{'+ fine-tune':>11s} {'(weights removed)':>17s}"
)
for amount in [0.0, 0.5, 0.8, 0.9, 0.95, 0.98]:
    # Unstructured: zero the smallest |w| across all weight matrices at once (global
    # magnitude pruning).
    un = copy.deepcopy(dense)
    prune.global_unstructured(
        [(m, "weight") for m in linears(un)], prune.L1Unstructured, amount=amount
    )
    # Structured: remove whole hidden units (rows of the two hidden layers) with the
    # smallest L2 norm.
    st = copy.deepcopy(dense)
    for m in linears(st)[:2]:
        prune.ln_structured(m, "weight", amount=amount, n=2, dim=0)
    row = [accuracy(un)]
    torch.manual_seed(1)
    row.append(
        accuracy(train(un, epochs=3, lr=3e-4))
    )  # the masks stay applied: pruned weights stay 0
    row.append(accuracy(st))
    torch.manual_seed(1)
    row.append(accuracy(train(st, epochs=3, lr=3e-4)))
    print(
        f"{amount:>6.2f} {row[0]:>12.3f} {row[1]:>11.3f} {row[2]:>10.3f} "
        f"{row[3]:>11.3f} {effective_removed(st):>17.3f}"
    )

layer = linears(un)[0]
print(
    "after pruning:",
    sorted(n for n, _ in layer.named_parameters()),
    sorted(n for n, _ in layer.named_buffers()),
)
prune.remove(layer, "weight")  # bake the mask in: weight = weight_orig * weight_mask
print(
    "after prune.remove:",
    sorted(n for n, _ in layer.named_parameters()),
    f"zeros: {(layer.weight == 0).float().mean():.3f}",
)
torch.set_num_threads(n_threads)
# --8<-- [end:accuracy]

# --8<-- [start:speed]
import sys
import time

import numpy as np
import torch


def cpu_time(f, reps=15):
    """Median single-thread CPU time of f(): robust to other processes."""
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        f()
        times = []
        for _ in range(reps):
            t = time.thread_time()
            f()
            times.append(time.thread_time() - t)
    finally:
        torch.set_num_threads(n)
    return float(np.median(times))


torch.manual_seed(0)
W, x = torch.randn(2048, 2048), torch.randn(2048, 64)
W90 = W * (torch.rand_like(W) > 0.9)  # 90% unstructured sparsity, stored densely
W50 = W * (torch.rand_like(W) > 0.5)
csr90, csr50 = (
    W90.to_sparse_csr(),
    W50.to_sparse_csr(),
)  # compressed sparse rows: only non-zeros stored
W_rows = W[
    W.norm(dim=1).argsort(descending=True)[:205]
].contiguous()  # structured: keep 10% of rows

t = {
    "dense": cpu_time(lambda: W @ x),
    "90% zeros, dense": cpu_time(lambda: W90 @ x),
    "CSR 90%": cpu_time(lambda: csr90 @ x),
    "CSR 50%": cpu_time(lambda: csr50 @ x),
    "10% rows kept": cpu_time(lambda: W_rows @ x),
}
print(", ".join(f"{k} {v * 1e3:.2f} ms" for k, v in t.items()), file=sys.stderr)
print(f"CSR gives the same product: {torch.allclose(W90 @ x, csr90 @ x, atol=1e-4)}")
print(
    "90% zeros in a dense tensor: no speed-up (within 1.5x of dense): "
    f"{1 / 1.5 < t['90% zeros, dense'] / t['dense'] < 1.5}"
)
print(f"CSR at 50% sparsity: no faster than dense: {t['CSR 50%'] > 0.9 * t['dense']}")
print(
    f"CSR at 90% sparsity: faster than dense: {t['CSR 90%'] < t['dense']}, but short "
    f"of the 10x FLOP cut: {t['dense'] / t['CSR 90%'] < 10}"
)
print(
    "structured, 10% of rows kept: at least 3x faster: "
    f"{t['dense'] / t['10% rows kept'] >= 3}"
)
# --8<-- [end:speed]
