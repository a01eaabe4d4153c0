import torch
from torch import nn

torch.manual_seed(0)
# PROBE: measure the task gradients on the shared layer every 20 steps
D, WIDTH, STEPS, PROBE = 20, 8, 300, 20
# A and B are different functions of the same 3 directions U; C uses 3 others, V
Q = torch.linalg.qr(torch.randn(D, 6))[0]
U, V = Q[:, :3], Q[:, 3:]
TARGETS = {
    "A": lambda x: torch.tanh(x @ U) @ torch.tensor([1.0, -1.0, 0.5]),
    "B": lambda x: torch.tanh(x @ U) @ torch.tensor([0.5, 1.0, 1.0]),
    "C": lambda x: torch.tanh(x @ V) @ torch.tensor([1.0, 1.0, -1.0]),
}


def make(task, n):
    x = torch.randn(n, D)
    return x, TARGETS[task](x) + 0.1 * torch.randn(n)


class Net(nn.Module):
    """Hard parameter sharing: one trunk, one linear head per task."""

    def __init__(self, tasks):
        super().__init__()
        self.trunk = nn.Sequential(nn.Linear(D, WIDTH), nn.Tanh())
        self.heads = nn.ModuleDict({t: nn.Linear(WIDTH, 1) for t in tasks})
        # log sigma_t^2, learned only under uncertainty weighting
        self.log_var = nn.ParameterDict(
            {t: nn.Parameter(torch.zeros(())) for t in tasks}
        )

    def forward(self, x, t):
        return self.heads[t](self.trunk(x)).squeeze(-1)


def mse(net, t, xy):
    return ((net(xy[0], t) - xy[1]) ** 2).mean()


def shared_grad(net, loss):
    """Gradient of one task's loss on the shared layer, flattened."""
    return torch.autograd.grad(loss, net.trunk[0].weight, retain_graph=True)[0].ravel()


def train(data, tasks, weighting="equal"):
    torch.manual_seed(1)
    net = Net(tasks)
    heads_trunk = [p for n, p in net.named_parameters() if not n.startswith("log_var")]
    # the log-variances must travel ~log(loss ratio): they get their own step size
    opt = torch.optim.Adam(
        [{"params": heads_trunk}, {"params": net.log_var.parameters(), "lr": 0.2}],
        lr=0.01,
    )
    cos, share = [], []
    for step in range(STEPS):
        losses = {t: mse(net, t, data[t]) for t in tasks}
        if weighting == "uncertainty":
            # Kendall et al. (2018): L_t / (2 sigma_t^2) + log sigma_t
            losses = {
                t: 0.5 * torch.exp(-net.log_var[t]) * loss + 0.5 * net.log_var[t]
                for t, loss in losses.items()
            }
        if len(tasks) > 1 and step % PROBE == 0:
            g = {t: shared_grad(net, losses[t]) for t in tasks}
            cos.append(torch.cosine_similarity(g["A"], g[tasks[1]], dim=0))
            norms = torch.stack([g[t].norm() for t in tasks])
            share.append(norms[-1] / norms.sum())
        opt.zero_grad()
        sum(losses.values()).backward()
        opt.step()
    out = {"cos": mean(cos), "C share": mean(share)}
    with torch.no_grad():
        for t in tasks:
            if t + "_test" in data:
                x, y = data[t + "_test"]
                out[t] = (((net(x, t) - y) ** 2).mean() / y.var()).item()
        # share of the shared layer's weight that reads A's directions (chance 3/20)
        W = net.trunk[0].weight
        out["on U"] = ((W @ U).norm() ** 2 / W.norm() ** 2).item()
        out["weights"] = {t: 0.5 * torch.exp(-net.log_var[t]).item() for t in tasks}
    return out


def mean(values):
    return torch.stack(values).mean().item() if values else 0.0


data = {"A": make("A", 40), "B": make("B", 1000), "C": make("C", 1000)}
data["A_test"], data["C_test"] = make("A", 5000), make("C", 5000)
print("task A has 40 labels; test error = MSE / Var(y), lower is better")
print(f"{'trained on':<12}{'A error':>8}{'trunk on U':>12}{'grad cosine A, other':>22}")
for tasks in [("A",), ("A", "B"), ("A", "C")]:
    r = train(data, tasks)
    cos = "" if len(tasks) == 1 else f"{r['cos']:+22.2f}"
    print(f"{' + '.join(tasks):<12}{r['A']:8.3f}{r['on U']:12.2f}{cos}")

print(f"\n{'A + B + C':<30}{'A error':>8}{'C error':>8}{'C share of grad':>17}")
big = dict(data, C=(data["C"][0], 30 * data["C"][1]))
big["C_test"] = (data["C_test"][0], 30 * data["C_test"][1])
# the usual fix: put every target in its own units (training std), then weight 1:1
sd = {t: big[t][1].std() for t in "ABC"}
std = {k: (x, y / sd[k[0]]) for k, (x, y) in big.items()}
for name, d, weighting in [
    ("equal weights, C in x30 units", big, "equal"),
    ("uncertainty weighting, x30", big, "uncertainty"),
    ("each y / its std, x30", std, "equal"),
]:
    r = train(d, ("A", "B", "C"), weighting)
    print(f"{name:<30}{r['A']:8.3f}{r['C']:8.3f}{r['C share']:17.2f}")
    if weighting == "uncertainty":
        w = ", ".join(f"{t} {v:.3g}" for t, v in r["weights"].items())
        print(f"  learned weights 1/(2 sigma^2): {w}")
