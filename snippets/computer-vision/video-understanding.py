# --8<-- [start:cost]
import torch
from torch import nn


def weights(m):
    return sum(p.numel() for p in m.parameters() if p.dim() > 1)  # conv kernels


def macs(m, x):
    """Multiply-accumulates: each conv output value costs kernel volume x C_in."""
    count = []

    def hook(conv, inputs, out):
        count.append(out.numel() * conv.weight[0].numel())

    convs = [c for c in m.modules() if isinstance(c, nn.Conv3d)]
    handles = [c.register_forward_hook(hook) for c in convs]
    y = m(x)
    for h in handles:
        h.remove()
    return sum(count), tuple(y.shape)


torch.manual_seed(0)
c, t, d = 64, 3, 3
# R(2+1)D: M spatial filters chosen so the block has the 3D conv's parameter count
M = (t * d * d * c * c) // (d * d * c + t * c)
layers = {
    "2D 3x3 on every frame": nn.Conv3d(c, c, (1, d, d), padding=(0, 1, 1), bias=False),
    "3D 3x3x3": nn.Conv3d(c, c, (t, d, d), padding=1, bias=False),
    f"(2+1)D, M={M}": nn.Sequential(
        nn.Conv3d(c, M, (1, d, d), padding=(0, 1, 1), bias=False),  # space
        nn.ReLU(),  # the extra nonlinearity (R(2+1)D puts BatchNorm before it)
        nn.Conv3d(M, c, (t, 1, 1), padding=(1, 0, 0), bias=False),  # time
    ),
}
x = torch.randn(1, c, 8, 28, 28)  # (batch, channels, T, H, W)
print(f"input {tuple(x.shape)}")
print(f"{'layer':<22}{'weights':>9}{'MACs':>15}  output shape")
for name, m in layers.items():
    with torch.no_grad():
        n_macs, shape = macs(m, x)
    print(f"{name:<22}{weights(m):>9,}{n_macs:>15,}  {shape}")

# I3D inflation: repeat a 2D kernel t times along time and divide by t. On a video
# of one repeated frame, the 3D conv then gives the 2D conv's output at every step.
conv2d = nn.Conv2d(3, 8, d, padding=1)
conv3d = nn.Conv3d(3, 8, (t, d, d), padding=(0, 1, 1))
with torch.no_grad():
    conv3d.weight.copy_(conv2d.weight.unsqueeze(2).repeat(1, 1, t, 1, 1) / t)
    conv3d.bias.copy_(conv2d.bias)
    frame = torch.randn(1, 3, 16, 16)
    still = frame.unsqueeze(2).repeat(1, 1, 8, 1, 1)  # 8 copies of the frame
    out3d, out2d = conv3d(still), conv2d(frame).unsqueeze(2)
same = torch.allclose(out3d, out2d.expand_as(out3d), atol=1e-5)
print(f"inflated 3D conv on a still video == 2D conv on the frame: {same}")

# Transformer tokens for 224x224 frames and 16x16 patches: joint space-time
# attention scores every pair of tokens; divided attention (TimeSformer) scores,
# per token, the tokens at its position in other frames plus the 196 of its frame.
print(f"{'frames':>6}{'tokens':>8}{'joint scores':>15}{'divided':>12}{'ratio':>7}")
for frames in (8, 16, 32):
    n = frames * 196
    joint, divided = n * n, n * (frames + 196)
    print(f"{frames:>6}{n:>8,}{joint:>15,}{divided:>12,}{joint / divided:>7.1f}")
# VideoMAE: 16 frames cut into 2x16x16 tubelets, 90% of the tubes masked
tubes = 16 // 2 * 196
visible = tubes - int(0.9 * tubes)
share = visible**2 / tubes**2
print(f"VideoMAE encoder: {visible} of {tubes:,} tokens, {share:.1%} of joint scores")
# --8<-- [end:cost]

# --8<-- [start:motion]
import numpy as np
import torch
from torch import nn

