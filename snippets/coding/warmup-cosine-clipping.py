# --8<-- [start:signature]
import numpy as np


def lr_at(
    step: int,
    base_lr: float,
    warmup_steps: int,
    total_steps: int,
    min_lr: float = 0.0,
) -> float:
    """The learning rate of optimizer step `step` (0-based: the rate the update
    numbered `step` uses). Needs 0 <= warmup_steps <= total_steps.

        step < warmup_steps:  base_lr * (step + 1) / warmup_steps
        step < total_steps:   min_lr + (base_lr - min_lr) * (1 + cos(pi * p)) / 2,
                              p = (step - warmup_steps) / (total_steps - warmup_steps)
        otherwise:            min_lr
    """
    raise NotImplementedError


def clip_by_global_norm(
    grads: list[np.ndarray], max_norm: float, eps: float = 1e-6
) -> tuple[list[np.ndarray], float]:
    """Clip a list of gradients (one array per parameter) by their global L2 norm:

        norm = sqrt(sum over every array of sum(g ** 2))
        every g is multiplied by min(1, max_norm / (norm + eps))

    Returns (clipped gradients, norm before clipping); the inputs are not modified.
    """
    raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
import math

import numpy as np


def lr_at(
    step: int,
    base_lr: float,
    warmup_steps: int,
    total_steps: int,
    min_lr: float = 0.0,
) -> float:
    if not 0 <= warmup_steps <= total_steps:
        raise ValueError("need 0 <= warmup_steps <= total_steps")
    if step < warmup_steps:
        # (step + 1): the first update already moves, and step warmup_steps - 1
        # is the first at base_lr
        return base_lr * (step + 1) / warmup_steps
    if step >= total_steps:
        return min_lr  # also covers warmup_steps == total_steps (no decay phase)
    progress = (step - warmup_steps) / (total_steps - warmup_steps)
    return min_lr + 0.5 * (base_lr - min_lr) * (1 + math.cos(math.pi * progress))


def clip_by_global_norm(
    grads: list[np.ndarray], max_norm: float, eps: float = 1e-6
) -> tuple[list[np.ndarray], float]:
    # one norm over all parameters together, not one per array
    norm = math.sqrt(sum(float(np.sum(np.square(g))) for g in grads))
    # one factor for every array keeps the update's direction; below the
    # threshold it is exactly 1.0 and the gradients come back unchanged
    scale = min(1.0, max_norm / (norm + eps))
    return [g * scale for g in grads], norm


# --8<-- [end:solution]


# --8<-- [start:tests]
import numpy as np
import pytest
import torch


def test_lr_worked_example():
    lrs = [lr_at(s, 1.0, 4, 12, 0.1) for s in (0, 1, 2, 3, 4, 6, 8, 10, 12, 20)]
    expected = [0.25, 0.5, 0.75, 1.0, 1.0, 0.868198, 0.55, 0.231802, 0.1, 0.1]
    np.testing.assert_allclose(lrs, expected, atol=1e-6)


def test_lr_edge_cases():
    # no warmup, or one warmup step: the first step is at the peak
    assert lr_at(0, 0.5, 0, 100, 0.0) == pytest.approx(0.5)
    assert lr_at(0, 0.5, 1, 100, 0.0) == pytest.approx(0.5)
    # past the end, and warmup as long as the run: min_lr, no division by zero
    assert lr_at(10**6, 0.5, 10, 100, 0.01) == pytest.approx(0.01)
    assert lr_at(9, 0.5, 10, 10, 0.01) == pytest.approx(0.5)
    assert lr_at(10, 0.5, 10, 10, 0.01) == pytest.approx(0.01)
    # rises during warmup, never rises after, stays within [min_lr, base_lr]
    lrs = np.array([lr_at(s, 0.5, 10, 100, 0.01) for s in range(120)])
    assert np.all(np.diff(lrs[:10]) > 0) and np.all(np.diff(lrs[9:]) <= 1e-15)
    assert lrs.max() == pytest.approx(0.5) and lrs.min() == pytest.approx(0.01)


