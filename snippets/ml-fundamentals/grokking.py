import torch
from torch import nn

torch.set_num_threads(1)

# Modular addition: all P * P pairs (a, b), label (a + b) mod P. Each seed trains on
# its own random 40% of the table and tests on the other 60%.
P, TRAIN_FRACTION, HIDDEN = 31, 0.4, 128
STEPS, EVAL_EVERY, LR = 1200, 10, 1e-2
a, b = torch.cartesian_prod(torch.arange(P), torch.arange(P)).T
y = (a + b) % P
N_TRAIN = int(TRAIN_FRACTION * P * P)


class AdditionMLP(nn.Module):
    """One hidden layer: embed a and b (the same as a linear layer on their two
    concatenated one-hot vectors), add, square, map to P logits."""

    def __init__(self):
        super().__init__()
        self.emb_a = nn.Parameter(0.2 * torch.randn(P, HIDDEN))
        self.emb_b = nn.Parameter(0.2 * torch.randn(P, HIDDEN))
        self.out = nn.Parameter(0.03 * torch.randn(HIDDEN, P))

    def forward(self, a, b):
        h = self.emb_a[a] + self.emb_b[b]
        return (h * h) @ self.out


def train(weight_decay, seed):
    """Full-batch AdamW; every EVAL_EVERY steps log (step, train accuracy,
    test accuracy, test loss, L2 norm of all weights)."""
    is_train = torch.zeros(P * P, dtype=torch.bool)
    order = torch.randperm(P * P, generator=torch.Generator().manual_seed(seed))
    is_train[order[:N_TRAIN]] = True
    a_tr, b_tr, y_tr = a[is_train], b[is_train], y[is_train]
    torch.manual_seed(seed)
    net = AdditionMLP()
    opt = torch.optim.AdamW(
        net.parameters(), lr=LR, weight_decay=weight_decay, betas=(0.9, 0.98)
    )
    log = []
    for step in range(STEPS + 1):
        if step % EVAL_EVERY == 0:
            with torch.no_grad():
                logits = net(a, b)
                correct = (logits.argmax(1) == y).float()
                test_loss = nn.functional.cross_entropy(logits[~is_train], y[~is_train])
                norm = torch.cat([p.flatten() for p in net.parameters()]).norm()
            train_acc, test_acc = correct[is_train].mean(), correct[~is_train].mean()
            log.append(
                (step, train_acc.item(), test_acc.item(), test_loss.item(), norm.item())
            )
        if step == STEPS:
            break
        loss = nn.functional.cross_entropy(net(a_tr, b_tr), y_tr)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return log


runs = {(wd, seed): train(wd, seed) for wd in (1.0, 0.0) for seed in range(3)}

print(
    f"(a + b) mod {P}: {N_TRAIN} training pairs, {P * P - N_TRAIN} test pairs; seed 0"
)
print("     " + "".join(f"  {f' weight decay {wd} ':-^36}" for wd in (1.0, 0.0)))
print(" step" + "  train acc  test acc  test loss   |w|" * 2)
for row_wd, row_0 in zip(runs[1.0, 0], runs[0.0, 0]):
    if row_wd[0] in (0, 20, 50, 100, 200, 300, 500, 700, 900, 1200):
        cells = [
            f"{r[1]:11.3f}{r[2]:10.3f}{r[3]:11.3f}{r[4]:6.1f}" for r in (row_wd, row_0)
        ]
        print(f"{row_wd[0]:5d}" + "".join(cells))


HEADER = [
    ("", "wd"), ("", "seed"), ("first step", "train = 1.0"),
    ("first step", "test >= 0.95"), ("", "ratio"), ("test loss", "peak at"),
    ("test loss", "< step 0 at"), ("final", "test acc"), ("final", "|w|"),
]  # fmt: skip
WIDTHS = [3, 6, 13, 14, 7, 11, 13, 10, 7]
for line in (0, 1):
    print("".join(f"{col[line]:>{w}}" for col, w in zip(HEADER, WIDTHS)))
for (wd, seed), log in runs.items():
    fit = next((r[0] for r in log if r[1] == 1.0), None)
    grok = next((r[0] for r in log if r[2] >= 0.95), None)
    peak = max(log, key=lambda r: r[3])[0]
    # The first step after the peak at which the test loss is below its step-0 value.
    back = next((r[0] for r in log if r[0] > peak and r[3] < log[0][3]), None)
    cells = [
        f"{wd:.1f}", seed, fit, grok, "-" if grok is None else f"{grok / fit:.1f}",
        peak, back, f"{log[-1][2]:.3f}", f"{log[-1][4]:.1f}",
    ]  # fmt: skip
    cells = ["never" if c is None else str(c) for c in cells]
    print("".join(f"{c:>{w}}" for c, w in zip(cells, WIDTHS)))
