import copy

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

SEED = 0
torch.manual_seed(SEED)
torch.set_num_threads(1)
rng = np.random.default_rng(SEED)

# Each sample: 4 latent factors s, seen through two 32-dim halves with their own
# mixing matrices; every coordinate gets independent noise with 4 times the
# variance of its signal (signal var 1, noise var 4)
N_TRAIN, N_TEST, K, D, NOISE = 4000, 2000, 4, 32, 2.0
A = rng.normal(0, 1 / np.sqrt(K), (2, K, D))


def make(n):
    s = rng.normal(size=(n, K))
    halves = [s @ A[h] + NOISE * rng.normal(size=(n, D)) for h in range(2)]
    return s, np.stack(halves, 1).astype(np.float32)


s_tr, x_tr = make(N_TRAIN)
s_te, x_te = make(N_TEST)
x_tr, x_te = torch.tensor(x_tr), torch.tensor(x_te)


def mlp(d_in, d_out):
    return nn.Sequential(nn.Linear(d_in, 64), nn.ReLU(), nn.Linear(64, d_out))


EMB, STEPS, BATCH, EMA = 16, 700, 256, 0.99


def train(method):
    torch.manual_seed(SEED)
    encoder = mlp(D, EMB)
    # the head sees the context embedding and which half is the target (the
    # analogue of I-JEPA's positional mask tokens); it outputs an embedding
    # (latent prediction) or the 32 raw values of the other half
    head = mlp(EMB + 2, D if method == "reconstruct" else EMB)
    target_encoder = copy.deepcopy(encoder).requires_grad_(False)
    opt = torch.optim.Adam([*encoder.parameters(), *head.parameters()], lr=1e-3)
    g = torch.Generator().manual_seed(SEED)
    losses = []
    for _ in range(STEPS):
        idx = torch.randint(0, N_TRAIN, (BATCH,), generator=g)
        # a random half is the context, the other the target
        c = torch.randint(0, 2, (BATCH,), generator=g)
        ctx, tgt = x_tr[idx, c], x_tr[idx, 1 - c]
        pred = head(torch.cat([encoder(ctx), F.one_hot(1 - c, 2).float()], 1))
        if method == "reconstruct":
            target = tgt
        elif method == "no stop-grad":
            # the same encoder embeds the target, gradients flow through both
            target = encoder(tgt)
        else:
            # stop-gradient: the target comes from the EMA copy, no gradient
            with torch.no_grad():
                target = target_encoder(tgt)
        loss = F.mse_loss(pred, target)
        losses.append(loss.item())
        opt.zero_grad()
        loss.backward()
        opt.step()
        with torch.no_grad():
            for p_t, p in zip(target_encoder.parameters(), encoder.parameters()):
                p_t.mul_(EMA).add_((1 - EMA) * p)
    # the training loss, averaged over the last 100 steps
    return encoder, float(np.mean(losses[-100:]))


def probe_r2(z_tr, z_te):
    """Linear probe (least squares with intercept) of the 4 factors; mean test R^2."""
    z_tr, z_te = (np.hstack([z, np.ones((len(z), 1))]) for z in (z_tr, z_te))
    w = np.linalg.lstsq(z_tr, s_tr, rcond=None)[0]
    resid = s_te - z_te @ w
    return float(np.mean(1 - resid.var(0) / s_te.var(0)))


def embed(encoder, x):
    with torch.no_grad():
        return encoder(x[:, 0]).double().numpy()


print(f"{'encoder of half 1':28}{'probe R^2':>10}{'emb std':>9}{'final loss':>12}")
print(f"{'raw half (32 values)':28}{probe_r2(x_tr[:, 0], x_te[:, 0]):10.3f}")
torch.manual_seed(SEED)
random_encoder = mlp(D, EMB)
z_tr, z_te = embed(random_encoder, x_tr), embed(random_encoder, x_te)
r2, std = probe_r2(z_tr, z_te), z_te.std(0).mean()
print(f"{'random MLP, untrained':28}{r2:10.3f}{std:9.3f}")
for method in ["no stop-grad", "stop-grad + EMA target", "reconstruct"]:
    encoder, loss = train(method)
    z_tr, z_te = embed(encoder, x_tr), embed(encoder, x_te)
    r2, std = probe_r2(z_tr, z_te), z_te.std(0).mean()
    name = {"reconstruct": "reconstruct other half"}.get(method, method)
    print(f"{name:28}{r2:10.3f}{std:9.3f}{loss:12.3f}")
# no predictor can remove the target half's noise from the reconstruction loss
print(f"noise variance in each raw target value: {NOISE**2:.3f}")
