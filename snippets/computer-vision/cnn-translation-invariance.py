# --8<-- [start:exact]
import torch
from torch import nn

torch.manual_seed(0)
x = torch.randn(1, 1, 16, 16)


def shift(t, dx):
    """Circular shift to the right by dx pixels."""
    return torch.roll(t, dx, dims=-1)


conv = nn.Conv2d(1, 8, 3, padding=1, padding_mode="circular")
pool = nn.MaxPool2d(2)
gap = nn.AdaptiveAvgPool2d(1)
with torch.no_grad():
    f, f1, f2 = conv(x), conv(shift(x, 1)), conv(shift(x, 2))
    # Equivariance: shifting the input shifts the feature map.
    equivariant = torch.allclose(f1, shift(f, 1))
    print(f"conv:             conv(shift x) == shift(conv x): {equivariant}")
    # Stride-2 pooling: a 2-px input shift is a 1-cell shift of the pooled map; a
    # 1-px shift matches neither "no shift" nor "1-cell shift" (error vs closest).
    p, p1, p2 = pool(f), pool(f1), pool(f2)
    err2 = (p2 - shift(p, 1)).abs().max() / p.abs().max()
    err1 = min((p1 - shift(p, d)).abs().max() for d in (0, 1)) / p.abs().max()
    print(f"conv + maxpool/2: 2-px shift, error vs shifted map {err2:.3f}")
    print(f"conv + maxpool/2: 1-px shift, error vs closest shift {err1:.3f}")
    # Invariance: global average pooling of an equivariant map ignores the shift.
    invariant = torch.allclose(gap(f), gap(f1), atol=1e-6)
    print(f"conv + global average pool: same output after a 1-px shift: {invariant}")
# --8<-- [end:exact]

# --8<-- [start:trained]
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn

torch.manual_seed(0)
X, y = load_digits(return_X_y=True)
# Centre each 8x8 digit in a 12x12 canvas, so shifts of up to 2 pixels lose nothing.
X = torch.tensor(X / 16, dtype=torch.float32).reshape(-1, 1, 8, 8)
X = nn.functional.pad(X, (2, 2, 2, 2))
X_tr, X_te, y_tr, y_te = train_test_split(
    X, torch.tensor(y), test_size=0.3, random_state=0
)


def conv(c_in, c_out):
    return [nn.Conv2d(c_in, c_out, 3, padding=1, padding_mode="circular"), nn.ReLU()]


def head(kind):
    if kind == "flatten":
        return [nn.Flatten(), nn.Linear(32 * 144, 10)]
    return [nn.AdaptiveMaxPool2d(1), nn.Flatten(), nn.Linear(32, 10)]


# Functions, so that every model is built fresh after torch.manual_seed(0).
models = {
    "MLP": lambda: [nn.Flatten(), nn.Linear(144, 128), nn.ReLU(), nn.Linear(128, 10)],
    "CNN, flatten + dense": lambda: conv(1, 16) + conv(16, 32) + head("flatten"),
    "CNN, global max pool": lambda: conv(1, 16) + conv(16, 32) + conv(32, 32)
    + head("global max"),
    "CNN, maxpool/2 + global": lambda: conv(1, 16) + [nn.MaxPool2d(2)] + conv(16, 32)
    + conv(32, 32) + head("global max"),
}  # fmt: skip
print("trained on centred digits; test accuracy with the test digits shifted right by")
print(f"{'':25}{'0 px':>7}{'1 px':>7}{'2 px':>7}")
for name, build in models.items():
    torch.manual_seed(0)
    model = nn.Sequential(*build())
    opt = torch.optim.Adam(model.parameters(), 3e-3)
    g = torch.Generator().manual_seed(0)
    for _ in range(400):
        i = torch.randint(len(y_tr), (64,), generator=g)
        loss = nn.functional.cross_entropy(model(X_tr[i]), y_tr[i])
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        accs = [
            (model(torch.roll(X_te, dx, dims=-1)).argmax(1) == y_te).float().mean()
            for dx in (0, 1, 2)
        ]
    print(f"{name:25}" + "".join(f"{a:>7.3f}" for a in accs))
# --8<-- [end:trained]
