# --8<-- [start:capacity]
def si(x):
    for prefix, scale in (
        ("E", 1e18),
        ("P", 1e15),
        ("T", 1e12),
        ("G", 1e9),
        ("M", 1e6),
        ("k", 1e3),
    ):
        if abs(x) >= scale:
            return f"{x / scale:.1f}{prefix}"
    return f"{x:.1f}"


# Illustrative assumptions: 500M new posts a day, 30% with an image; a 20M-parameter
# text encoder at 128 tokens (about 2 FLOPs per parameter per token) and a 4 GFLOP image
# model; accelerators sustaining 100 TFLOP/s; 2,000 reviewers x 400 decisions a day.
posts, image_share = 500e6, 0.3
text_flops, image_flops = 2 * 20e6 * 128, 4e9
per_day = posts * text_flops + posts * image_share * image_flops
reviews = 2_000 * 400
for name, value in [
    ("posts/s (mean)", si(posts / 86_400)),
    ("classifier FLOPs/day", si(per_day)),
    ("accelerators at the mean rate", f"{per_day / 86_400 / 100e12:.1f}"),
    ("human decisions/day", si(reviews)),
    ("share of posts a human can see", f"{reviews / posts:.4f}"),
]:
    print(f"{name:<32}{value:>8}")
# --8<-- [end:capacity]

# --8<-- [start:thresholds]
import numpy as np

rng = np.random.default_rng(0)
# A day, scaled down: 1M posts, 0.5% violating (known ground truth). The classifier's
# score is a stand-in for a trained model: logits from two overlapping distributions.
n, prevalence = 1_000_000, 0.005


def day():
    bad = rng.random(n) < prevalence
    logit = np.where(bad, rng.normal(2.0, 1.6, n), rng.normal(-4.0, 1.6, n))
    return bad, 1 / (1 + np.exp(-logit))


# Choose the auto-removal threshold on yesterday's labelled tail (its 10,000 highest
# scores, reviewed by humans): the lowest threshold whose precision is at least 0.95.
bad_y, score_y = day()
tail = np.argsort(-score_y)[:10_000]
grid = np.linspace(0.5, 0.999, 500)
prec = np.array([bad_y[tail][score_y[tail] >= t].mean() for t in grid])
auto_t = grid[np.argmax(prec >= 0.95)]

bad, score = day()  # today
capacity = 1_600  # this day's share of human review, 0.16% of posts
auto = score >= auto_t
review = np.argsort(-np.where(auto, -1, score))[:capacity]
caught = auto.copy()
caught[review[bad[review]]] = True
print(
    f"auto-remove threshold {auto_t:.3f}: removes {auto.sum()} posts, "
    f"precision {bad[auto].mean():.3f}, wrongful removals {(auto & ~bad).sum()}"
)
print(f"review queue of {capacity}: precision {bad[review].mean():.3f}")
print(
    f"violations caught {caught[bad].mean():.3f}; "
    f"prevalence left {(bad & ~caught).sum() / n:.5f} (was {bad.mean():.5f})"
)

# Appeals: assume 40% of wrongly removed users appeal, and 10% of rightly removed ones;
# a reviewer overturns a wrong removal 90% of the time, a right one 3% of the time.
wrong, right = (auto & ~bad).sum(), (auto & bad).sum()
appeals_wrong = rng.binomial(wrong, 0.4)
appeals_right = rng.binomial(right, 0.1)
overturned = rng.binomial(appeals_wrong, 0.9) + rng.binomial(appeals_right, 0.03)
print(
    f"appeals {appeals_wrong + appeals_right}, overturned {overturned}: "
    f"precision implied by overturns {1 - overturned / auto.sum():.3f}, "
    f"true {right / auto.sum():.3f}"
)
audit = rng.choice(np.flatnonzero(auto), 400, replace=False)
est = bad[audit].mean()
half = 1.96 * np.sqrt(est * (1 - est) / audit.size)
print(f"precision from a random audit of 400 removals: {est:.3f} +/- {half:.3f}")
# --8<-- [end:thresholds]
