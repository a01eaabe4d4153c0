import copy

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_default_dtype(torch.float64)
SIZE, CLASSES = 12, 4


def gratings(n, generator):
    """Noisy stripes at one of four orientations (the class), random phase."""
    labels = torch.randint(CLASSES, (n,), generator=generator)
    angle = labels.double() * torch.pi / CLASSES
    freq, phase, amplitude = torch.rand(3, n, generator=generator)
    freq, phase, amplitude = 0.6 + 0.4 * freq, 2 * torch.pi * phase, 0.5 + amplitude
    coords = torch.arange(SIZE, dtype=torch.float64)
    yy, xx = torch.meshgrid(coords, coords, indexing="ij")
    along = xx * torch.cos(angle)[:, None, None] + yy * torch.sin(angle)[:, None, None]
    wave = torch.sin(freq[:, None, None] * along + phase[:, None, None])
    noise = torch.randn(n, SIZE, SIZE, generator=generator)
    images = amplitude[:, None, None] * wave + 1.2 * noise
    return images.unsqueeze(1), labels


def corrupt(kind, x, generator, severity=1.0):
    if kind == "noise":
        return x + 1.5 * severity * torch.randn(x.shape, generator=generator)
    if kind == "contrast":
        return (1 - 0.6 * severity) * x
    if kind == "brightness":
        return x + 1.5 * severity
    return x


def init_uniform(net, generator):
    """PyTorch's default init, drawn with torch.rand (same values on every CPU)."""
    with torch.no_grad():
        for m in net.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                bound = m.weight[0].numel() ** -0.5
                for p in (m.weight, m.bias):
                    if p is not None:
                        u = torch.rand(p.shape, generator=generator)
                        p.copy_(bound * (2 * u - 1))


gen = torch.Generator().manual_seed(0)
x_train, y_train = gratings(4000, gen)
source = nn.Sequential(
    nn.Conv2d(1, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8), nn.ReLU(),
    nn.Conv2d(8, 16, 3, padding=1, stride=2, bias=False), nn.BatchNorm2d(16),
    nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(16, CLASSES),
)  # fmt: skip
init_uniform(source, gen)
opt = torch.optim.Adam(source.parameters(), lr=0.01)
for _ in range(300):
    idx = torch.randint(len(x_train), (64,), generator=gen)
    loss = F.cross_entropy(source(x_train[idx]), y_train[idx])
    opt.zero_grad()
    loss.backward()
    opt.step()
source.eval()


# --- Test-time adapters: each one sees the test batches in order, no labels -------
def bn_layers(net):
    return [m for m in net.modules() if isinstance(m, nn.BatchNorm2d)]


class NoAdaptation:
    def __call__(self, x):
        with torch.no_grad():
            return source(x)


class BatchStats:
    """Normalise with each test batch's own statistics (prediction-time BN).
    prior > 0 mixes in the training statistics, weight prior / (prior + n)."""

    def __init__(self, prior=0):
        self.prior = prior

    def __call__(self, x):
        w = self.prior / (self.prior + len(x))
        h = x
        with torch.no_grad():
            for m in source:
                if isinstance(m, nn.BatchNorm2d):
                    mean = w * m.running_mean + (1 - w) * h.mean((0, 2, 3))
                    var = w * m.running_var + (1 - w) * h.var((0, 2, 3), unbiased=False)
                    h = F.batch_norm(h, mean, var, m.weight, m.bias, False, 0, m.eps)
                else:
                    h = m(h)
        return h


class RunningStats:
    """Exponential moving average of test statistics, started from the training ones."""

    def __init__(self, momentum=0.1):
        self.net = copy.deepcopy(source)
        for m in bn_layers(self.net):
            m.momentum = momentum

    def __call__(self, x):
        with torch.no_grad():
            # train mode only updates the running statistics; predict in eval mode
            self.net.train()(x)
            return self.net.eval()(x)


class Tent:
    """Entropy minimisation on BN scale and shift, one Adam step per batch (Wang et
    al. 2021); normalises with batch statistics; reset_every batches back to source."""

    def __init__(self, lr, reset_every=None):
        self.lr, self.reset_every, self.seen = lr, reset_every, 0
        self.reset()

    def reset(self):
        self.net = copy.deepcopy(source).train()
        self.net.requires_grad_(False)
        params = []
        for m in bn_layers(self.net):
            m.track_running_stats = False
            m.running_mean = m.running_var = None
            m.requires_grad_(True)
            params += [m.weight, m.bias]
        self.opt = torch.optim.Adam(params, lr=self.lr)

    def __call__(self, x):
        if self.reset_every and self.seen and self.seen % self.reset_every == 0:
            self.reset()
        self.seen += 1
        with torch.enable_grad():
            logits = self.net(x)
            entropy = -(logits.softmax(1) * logits.log_softmax(1)).sum(1).mean()
            self.opt.zero_grad()
            entropy.backward()
            self.opt.step()
        # the prediction is the forward pass the update was computed on
        return logits.detach()


