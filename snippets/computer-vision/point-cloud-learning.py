import numpy as np
import torch
from torch import nn

torch.manual_seed(0)
torch.set_default_dtype(torch.float64)
rng = np.random.default_rng(0)
CLASSES = ["sphere", "cube", "cylinder", "cone", "torus"]
N_POINTS = 128


def sample_surface(shape, n):
    """n points on the surface of a unit-sized shape, roughly uniform by area."""
    if shape == "sphere":
        p = rng.normal(size=(n, 3))
        return p / np.linalg.norm(p, axis=1, keepdims=True)
    if shape == "cube":
        p = rng.uniform(-0.8, 0.8, (n, 3))
        axis, side = rng.integers(3, size=n), rng.choice([-0.8, 0.8], n)
        p[np.arange(n), axis] = side
        return p
    if shape == "cylinder":
        # radius 0.8, height 2: the side has 2.5x the area of the two caps
        angle, on_side = rng.uniform(0, 2 * np.pi, n), rng.random(n) < 10 / 14
        r = np.where(on_side, 0.8, 0.8 * np.sqrt(rng.random(n)))
        z = np.where(on_side, rng.uniform(-1, 1, n), rng.choice([-1.0, 1.0], n))
        return np.c_[r * np.cos(angle), r * np.sin(angle), z]
    if shape == "cone":
        # base radius 1 at z=-1, apex at z=1: the side has 2.2x the base's area
        angle, on_side = rng.uniform(0, 2 * np.pi, n), rng.random(n) < 0.69
        t = np.sqrt(rng.random(n))
        r, z = t, np.where(on_side, 1 - 2 * t, -1.0)
        return np.c_[r * np.cos(angle), r * np.sin(angle), z]
    # torus, R = 0.75, r = 0.3; rejection makes the density uniform by area
    u, v = rng.uniform(0, 2 * np.pi, (2, 4 * n))
    keep = rng.random(4 * n) < (0.75 + 0.3 * np.cos(v)) / 1.05
    u, v = u[keep][:n], v[keep][:n]
    ring = 0.75 + 0.3 * np.cos(v)
    return np.c_[ring * np.cos(u), ring * np.sin(u), 0.3 * np.sin(v)]


def rotation(angle, axis):
    """Rotation matrix by angle about the z (vertical) or the x axis."""
    c, s = np.cos(angle), np.sin(angle)
    if axis == "z":
        return np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])
    return np.array([[1, 0, 0], [0, c, -s], [0, s, c]])


def by_height(p):
    """Points sorted by height: the fixed order a scanner's rows would give them."""
    return p[np.argsort(p[:, 2])]


def make_cloud(shape):
    """Random rotation about the vertical axis, scale and jitter."""
    p = sample_surface(shape, N_POINTS)
    p = p @ rotation(rng.uniform(0, 2 * np.pi), "z").T * rng.uniform(0.8, 1.25)
    p += np.clip(rng.normal(0, 0.02, p.shape), -0.05, 0.05)
    return by_height(p)


def dataset(per_class):
    clouds = [make_cloud(s) for s in CLASSES for _ in range(per_class)]
    labels = np.repeat(np.arange(len(CLASSES)), per_class)
    return torch.tensor(np.stack(clouds)), torch.tensor(labels)


X_train, y_train = dataset(200)
X_test, y_test = dataset(100)


class FlatMLP(nn.Module):
    """Reads the 128 x 3 coordinates as one vector of 384 numbers."""

    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Flatten(), nn.Linear(3 * N_POINTS, 256), nn.ReLU(),
            nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, len(CLASSES)),
        )  # fmt: skip

    def forward(self, x):
        return self.net(x)


class PointNet(nn.Module):
    """The same small MLP on every point, then a symmetric pool over the points."""

    def __init__(self, pool):
        super().__init__()
        self.pool = pool
        self.point_mlp = nn.Sequential(
            nn.Linear(3, 32), nn.ReLU(), nn.Linear(32, 64), nn.ReLU()
        )
        self.head = nn.Sequential(
            nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, len(CLASSES))
        )

    def global_feature(self, x):
        per_point = self.point_mlp(x)  # (clouds, points, 64 channels)
        if self.pool == "max":
            return per_point.max(dim=1).values
        return per_point.mean(dim=1)

    def forward(self, x):
        return self.head(self.global_feature(x))