rng = np.random.default_rng(0)
torch.manual_seed(0)
T, S = 6, 12  # frames per clip, frame size
MOVES = [(0, 1), (0, -1), (1, 0), (-1, 0)]  # right, left, down, up (rows, columns)


def clips(n):
    """A noisy Gaussian blob moving 1 pixel per frame on a torus; the class is the
    direction. The start is uniform, so any single frame has the same distribution
    in every class: a blob at a uniformly random position."""
    y = rng.integers(0, 4, n)
    size, height = rng.uniform(1.0, 1.8, n), rng.uniform(0.7, 1.3, n)
    start = rng.integers(0, S, (n, 2))
    path = start[:, None] + np.array(MOVES)[y][:, None] * np.arange(T)[:, None]
    # signed distance on the torus from each pixel row/column to the blob centre
    dist = (np.arange(S) - path[..., None] + S // 2) % S - S // 2  # (n, T, 2, S)
    sq = dist[:, :, 0, :, None] ** 2 + dist[:, :, 1, None, :] ** 2  # (n, T, S, S)
    video = height[:, None, None, None] * np.exp(
        -sq / (2 * size[:, None, None, None] ** 2)
    )
    video += rng.normal(0, 0.3, video.shape)
    return torch.tensor(video, dtype=torch.float32), torch.tensor(y)


def cnn(channels_in):
    # The same small 2D CNN for every input. Circular padding and a global max
    # pool make it shift-invariant: it cannot read the blob's position.
    return nn.Sequential(
        nn.Conv2d(channels_in, 16, 3, padding=1, padding_mode="circular"),
        nn.ReLU(),
        nn.Conv2d(16, 16, 3, padding=1, padding_mode="circular"),
        nn.ReLU(),
        nn.AdaptiveMaxPool2d(1),
        nn.Flatten(),
        nn.Linear(16, 4),
    )


def fit(view, video, y, steps=60, lr=0.3):
    """Train the CNN on view(clip); return the classifier of whole clips."""
    net = cnn(view(video[:1]).shape[1])
    for _ in range(steps):
        i = torch.randint(0, len(y), (64,))
        loss = nn.functional.cross_entropy(net(view(video[i])), y[i])
        net.zero_grad()
        loss.backward()
        with torch.no_grad():  # plain SGD
            for p in net.parameters():
                p -= lr * p.grad
    return lambda v: net(view(v))


def accuracy(model, video, y):
    with torch.no_grad():
        return (model(video).argmax(1) == y).float().mean().item()


X_tr, y_tr = clips(2000)
X_te, y_te = clips(1000)
one = fit(lambda v: v[:, :1], X_tr, y_tr)  # sees the first frame only


def consensus(v):
    # TSN-style: the one-frame network on every frame, class scores averaged
    return torch.stack([one(v[:, f:]) for f in range(T)]).mean(0)


stacked = fit(lambda v: v, X_tr, y_tr)
diffs = fit(lambda v: v[:, 1:] - v[:, :-1], X_tr, y_tr)
print(f"4 motion directions, {T} frames of {S}x{S}; test accuracy, chance is 0.25")
for name, model in [
    ("one frame (the first)", one),
    ("one-frame scores averaged over frames", consensus),
    ("frames stacked as channels", stacked),
    ("frame differences as channels", diffs),
]:
    print(f"{name:<40}{accuracy(model, X_te, y_te):.3f}")
with torch.no_grad():
    n_classes = one(X_te).argmax(1).unique().numel()
print(f"{'  one frame: classes it ever predicts':<40}{n_classes}")
backwards = X_te.flip(1)  # the same test clips played in reverse
opposite = y_te ^ 1  # right <-> left, down <-> up
print(
    f"{'stacked, clips played backwards':<40}{accuracy(stacked, backwards, y_te):.3f}"
)
print(f"{'  ...predicts the opposite direction':<40}"
      f"{accuracy(stacked, backwards, opposite):.3f}")  # fmt: skip
# --8<-- [end:motion]
