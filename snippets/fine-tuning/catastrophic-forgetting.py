import copy

import numpy as np
import torch
import torch.nn.functional as F
from peft import LoraConfig, get_peft_model
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
perm = torch.tensor(np.random.default_rng(0).permutation(64))
task = {
    "A": (Xtr, ytr, Xte, yte),
    "B": (Xtr[:, perm], ytr, Xte[:, perm], yte),
}  # B: same digits, pixels shuffled


def acc(model, t):
    model.eval()
    with torch.no_grad():
        return (model(task[t][2]).argmax(1) == task[t][3]).float().mean().item()


def train(model, t, epochs=15, lr=1e-3, replay=None, penalty=None):
    X_, y_ = task[t][:2]
    if (
        replay is not None
    ):  # rehearsal: mix stored task-A examples into every task-B epoch
        X_, y_ = torch.cat([X_, replay[0]]), torch.cat([y_, replay[1]])
    opt = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=lr)
    model.train()
    for _ in range(epochs):
        for i in torch.randperm(len(X_)).split(32):
            loss = F.cross_entropy(model(X_[i]), y_[i])
            if penalty is not None:
                loss = loss + penalty(model)
            opt.zero_grad()
            loss.backward()
            opt.step()
    return model


base = torch.nn.Sequential(
    torch.nn.Linear(64, 256),
    torch.nn.ReLU(),
    torch.nn.Linear(256, 256),
    torch.nn.ReLU(),
    torch.nn.Linear(256, 10),
)
train(base, "A")
print(f"after task A: A {acc(base, 'A'):.3f}, B {acc(base, 'B'):.3f}")


# EWC (Kirkpatrick et al. 2017): penalise moving weights that mattered for A, weighted
# by the Fisher information.
def ewc_penalty(model_a, lam):
    fisher = {n: torch.zeros_like(p) for n, p in model_a.named_parameters()}
    model_a.eval()
    for i in range(
        len(Xtr)
    ):  # empirical Fisher: squared per-example gradients of log p(y|x)
        model_a.zero_grad()
        F.cross_entropy(model_a(Xtr[i : i + 1]), ytr[i : i + 1]).backward()
        for n, p in model_a.named_parameters():
            fisher[n] += p.grad.detach() ** 2 / len(Xtr)
    anchor = {n: p.detach().clone() for n, p in model_a.named_parameters()}
    return lambda m: (
        lam
        / 2
        * sum((fisher[n] * (p - anchor[n]) ** 2).sum() for n, p in m.named_parameters())
    )


rng = np.random.default_rng(1)
keep = torch.tensor(
    rng.choice(len(Xtr), size=len(Xtr) // 10, replace=False)
)  # a 10% replay buffer
runs = {
    "fine-tune on B (lr 1e-3)": lambda m: train(m, "B"),
    "lower LR (1e-4)": lambda m: train(m, "B", lr=1e-4),
    "replay 10% of A": lambda m: train(m, "B", replay=(Xtr[keep], ytr[keep])),
    "EWC (lambda 1000)": lambda m: train(
        m, "B", penalty=ewc_penalty(copy.deepcopy(m), 1000.0)
    ),
}
print(f"{'after task B':28s} {'A acc':>6s} {'B acc':>6s}")
for name, run in runs.items():
    torch.manual_seed(1)
    m = run(copy.deepcopy(base))
    print(f"{name:28s} {acc(m, 'A'):>6.3f} {acc(m, 'B'):>6.3f}")

torch.manual_seed(1)
lora = get_peft_model(
    copy.deepcopy(base), LoraConfig(r=8, lora_alpha=16, target_modules=["0", "2", "4"])
)
train(lora, "B")
with lora.disable_adapter():
    a_off = acc(lora, "A")
print(f"{'LoRA on B: adapter off / on':28s} {a_off:>6.3f} {acc(lora, 'B'):>6.3f}")
print(
    f"LoRA adapter on, task A: {acc(lora, 'A'):.3f} (the base is intact only while "
    "the adapter is off)"
)
torch.set_num_threads(n_threads)
