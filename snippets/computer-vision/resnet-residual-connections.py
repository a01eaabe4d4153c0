import torch

torch.manual_seed(0)
N, D, WIDTH, STEPS = 64, 16, 32, 100
LRS = [0.001, 0.003, 0.01, 0.03]

# Regression target: a random one-hidden-layer ReLU "teacher", standardised
X = torch.randn(N, D)
y = torch.relu(X @ (3 * torch.randn(D, 256) / D**0.5)) @ torch.randn(256, 1)
y = (y - y.mean()) / y.std()


def init(n_blocks, branch_init):
    """He initialisation (no biases); the same draw for every variant."""
    g = torch.Generator().manual_seed(1)
    w = {
        "inp": torch.randn(D, WIDTH, generator=g) * (2 / D) ** 0.5,
        "a": torch.randn(n_blocks, WIDTH, WIDTH, generator=g) * (2 / WIDTH) ** 0.5,
        "b": torch.randn(n_blocks, WIDTH, WIDTH, generator=g) * (2 / WIDTH) ** 0.5,
        "out": torch.randn(WIDTH, 1, generator=g) / WIDTH**0.5,
    }
    if branch_init in ("zero", "fixup"):
        # last layer of every residual branch = 0: each block starts as identity
        w["b"].zero_()
    if branch_init == "fixup":
        # Fixup's rescaling for two-layer branches: first layer times L^(-1/2)
        w["a"] *= n_blocks**-0.5
    return w


def forward(p, residual):
    # every tensor holds one copy of the network per (variant, learning rate)
    h = torch.relu(X @ p["inp"])
    for a, b in zip(p["a"], p["b"]):
        f = torch.relu(h @ a) @ b  # two layers per block
        h = torch.where(residual, h + f, torch.relu(f))
    return h @ p["out"]


def run(n_blocks, variants):
    """Train all variants, each at every learning rate, as one batch of copies."""
    ws = [init(n_blocks, branch_init) for _, branch_init in variants]
    k = len(LRS)
    p = {
        "inp": torch.stack([w["inp"] for w in ws]).repeat_interleave(k, 0),
        "out": torch.stack([w["out"] for w in ws]).repeat_interleave(k, 0),
        # blocks first: p["a"][i] is (copies, WIDTH, WIDTH)
        "a": torch.stack([w["a"] for w in ws], 1).repeat_interleave(k, 1),
        "b": torch.stack([w["b"] for w in ws], 1).repeat_interleave(k, 1),
    }
    p = {name: v.contiguous().requires_grad_() for name, v in p.items()}
    residual = torch.tensor([r for r, _ in variants]).repeat_interleave(k)
    residual = residual.view(-1, 1, 1)
    lr = torch.tensor(LRS).repeat(len(variants)).view(-1, 1, 1)

    def loss():
        return ((forward(p, residual) - y) ** 2).mean(dim=(1, 2))

    # At initialisation: gradient norm of the first weight matrix relative to the
    # last one's, and the standard deviation of the output over the inputs (the
    # target's is 1)
    loss().sum().backward()
    g_ratio = p["inp"].grad.norm(dim=(1, 2)) / p["out"].grad.norm(dim=(1, 2))
    with torch.no_grad():
        out_std = forward(p, residual).std(dim=(1, 2))
    # SGD with momentum 0.9
    velocity = {name: torch.zeros_like(v) for name, v in p.items()}
    for _ in range(STEPS):
        for v in p.values():
            v.grad = None
        loss().sum().backward()
        with torch.no_grad():
            for name, v in p.items():
                velocity[name].mul_(0.9).add_(v.grad)
                v.sub_(lr * velocity[name])
    with torch.no_grad():
        final = loss().view(len(variants), k)
    return [
        (g_ratio[i * k].item(), out_std[i * k].item(), final[i])
        for i in range(len(variants))
    ]


rows = [("plain", 6, *run(2, [(False, "he")])[0])]
deep = [(False, "he"), (True, "he"), (True, "zero"), (True, "fixup")]
names = ["plain", "residual, He init", "residual, zero last", "residual, Fixup-style"]
rows += [(n, 52, *r) for n, r in zip(names, run(25, deep))]

print(f"width {WIDTH}, {N} points, SGD + momentum; train MSE after {STEPS} steps")
header = f"{'model':<22}{'layers':>6}{'g1/gL':>7}{'out std':>9}"
print(header + "".join(f"{'lr ' + str(lr):>9}" for lr in LRS))
best = {}
for name, layers, g_ratio, out_std, final in rows:
    best[name, layers] = final.nan_to_num(float("inf")).min().item()
    print(
        f"{name:<22}{layers:>6}{g_ratio:>7.2f}{out_std:>9.3g}"
        + "".join(f"{v:>9.4f}" for v in final.tolist())
    )
print(
    "52-layer plain: best loss at least 10x the 6-layer plain net's:",
    best["plain", 52] >= 10 * best["plain", 6],
)
print(
    "52-layer residual, He init: diverged at every learning rate:",
    bool(rows[2][-1].isnan().all()),
)
print(
    "52-layer residual, Fixup-style: best loss at least 10x below the plain one's:",
    10 * best["residual, Fixup-style", 52] <= best["plain", 52],
)