def train(model, shuffle_points=False, steps=600):
    torch.manual_seed(0)
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    g = torch.Generator().manual_seed(0)
    for _ in range(steps):
        batch = torch.randint(len(y_train), (32,), generator=g)
        x = X_train[batch]
        if shuffle_points:
            x = x[:, torch.randperm(N_POINTS, generator=g)]
        loss = nn.functional.cross_entropy(model(x), y_train[batch])
        opt.zero_grad()
        loss.backward()
        opt.step()
    return model


def keep_half(x, keep):
    """Keep the chosen 64 points of each cloud (in height order) and list each
    twice: the flat MLP needs 128 points, and a max or mean pool is unchanged."""
    kept = torch.stack([cloud[np.sort(idx)] for cloud, idx in zip(x, keep)])
    return kept.repeat_interleave(2, dim=1)


n_test = len(y_test)
perm = torch.Generator().manual_seed(1)
test_sets = {
    "in order": X_test,
    "permuted": torch.stack(
        [c[torch.randperm(N_POINTS, generator=perm)] for c in X_test]
    ),
    "half rand": keep_half(
        X_test, [rng.permutation(N_POINTS)[: N_POINTS // 2] for _ in range(n_test)]
    ),
    # a sensor on one side sees the 64 points nearest to it, here along +x
    "half side": keep_half(
        X_test, [np.argsort(-c[:, 0].numpy())[: N_POINTS // 2] for c in X_test]
    ),
    # never seen in training: each cloud tipped over by up to 90 degrees
    "tilted": torch.tensor(
        np.stack(
            [
                by_height(c @ rotation(rng.uniform(0, np.pi / 2), "x").T)
                for c in X_test.numpy()
            ]
        )
    ),
}
models = {
    "MLP, 384 coords": lambda: train(FlatMLP()),
    "MLP, shuffled": lambda: train(FlatMLP(), shuffle_points=True),
    "PointNet, max pool": lambda: train(PointNet("max")),
    "shared MLP, mean": lambda: train(PointNet("mean")),
}
print(f"5 shapes, {N_POINTS} points, {len(y_train)} train / {n_test} test clouds")
print("accuracy on the training set, then on the test set")
header = ["train", "in order", "permuted", "half rand", "half side", "tilted"]
print(f"{'model':19}" + "".join(f"{h:>10}" for h in header))
trained = {}
for name, build in models.items():
    trained[name] = model = build()
    with torch.no_grad():
        accs = [
            (model(x).argmax(1) == y).double().mean()
            for x, y in [(X_train, y_train)] + [(x, y_test) for x in test_sets.values()]
        ]
    print(f"{name:19}" + "".join(f"{a:>10.3f}" for a in accs))


def critical_points(model, cloud):
    """Points that hold the maximum of at least one channel (channels that are 0
    on every point are silent and have no winner)."""
    per_point = model.point_mlp(cloud)  # (points, 64 channels)
    active = per_point.max(dim=0).values > 0
    return per_point.argmax(dim=0)[active].unique()


pointnet = trained["PointNet, max pool"]
with torch.no_grad():
    gap = (pointnet(X_test) - pointnet(test_sets["permuted"])).abs().max()
    print(f"\nPointNet logits, in order vs permuted, max gap < 1e-12: {gap < 1e-12}")
    torus = X_test[y_test == CLASSES.index("torus")][0]
    critical = critical_points(pointnet, torus)
    # re-run on the critical points alone: same maxima, up to float rounding
    feature_all = pointnet.global_feature(torus[None])
    feature_critical = pointnet.global_feature(torus[critical][None])
    change = (feature_critical - feature_all).abs().max()
    label = CLASSES[pointnet(torus[critical][None]).argmax().item()]
    print(f"critical points of one torus: {len(critical)} of {N_POINTS}")
    print(f"  global feature from them alone, max change < 1e-12: {change < 1e-12}")
    print(f"  class predicted from them alone: {label}")
    counts = [len(critical_points(pointnet, cloud)) for cloud in X_test]
    print(f"  critical points per test cloud: mean {np.mean(counts):.1f}")
