import numpy as np

rng = np.random.default_rng(0)
RHO, NOISE, TAU = 0.8, 1.5, 0.5


def responses(shape):
    """Quality q and length ell (both in standard deviations of the policy's
    samples); on this policy longer answers are usually better (corr 0.8)."""
    q = rng.standard_normal(shape)
    ell = RHO * q + np.sqrt(1 - RHO**2) * rng.standard_normal(shape)
    return q, ell


def gold(q, ell):
    # what we want: quality, minus a penalty for padding beyond +1.25 sd of length
    return q - np.maximum(ell - 1.25, 0) ** 2


def rm_features(q, ell):
    # the reward model perceives quality only noisily, length exactly
    return np.stack([q + NOISE * rng.standard_normal(q.shape), ell], axis=-1)


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def labelled_pairs(m, max_length_gap=np.inf):
    """m pairs labelled by two independent annotators: Bradley-Terry on the
    gold reward with temperature TAU. Keep pairs whose lengths differ by less
    than max_length_gap (length-controlled pairs)."""
    q, ell = responses((2, m))
    keep = np.abs(ell[0] - ell[1]) < max_length_gap
    q, ell = q[:, keep], ell[:, keep]
    x = rm_features(q, ell)
    p_first = sigmoid((gold(q[0], ell[0]) - gold(q[1], ell[1])) / TAU)
    labels = rng.random((2, keep.sum())) < p_first
    return x[0] - x[1], labels, p_first


# Train: Bradley-Terry = logistic regression on feature differences (Newton)
dx, labels, _ = labelled_pairs(20_000)
y, w = labels[0], np.zeros(2)
for _ in range(25):
    p = sigmoid(dx @ w)
    w += np.linalg.solve((dx * (p * (1 - p))[:, None]).T @ dx, dx.T @ (y - p))
print(f"reward model weights: quality {w[0]:.2f}, length {w[1]:.2f}")


def ece(prob, outcome, bins=10):
    """Expected calibration error of P(first response wins)."""
    idx = np.minimum((prob * bins).astype(int), bins - 1)
    return sum(
        np.mean(idx == b) * abs(prob[idx == b].mean() - outcome[idx == b].mean())
        for b in range(bins)
        if np.any(idx == b)
    )


print(f"{'held-out pairs':24}{'pairs':>7}{'agreement':>10}{'ceiling':>8}", end="")
print(f"{'RM acc':>8}{'RM ECE':>8}")
for name, gap in [("random", np.inf), ("length-controlled", 0.1)]:
    dx, labels, p_first = labelled_pairs(200_000 if gap < 1 else 20_000, gap)
    # agreement: two annotators; ceiling: the gold reward's own accuracy
    agreement = np.mean(labels[0] == labels[1])
    ceiling = np.mean((p_first > 0.5) == labels[0])
    prob = sigmoid(dx @ w)
    acc = np.mean((prob > 0.5) == labels[0])
    print(
        f"{name:24}{len(prob):7d}{agreement:10.3f}{ceiling:8.3f}{acc:8.3f}"
        f"{ece(prob, labels[0]):8.3f}"
    )

# Best-of-n against the reward model, scored by the gold reward.
# 2,000 prompts x 257 samples; the last sample is the baseline (n = 1).
q, ell = responses((2000, 257))
rm = rm_features(q, ell) @ w
g = gold(q, ell)
rows = np.arange(2000)
print(f"\n{'n':>4}{'KL bound':>9}{'RM score':>9}{'gold':>7}{'length':>7}", end="")
print(f"{'RM P(win)':>10}{'gold P(win)':>12}")
for n in [1, 4, 16, 64, 256]:
    pick = np.argmax(rm[:, :n], axis=1)
    kl = np.log(n) - (n - 1) / n
    # win probability of the picked response against the baseline sample:
    # as the reward model predicts it, and as the annotators would judge it
    rm_win = sigmoid(rm[rows, pick] - rm[:, -1]).mean()
    gold_win = sigmoid((g[rows, pick] - g[:, -1]) / TAU).mean()
    print(
        f"{n:4d}{kl:9.2f}{rm[rows, pick].mean():9.2f}{g[rows, pick].mean():7.2f}"
        f"{ell[rows, pick].mean():7.2f}{rm_win:10.3f}{gold_win:12.3f}"
    )
best = g[:, :256].max(axis=1).mean()
print(f"best of 256 by the gold reward itself: {best:.2f}")