def test_lr_matches_torch_schedulers():
    base, low = 3e-4, 3e-5
    for warmup, total in ((0, 50), (1, 50), (10, 100), (37, 1000)):
        param = torch.zeros(1, dtype=torch.float64, requires_grad=True)
        opt = torch.optim.SGD([param], lr=base)
        sched = torch.optim.lr_scheduler
        cosine = sched.CosineAnnealingLR(opt, T_max=total - warmup, eta_min=low)
        scheduler = cosine
        if warmup > 0:
            # LinearLR cannot start at 0 (it needs start_factor > 0); (step + 1) /
            # warmup is start_factor 1 / warmup, reaching 1 at step warmup - 1
            ramp = sched.LinearLR(opt, 1 / warmup, 1.0, total_iters=warmup - 1)
            scheduler = sched.SequentialLR(opt, [ramp, cosine], milestones=[warmup])
        ours, theirs = [], []
        for step in range(total + 1):
            ours.append(lr_at(step, base, warmup, total, low))
            theirs.append(opt.param_groups[0]["lr"])
            opt.step()  # no gradient, so no update; PyTorch expects it first
            scheduler.step()
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=0)


def test_clip_worked_example():
    (a, b), norm = clip_by_global_norm([np.array([3.0, 4.0]), np.array([12.0])], 1.0)
    assert norm == 13.0
    np.testing.assert_allclose(np.r_[a, b], np.array([3, 4, 12]) / 13, rtol=1e-6)


def test_clip_matches_torch_clip_grad_norm():
    rng = np.random.default_rng(0)
    shapes = [(16, 8), (8,), (8, 4), (4,), (1,)]
    for scale in (1e-3, 0.1, 1.0, 10.0, 1e3):
        grads = [scale * rng.normal(size=shape) for shape in shapes]
        params = [torch.zeros(shape, dtype=torch.float64) for shape in shapes]
        for p, g in zip(params, grads):
            p.grad = torch.tensor(g)
        clipped, norm = clip_by_global_norm(grads, max_norm=1.0)
        total = torch.nn.utils.clip_grad_norm_(params, max_norm=1.0)
        assert norm == pytest.approx(total.item(), rel=1e-12)
        for c, p in zip(clipped, params):
            np.testing.assert_allclose(c, p.grad.numpy(), rtol=1e-12, atol=0)


def test_clip_keeps_direction_and_leaves_small_gradients_alone():
    rng = np.random.default_rng(1)
    grads = [rng.normal(size=(32, 16)), 50 * rng.normal(size=16), rng.normal(size=3)]
    copies = [g.copy() for g in grads]
    clipped, norm = clip_by_global_norm(grads, max_norm=0.5)
    flat = np.concatenate([g.ravel() for g in grads])
    flat_clipped = np.concatenate([c.ravel() for c in clipped])
    cosine = flat @ flat_clipped / (np.linalg.norm(flat) * np.linalg.norm(flat_clipped))
    assert cosine == pytest.approx(1.0, abs=1e-12)
    assert np.linalg.norm(flat_clipped) == pytest.approx(0.5, rel=1e-6)
    assert all(np.array_equal(g, c) for g, c in zip(grads, copies))  # not modified
    small = [0.01 * g for g in grads]
    unchanged, small_norm = clip_by_global_norm(small, max_norm=norm)
    assert small_norm < norm
    assert all(np.array_equal(s, u) for s, u in zip(small, unchanged))


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_lr_worked_example,
    test_lr_edge_cases,
    test_lr_matches_torch_schedulers,
    test_clip_worked_example,
    test_clip_matches_torch_clip_grad_norm,
    test_clip_keeps_direction_and_leaves_small_gradients_alone,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")

base, warmup, total, low = 1.0, 10, 100, 0.1
steps = (0, 1, 9, 10, 55, 99, 100, 110)
print(f"base_lr {base}, warmup_steps {warmup}, total_steps {total}, min_lr {low}")
for step in steps:
    print(f"  step {step:>3}: lr {lr_at(step, base, warmup, total, low):.4f}")
param = torch.zeros(1, dtype=torch.float64, requires_grad=True)
opt = torch.optim.SGD([param], lr=base)
cosine = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=total, eta_min=low)
for _ in range(total + 20):
    opt.step()
    cosine.step()
print(
    f"20 steps past T_max: CosineAnnealingLR {opt.param_groups[0]['lr']:.4f},"
    f" lr_at {lr_at(total + 20, base, 0, total, low):.4f}"
)

# a too-high learning rate: a ReLU MLP (8-64-64-1) fits y = sin(x . w) with
# SGD + momentum 0.9, peak lr 0.2, 300 steps of batch 32, 5 seeds per setting
rng = np.random.default_rng(0)
X = rng.normal(size=(256, 8))
Y = np.sin(X @ rng.normal(size=8) / np.sqrt(2))[:, None]


