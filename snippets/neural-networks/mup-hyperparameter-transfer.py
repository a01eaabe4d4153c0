import torch
from torch import nn

torch.set_num_threads(1)
D_IN, CLASSES, BASE = 16, 10, 32  # BASE: the width of the proxy model we tune
WIDTHS = (BASE, 4 * BASE, 16 * BASE)

# A fixed synthetic task: 10 classes, the label is the nearest of 10 random directions.
g = torch.Generator().manual_seed(0)
X = torch.randn(8192, D_IN, generator=g)
y = (X @ torch.randn(CLASSES, D_IN, generator=g).T).argmax(1)
X_tr, y_tr, X_va, y_va = X[1024:], y[1024:], X[:1024], y[:1024]


class MLP(nn.Module):
    """input layer -> hidden layer -> output layer, width n."""

    def __init__(self, n, mup):
        super().__init__()
        self.inp, self.hid = nn.Linear(D_IN, n), nn.Linear(n, n)
        self.out = nn.Linear(n, CLASSES)
        # muP output layer (as in the mup package's MuReadout): keep the init std of
        # the base width and multiply the input by BASE / n, so that the effective
        # weight has variance ~ 1/n^2 and Adam moves it by ~ lr / n.
        self.out_mult = BASE / n if mup else 1.0
        if mup:
            with torch.no_grad():
                self.out.weight.mul_((n / BASE) ** 0.5)

    def forward(self, x):
        h = torch.relu(self.hid(torch.relu(self.inp(x))))
        return self.out(h * self.out_mult)


def make(n, lr, mup):
    torch.manual_seed(0)
    model = MLP(n, mup)
    # muP for Adam: hidden (n x n) weights get lr * BASE / n; input weights, biases
    # and the output layer (already scaled by its multiplier) keep lr.
    hidden_lr = lr * BASE / n if mup else lr
    others = [p for name, p in model.named_parameters() if name != "hid.weight"]
    groups = [
        {"params": [model.hid.weight], "lr": hidden_lr},
        {"params": others, "lr": lr},
    ]
    return model, torch.optim.Adam(groups, fused=True)


def val_loss(model):
    with torch.no_grad():
        return nn.functional.cross_entropy(model(X_va), y_va).item()


def train(n, lr, mup, steps=150, batch=32):
    model, opt = make(n, lr, mup)
    gen = torch.Generator().manual_seed(1)
    for _ in range(steps):
        i = torch.randint(0, len(X_tr), (batch,), generator=gen)
        loss = nn.functional.cross_entropy(model(X_tr[i]), y_tr[i])
        opt.zero_grad()
        loss.backward()
        opt.step()
    return val_loss(model)


# 1) Why: how much one Adam step at the same lr changes the outputs, per width.
print("mean |change in logits| after one Adam step at lr 2^-8")
for mup in (False, True):
    changes = []
    for n in WIDTHS:
        model, opt = make(n, 2.0**-8, mup)
        before = model(X_va).detach()
        nn.functional.cross_entropy(model(X_tr[:32]), y_tr[:32]).backward()
        opt.step()
        changes.append((model(X_va).detach() - before).abs().mean().item())
    name = "muP" if mup else "SP "
    print(name, "  ".join(f"n={n}: {c:.3f}" for n, c in zip(WIDTHS, changes)))

# 2) The lr sweep: validation loss after 150 steps, lr = 2^k.
ks = range(-12, -4)
best = {}
for mup in (False, True):
    print(f"\nmuP (base width {BASE})" if mup else "\nSP (PyTorch default)")
    print("width " + "".join(f"{f'2^{k}':>7}" for k in ks) + "   best lr")
    for n in WIDTHS:
        losses = [train(n, 2.0**k, mup) for k in ks]
        j = min(range(len(ks)), key=losses.__getitem__)
        best[mup, n] = (ks[j], losses)
        row = "".join(f"{v:7.3f}" for v in losses)
        print(f"{n:5d} {row}      2^{ks[j]}")

# 3) muTransfer: tune at the base width, copy the lr to the widest model.
print(f"\nlr tuned at width {BASE}, used at width {WIDTHS[-1]}")
for mup in (False, True):
    k_base = best[mup, BASE][0]
    k_big, losses = best[mup, WIDTHS[-1]]
    name = "muP" if mup else "SP "
    print(
        f"{name} 2^{k_base}: loss {losses[ks.index(k_base)]:.3f}"
        f" (best at width {WIDTHS[-1]}: {min(losses):.3f} at 2^{k_big})"
    )
