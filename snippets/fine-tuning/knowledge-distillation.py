# --8<-- [start:distill]
import numpy as np
import torch
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

n_threads = torch.get_num_threads()
torch.set_num_threads(1)  # bit-identical results on any core count
torch.manual_seed(0)
X, y = load_digits(return_X_y=True)
X = (X / 16.0).astype(np.float32)
Xtr, Xte, ytr, yte = map(
    torch.tensor, train_test_split(X, y, test_size=0.5, random_state=0, stratify=y)
)


def mlp(hidden, depth=1, dropout=0.0):
    layers, d = [], 64
    for _ in range(depth):
        layers += [
            torch.nn.Linear(d, hidden),
            torch.nn.ReLU(),
            torch.nn.Dropout(dropout),
        ]
        d = hidden
    return torch.nn.Sequential(*layers, torch.nn.Linear(d, 10))


def kd_loss(student_logits, teacher_logits, T):
    """Hinton et al. (2015): T^2 * KL(softmax(teacher / T) || softmax(student / T))."""
    soft = F.kl_div(
        F.log_softmax(student_logits / T, dim=1),
        F.log_softmax(teacher_logits / T, dim=1),
        reduction="batchmean",
        log_target=True,
    )
    return T * T * soft


def train(model, steps, X_, y_, teacher_logits=None, T=2.0, alpha=0.5, mixup=False):
    """y_ == -1 marks an unlabelled input: only the teacher's soft targets count.

    teacher_logits: the frozen teacher's logits for X_, computed once up front.
    """
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    model.train()
    for _ in range(steps):
        i = torch.randint(0, len(X_), (64,))
        x, yb = X_[i], y_[i]
        if mixup:  # the teacher is regularised with mixup and dropout
            j, lam = torch.randint(0, len(X_), (64,)), torch.rand(64, 1)
            x = lam * x + (1 - lam) * X_[j]
            target = (
                lam * F.one_hot(yb, 10).float()
                + (1 - lam) * F.one_hot(y_[j], 10).float()
            )
            loss = F.cross_entropy(model(x), target)
        elif teacher_logits is None:
            loss = F.cross_entropy(model(x), yb)
        else:
            logits, has_label = model(x), yb >= 0
            soft = kd_loss(logits, teacher_logits[i], T)
            hard = (
                F.cross_entropy(logits[has_label], yb[has_label])
                if has_label.any()
                else 0.0
            )
            loss = alpha * soft + (1 - alpha) * hard
        opt.zero_grad()
        loss.backward()
        opt.step()
    return model.eval()


def accuracy(model):
    with torch.no_grad():
        return (model(Xte).argmax(1) == yte).float().mean().item()


def n_params(model):
    return sum(p.numel() for p in model.parameters())


# The teacher: a big model trained on all 898 labelled training images.
teacher = train(mlp(512, depth=2, dropout=0.2), 1500, Xtr, ytr, mixup=True)
print(f"teacher: {n_params(teacher):,} params, test accuracy {accuracy(teacher):.3f}")
print(
    f"student: {n_params(mlp(32)):,} params "
    f"({n_params(teacher) / n_params(mlp(32)):.0f}x smaller)"
)

# The student's budget: 100 labelled images, plus the other 798 without labels (the
# transfer set).
labelled = torch.randperm(len(Xtr))[:100]
y_partial = torch.full_like(ytr, -1)
y_partial[labelled] = ytr[labelled]
with torch.no_grad():  # the teacher is frozen: its logits are computed once
    teacher_logits = teacher(Xtr)
pseudo = teacher_logits.argmax(1)  # its hard predictions, for pseudo-labelling
runs = {
    "100 hard labels": lambda: train(mlp(32), 800, Xtr[labelled], ytr[labelled]),
    "distilled, same 100 inputs": lambda: train(
        mlp(32), 800, Xtr[labelled], ytr[labelled], teacher_logits[labelled]
    ),
    "distilled, + 798 unlabelled": lambda: train(
        mlp(32), 800, Xtr, y_partial, teacher_logits
    ),
    "teacher's hard pseudo-labels": lambda: train(mlp(32), 800, Xtr, pseudo),
    "(ceiling) all 898 true labels": lambda: train(mlp(32), 800, Xtr, ytr),
}
print(f"{'student trained on':30s} {'test accuracy (mean of 3 seeds)':>31s}")
for name, run in runs.items():
    scores = []
    for seed in range(3):
        torch.manual_seed(seed)
        scores.append(accuracy(run()))
    print(f"{name:30s} {np.mean(scores):>31.3f}")
torch.set_num_threads(n_threads)
# --8<-- [end:distill]

# --8<-- [start:t-squared]
import torch
import torch.nn.functional as F

# Why multiply by T^2: the soft-target gradient shrinks like 1/T^2 as T grows.
torch.manual_seed(0)
student = torch.randn(1000, 10, requires_grad=True)
teacher = torch.randn(1000, 10)
for T in [1.0, 2.0, 4.0, 8.0]:
    kl = F.kl_div(
        F.log_softmax(student / T, 1), F.softmax(teacher / T, 1), reduction="batchmean"
    )
    (grad,) = torch.autograd.grad(kl, student)
    print(
        f"T={T:<3} |grad| = {grad.norm():.4f}   |grad| * T^2 = "
        f"{grad.norm() * T * T:.4f}"
    )
# --8<-- [end:t-squared]