def init_mlp(r):
    return [
        r.normal(size=(8, 64)) * np.sqrt(2 / 8),
        np.zeros(64),
        r.normal(size=(64, 64)) * np.sqrt(2 / 64),
        np.zeros(64),
        r.normal(size=(64, 1)) / 8,
        np.zeros(1),
    ]


def mlp_loss_and_grads(params, x, y):
    w1, b1, w2, b2, w3, b3 = params
    z1 = x @ w1 + b1
    h1 = np.maximum(z1, 0)
    z2 = h1 @ w2 + b2
    h2 = np.maximum(z2, 0)
    err = h2 @ w3 + b3 - y
    d = 2 * err / len(y)
    dz2 = d @ w3.T * (z2 > 0)
    dz1 = dz2 @ w2.T * (z1 > 0)
    grads = [x.T @ dz1, dz1.sum(0), h1.T @ dz2, dz2.sum(0), h2.T @ d, d.sum(0)]
    return float(np.mean(err**2)), grads


# the three ways to clip, on the gradient at initialisation
_, grads = mlp_loss_and_grads(init_mlp(np.random.default_rng(0)), X, Y)
by_norm, norm = clip_by_global_norm(grads, 1.0)
per_parameter = [g * min(1.0, 1.0 / (np.linalg.norm(g) + 1e-6)) for g in grads]
by_value = [np.clip(g, -0.1, 0.1) for g in grads]
raw = np.concatenate([g.ravel() for g in grads])
print(f"gradient at initialisation: global norm {norm:.3f}")
for name, clipped in (
    ("global norm <= 1", by_norm),
    ("each parameter's norm <= 1", per_parameter),
    ("each value in [-0.1, 0.1]", by_value),
):
    flat = np.concatenate([c.ravel() for c in clipped])
    size = np.linalg.norm(flat)
    cosine = raw @ flat / (np.linalg.norm(raw) * size)
    print(f"  {name:<27} cosine to the raw gradient {cosine:.3f}, norm {size:.3f}")


def train(seed, peak, warmup_steps, max_norm, steps=300):
    r = np.random.default_rng(seed)
    params = init_mlp(r)
    velocity = [np.zeros_like(p) for p in params]
    losses, clipped = [], 0
    for step in range(steps):
        batch = r.choice(len(X), 32, replace=False)
        loss, grads = mlp_loss_and_grads(params, X[batch], Y[batch])
        losses.append(loss)
        if not np.isfinite(loss) or loss > 1e8:
            break  # diverged
        if max_norm is not None:
            grads, norm = clip_by_global_norm(grads, max_norm)
            clipped += norm > max_norm
        lr = lr_at(step, peak, warmup_steps, steps, 0.0)
        for p, v, g in zip(params, velocity, grads):
            v *= 0.9
            v += g
            p -= lr * v
    final = float(np.mean(losses[-20:])) if len(losses) == steps else float("inf")
    # second-layer ReLUs that fire on at least one training input
    h1 = np.maximum(X @ params[0] + params[1], 0)
    alive = int(np.sum(np.max(h1 @ params[2] + params[3], axis=0) > 0))
    return final, losses, clipped, alive


print(f"target variance {Y.var():.3f} (the loss of a constant prediction)")
print("peak lr 0.2  clip  final loss  runs > 100  layer-2 ReLUs alive  steps clipped")
for name, warm, max_norm in (
    ("no warmup", 0, None),
    ("warmup 30", 30, None),
    ("no warmup", 0, 1.0),
    ("warmup 30", 30, 1.0),
):
    runs = [train(seed, 0.2, warm, max_norm) for seed in range(5)]
    final = np.median([r[0] for r in runs])
    spikes = sum(max(r[1]) > 100 for r in runs)
    alive = np.median([r[3] for r in runs])
    share = sum(r[2] for r in runs) / (5 * 300)
    print(
        f"{name:<12} {max_norm or '-':<5} {final:>10.3f} {spikes:>9}/5"
        f" {alive:>17.0f}/64 {share:>14.0%}"
    )
    if max_norm is None:
        print("  seed 0, first 6 losses:", " ".join(f"{x:.2f}" for x in runs[0][1][:6]))
reference = [train(seed, 0.05, 30, None)[0] for seed in range(5)]
print(f"peak lr 0.05, warmup 30, no clipping: final loss {np.median(reference):.3f}")
# --8<-- [end:check]
