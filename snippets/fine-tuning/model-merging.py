import copy

import numpy as np
import torch
import torch.nn.functional as F
from peft.utils.merge_utils import ties as peft_ties
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

torch.set_num_threads(1)
torch.manual_seed(0)
X, y = load_digits(return_X_y=True)
X = torch.tensor(X / 16.0, dtype=torch.float32)
y = torch.tensor(y)
tr, te = train_test_split(np.arange(len(y)), test_size=0.4, random_state=0, stratify=y)
# Three "domains" of the same 10-class task: the original images, mirrored, transposed
domains = {
    "original": lambda x: x,
    "mirrored": lambda x: x.view(-1, 8, 8).flip(2).reshape(-1, 64),
    "transposed": lambda x: x.view(-1, 8, 8).transpose(1, 2).reshape(-1, 64),
}


def train(backbone, head, domain, steps, lr):
    params = [*backbone.parameters(), *head.parameters()]
    opt = torch.optim.Adam(params, lr=lr)
    for _ in range(steps):
        loss = F.cross_entropy(head(backbone(domains[domain](X[tr]))), y[tr])
        opt.zero_grad()
        loss.backward()
        opt.step()


def accuracy(backbone, head, domain):
    with torch.no_grad():
        pred = head(backbone(domains[domain](X[te]))).argmax(1)
    return (pred == y[te]).float().mean().item()


# "Pre-training": a backbone trained on the original images
backbone = torch.nn.Sequential(torch.nn.Linear(64, 512), torch.nn.ReLU())
train(backbone, torch.nn.Linear(512, 10), "original", steps=150, lr=3e-3)
# Two experts fine-tuned from it, each with its own new head (as in task arithmetic)
experts, heads = {}, {}
for d in ["mirrored", "transposed"]:
    experts[d], heads[d] = copy.deepcopy(backbone), torch.nn.Linear(512, 10)
    train(experts[d], heads[d], d, steps=100, lr=1e-3)
theta0 = {k: v.detach() for k, v in backbone.state_dict().items()}
tau = {d: {k: v.detach() - theta0[k] for k, v in m.state_dict().items()}
       for d, m in experts.items()}  # fmt: skip


def trim(t, density):
    """Keep the largest-magnitude fraction `density` of a task vector's entries."""
    k = int(density * t.numel())
    keep = torch.zeros(t.numel())
    keep[t.abs().flatten().topk(k).indices] = 1
    return t * keep.view(t.shape)


def ties(ts, density=0.2):
    """TIES: trim, elect a sign per entry by total mass, average agreeing entries."""
    t = torch.stack([trim(x, density) for x in ts])
    sign = torch.where(t.sum(0) >= 0, 1.0, -1.0)
    agree = t.sign() == sign
    return (t * agree).sum(0) / agree.sum(0).clamp(min=1)


def dare(t, p=0.9, g=None):
    """DARE: drop each entry with probability p, rescale survivors by 1 / (1 - p)."""
    return t * (torch.rand(t.shape, generator=g) >= p) / (1 - p)


a, b = (tau[d]["0.weight"] for d in ["mirrored", "transposed"])
print("TIES from scratch == peft.utils.merge_utils.ties:",
      torch.allclose(ties([a, b]), peft_ties([a, b], torch.ones(2), 0.2)))  # fmt: skip


def merged(vector):
    model = copy.deepcopy(backbone)
    model.load_state_dict({k: theta0[k] + vector[k] for k in theta0})
    return model


g = torch.Generator().manual_seed(0)
m, t = tau["mirrored"], tau["transposed"]
backbones = {
    "mirrored expert": experts["mirrored"],
    "transposed expert": experts["transposed"],
    "average (0.5 each)": merged({k: (m[k] + t[k]) / 2 for k in m}),
    "task arithmetic (1.0 each)": merged({k: m[k] + t[k] for k in m}),
    "TIES (density 0.2)": merged({k: ties([m[k], t[k]]) for k in m}),
    "DARE (p=0.9) + sum": merged({k: dare(m[k], g=g) + dare(t[k], g=g) for k in m}),
}
print(f"{'backbone':27s} {'mirrored task':>13s} {'transposed task':>15s}")
for name, bb in backbones.items():
    accs = [accuracy(bb, heads[d], d) for d in ["mirrored", "transposed"]]
    print(f"{name:27s} {accs[0]:>13.3f} {accs[1]:>15.3f}")
