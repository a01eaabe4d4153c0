import copy

import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn
from torch.nn.functional import cross_entropy
from torch.optim.swa_utils import AveragedModel, update_bn

torch.set_default_dtype(torch.float64)
X, y = load_digits(return_X_y=True)
X_tr, X_te, y_tr, y_te = train_test_split(
    X / 16.0, y, test_size=500, stratify=y, random_state=0
)
X_tr, X_te = torch.tensor(X_tr), torch.tensor(X_te)
y_tr, y_te = torch.tensor(y_tr), torch.tensor(y_te)
# 20% of the training labels are replaced by random ones: noisy gradients
noise_rng = torch.Generator().manual_seed(0)
flip = torch.rand(len(y_tr), generator=noise_rng) < 0.2
y_tr[flip] = torch.randint(0, 10, (int(flip.sum()),), generator=noise_rng)
EPOCHS, BATCH, LR = 40, 32, 0.2
STEPS_PER_EPOCH = len(y_tr) // BATCH
STEPS = EPOCHS * STEPS_PER_EPOCH
SWA_START = int(0.75 * STEPS)


def make_mlp(seed, batchnorm=False):
    torch.manual_seed(seed)
    norm = [nn.BatchNorm1d(256)] if batchnorm else []
    return nn.Sequential(nn.Linear(64, 256), *norm, nn.ReLU(), nn.Linear(256, 10))


@torch.no_grad()
def evaluate(model):
    model.eval()
    logits = model(X_te)
    model.train()
    loss = cross_entropy(logits, y_te).item()
    return loss, (logits.argmax(1) == y_te).double().mean().item()


class EMA:
    """theta_ema <- beta_t * theta_ema + (1 - beta_t) * theta.

    With warm-up, beta_t = min(beta, 1 - 1/t): a plain running mean of the iterates
    until the window 1/(1 - beta) is full, so the random init is not remembered."""

    def __init__(self, model, beta, warmup):
        self.model, self.beta, self.warmup, self.t = (
            copy.deepcopy(model),
            beta,
            warmup,
            0,
        )

    @torch.no_grad()
    def update(self, model):
        self.t += 1
        beta = min(self.beta, 1 - 1 / self.t) if self.warmup else self.beta
        for p_ema, p in zip(self.model.parameters(), model.parameters()):
            p_ema.lerp_(p, 1 - beta)


def train(model, steps, data_seed, schedule="constant", trackers=(), swa=(), log=None):
    opt = torch.optim.SGD(model.parameters(), lr=LR, momentum=0.9)
    data_rng = torch.Generator().manual_seed(data_seed)
    for step in range(steps):
        if step % STEPS_PER_EPOCH == 0:
            order = torch.randperm(len(y_tr), generator=data_rng)
        if schedule == "cosine":
            progress = torch.tensor(step / steps)
            opt.param_groups[0]["lr"] = LR * 0.5 * (1 + torch.cos(torch.pi * progress))
        k = step % STEPS_PER_EPOCH
        idx = order[k * BATCH : (k + 1) * BATCH]
        loss = cross_entropy(model(X_tr[idx]), y_tr[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        for tracker in trackers:
            tracker.update(model)
        if step >= SWA_START:
            for averaged in swa:
                averaged.update_parameters(model)
        if log is not None and (step + 1) % (10 * STEPS_PER_EPOCH) == 0:
            log.append([evaluate(m)[0] for m in [model, *(t.model for t in trackers)]])
    return model


# (a)-(c): one constant-LR run, averaged three ways while it trains
base = make_mlp(seed=1)
emas = [
    EMA(base, beta, warm)
    for beta, warm in [(0.9, 1), (0.99, 1), (0.999, 1), (0.999, 0)]
]
swa = AveragedModel(base)
curve = []
train(base, STEPS, data_seed=2, trackers=emas, swa=[swa], log=curve)
# (d): the same start and data order, with the LR decayed to 0 by a cosine
cosine_curve = []
cosine = train(
    make_mlp(seed=1), STEPS, data_seed=2, schedule="cosine", log=cosine_curve
)
rows = [
    ("last iterate, constant LR", base),
    ("EMA beta=0.9 (window ~10 steps)", emas[0].model),
    ("EMA beta=0.99 (window ~100 steps)", emas[1].model),
    ("EMA beta=0.999 (window ~1000)", emas[2].model),
    ("EMA beta=0.999, no decay warm-up", emas[3].model),
    ("SWA, uniform over last 25%", swa.module),
    ("last iterate, cosine decay to 0", cosine),
]
# BatchNorm variant. Without update_bn, AveragedModel keeps the BN running statistics
# in sync with the last iterate; use_buffers=True averages them like the weights.
bn_model = make_mlp(seed=1, batchnorm=True)
bn_swa = AveragedModel(bn_model)
bn_swa_avg_stats = AveragedModel(bn_model, use_buffers=True)
train(bn_model, STEPS, data_seed=2, swa=[bn_swa, bn_swa_avg_stats])
bn_no_update = copy.deepcopy(bn_swa.module)
update_bn([(X_tr,)], bn_swa)
rows += [
    ("BN net: last iterate", bn_model),
    ("BN net: SWA, last iterate's BN stats", bn_no_update),
    ("BN net: SWA, BN stats averaged too", bn_swa_avg_stats.module),
    ("BN net: SWA + update_bn", bn_swa.module),
]
print(f"{len(y_tr)} train (20% labels noisy), {len(y_te)} test, {STEPS} SGD steps")
print(f"{'model evaluated':38s} test loss  test acc")
for name, model in rows:
    loss, acc = evaluate(model)
    print(f"{name:38s} {loss:9.3f} {acc:9.3f}")

print("\ntest loss along training (epoch)     10     20     30     40")
names = ["last iterate, constant LR", "EMA 0.9", "EMA 0.99", "EMA 0.999"]
names += ["EMA 0.999, no warm-up"]
for j, name in enumerate(names):
    print(f"{name:34s}" + "".join(f"{row[j]:7.3f}" for row in curve))
print(
    f"{'cosine decay, last iterate':34s}"
    + "".join(f"{r[0]:7.3f}" for r in cosine_curve)
)


def average(a, b):
    merged = copy.deepcopy(a)
    for p, pa, pb in zip(merged.parameters(), a.parameters(), b.parameters()):
        p.data = (pa.data + pb.data) / 2
    return merged


# two runs from different initialisations, against two forks of one half-trained run
run_a = train(make_mlp(seed=1), STEPS, data_seed=3)
run_b = train(make_mlp(seed=4), STEPS, data_seed=5)
trunk = train(make_mlp(seed=1), STEPS // 2, data_seed=6)
fork_a = train(copy.deepcopy(trunk), STEPS // 2, data_seed=7)
fork_b = train(copy.deepcopy(trunk), STEPS // 2, data_seed=8)
print("\naveraging two runs' weights         acc A  acc B  acc of (A+B)/2")
for name, a, b in [
    ("independent initialisations", run_a, run_b),
    ("shared first half, then forked", fork_a, fork_b),
]:
    accs = [evaluate(m)[1] for m in (a, b, average(a, b))]
    print(f"{name:34s}" + "".join(f"{acc:7.3f}" for acc in accs))