def accuracy(adapter, x, y, batch):
    preds = torch.cat([adapter(b).argmax(1) for b in x.split(batch)])
    return (preds == y).double().mean().item()


ADAPTERS = {
    "no adaptation": NoAdaptation,
    "BN, batch statistics": BatchStats,
    "BN, prior N=16": lambda: BatchStats(prior=16),
    "BN, running average": RunningStats,
    "TENT, lr 1e-3": lambda: Tent(lr=1e-3),
}

# --- 1. One shift at a time, i.i.d. batches of 200 ---------------------------------
x_test, y_test = gratings(1000, gen)
kinds = ("none", "noise", "contrast", "brightness")
shifted = {k: corrupt(k, x_test, gen) for k in kinds}
print("accuracy, batches of 200    clean   noise  contrast  brightness")
for name, make in ADAPTERS.items():
    accs = [accuracy(make(), x, y_test, 200) for x in shifted.values()]
    print(f"{name:26}" + "".join(f"{a:8.3f}" for a in accs))

# --- 2. Batch size and label shift inside a batch (brightness) --------------------
by_class = torch.argsort(y_test, stable=True)
x_b = shifted["brightness"]
print()
print("brightness            i.i.d. batches        class-sorted batches")
print("batch size            200     16      1      200     16      1")
for name, make in ADAPTERS.items():
    accs = [accuracy(make(), x_b, y_test, n) for n in (200, 16, 1)]
    accs += [accuracy(make(), x_b[by_class], y_test[by_class], n) for n in (200, 16, 1)]
    print(f"{name:20}" + "".join(f"{a:7.3f}" for a in accs))


# --- 3. A long stream whose shift changes every 5 batches --------------------------
def stream(skewed, seed=1, segments=60, per_segment=5, batch=64):
    """Batches of 64; with skewed=True, 48 of each batch are one (random) class."""
    g = torch.Generator().manual_seed(seed)
    kinds = ("noise", "contrast", "brightness")
    for s in range(segments):
        severity = 0.5 + 0.5 * torch.rand(1, generator=g).item()
        for _ in range(per_segment):
            x, y = gratings(4 * batch, g)
            if skewed:
                major = torch.randint(CLASSES, (1,), generator=g)
                in_major = (y == major).nonzero().flatten()[: 3 * batch // 4]
                others = (y != major).nonzero().flatten()[: batch - len(in_major)]
                keep = torch.cat([in_major, others])
            else:
                keep = torch.arange(batch)
            yield corrupt(kinds[s % 3], x[keep], g, severity), y[keep]


STREAM_ADAPTERS = {
    "no adaptation": NoAdaptation,
    "BN, batch statistics": BatchStats,
    "TENT, lr 1e-3": lambda: Tent(lr=1e-3),
    "TENT, lr 1e-2": lambda: Tent(lr=1e-2),
    "TENT, lr 1e-2, reset/16": lambda: Tent(lr=1e-2, reset_every=16),
}


def top_share(labels):
    """Share of the most frequent class: 1.000 means one class for everything."""
    return torch.bincount(labels, minlength=CLASSES).max().item() / len(labels)


for skewed in (False, True):
    batches = list(stream(skewed))
    truth = top_share(torch.cat([y for _, y in batches[-60:]]))
    print()
    label = "3/4 of each batch one class" if skewed else "i.i.d. batches"
    print(f"stream of 300 batches, {label}; top class = share of the most")
    print(f"predicted class in the last fifth (true labels: {truth:.3f})")
    print("accuracy per fifth          1st    2nd    3rd    4th    5th  top class")
    for name, make in STREAM_ADAPTERS.items():
        adapter, hits, preds = make(), [], []
        for x, y in batches:
            p = adapter(x).argmax(1)
            hits.append((p == y).double().mean().item())
            preds.append(p)
        fifths = torch.tensor(hits).view(5, -1).mean(1)
        top = top_share(torch.cat(preds[-60:]))
        print(f"{name:24}" + "".join(f"{a:7.3f}" for a in fifths) + f"{top:8.3f}")
