import numpy as np

rng = np.random.default_rng(0)

# Ground truth per (request, candidate): P(click), minutes watched if clicked, P(hide).
# Click-bait exists: items that attract clicks tend to be watched less and hidden more.
n_req, n_cand, k = 2000, 100, 10
bait = rng.normal(size=(n_req, n_cand))
p_click = 1 / (1 + np.exp(-(rng.normal(size=(n_req, n_cand)) + 0.8 * bait - 2.5)))
minutes = rng.gamma(2.0, 2.0, size=(n_req, n_cand)) * np.exp(-0.4 * bait)
p_hide = 1 / (1 + np.exp(-(0.8 * bait - 4.0)))
watch = p_click * minutes  # expected minutes = P(click) x E[minutes | click]


def serve(score):
    top = np.argsort(-score, axis=1)[:, :k]
    pick = lambda a: np.take_along_axis(a, top, axis=1).sum(1).mean()  # noqa: E731
    return pick(p_click), pick(watch), pick(p_hide), top


def fuse(w_watch, w_hide, pc=p_click):
    """Weighted sum of predicted objectives on a common scale (expected events)."""
    return (1 - w_watch) * pc + w_watch * pc * minutes / 10 - w_hide * p_hide


print(f"{'fusion weights':<30} {'clicks':>6} {'minutes':>7} {'hides':>6}")
for w_watch, w_hide in [(0.0, 0.0), (0.5, 0.0), (1.0, 0.0), (1.0, 1.0)]:
    c, m, h, _ = serve(fuse(w_watch, w_hide))
    print(f"{f'watch {w_watch}, hide {w_hide}':<30} {c:>6.3f} {m:>7.2f} {h:>6.3f}")

# The click model is retrained with negatives down-sampled to 10%, so its scores are
# inflated: p' = p / (p + 0.1 (1 - p)). The same weights now serve different slates,
# unless predictions are re-calibrated: p = 0.1 p' / (1 - p' + 0.1 p').
r = 0.1
inflated = p_click / (p_click + r * (1 - p_click))
recal = r * inflated / (1 - inflated + r * inflated)
_, _, _, intended = serve(fuse(1.0, 1.0))
for name, pc in [("inflated click scores", inflated), ("re-calibrated", recal)]:
    c, m, h, top = serve(fuse(1.0, 1.0, pc))
    overlap = np.mean([len(set(a) & set(b)) / k for a, b in zip(top, intended)])
    print(f"{name:<30} {c:>6.3f} {m:>7.2f} {h:>6.3f}  same slate: {overlap:.3f}")
