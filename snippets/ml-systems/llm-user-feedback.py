import numpy as np

rng = np.random.default_rng(0)
segments, topics = ["expert", "casual"], ["coding", "writing", "dates", "general"]
# True probability that an answer is bad, by model, segment and topic. B is better on
# every topic except date arithmetic, where a regression was injected.
p_bad = {
    "A": np.array([[0.25, 0.15, 0.20, 0.15], [0.10, 0.06, 0.08, 0.05]]),
    "B": np.array([[0.18, 0.11, 0.32, 0.11], [0.07, 0.04, 0.14, 0.04]]),
}
topic_mix = np.array([[0.50, 0.15, 0.10, 0.25], [0.10, 0.35, 0.10, 0.45]])
# Users are randomised 50/50, but experts send more messages to B (it helps them), so
# B's responses hold a larger expert share: a post-treatment shift in the mix.
expert_share = {"A": 0.30, "B": 0.50}
# Who presses a button: experts rate bad answers far more often than casual users.
p_down_if_bad, p_down_if_good = np.array([0.30, 0.05]), np.array([0.010, 0.005])
p_up_if_good, p_up_if_bad = np.array([0.04, 0.02]), np.array([0.005, 0.002])
n_per_arm = 100_000


def serve(model):
    seg = (rng.random(n_per_arm) >= expert_share[model]).astype(int)
    u = rng.random(n_per_arm)[:, None]
    topic = (u > np.cumsum(topic_mix[seg], axis=1)).sum(1)
    bad = rng.random(n_per_arm) < p_bad[model][seg, topic]
    u = rng.random(n_per_arm)
    p_down = np.where(bad, p_down_if_bad[seg], p_down_if_good[seg])
    p_up = np.where(bad, p_up_if_bad[seg], p_up_if_good[seg])
    down, up = u < p_down, (u >= p_down) & (u < p_down + p_up)
    return dict(seg=seg, topic=topic, bad=bad, down=down, up=up)


arms = {m: serve(m) for m in ("A", "B")}
# The standard traffic both models are judged on: the pooled segment mix.
pooled_seg = np.concatenate([arms[m]["seg"] for m in arms])
std_mix = np.array([np.mean(pooled_seg == s) for s in range(2)])
std_cell = std_mix[:, None] * topic_mix


def by_segment(values, seg):
    return np.array([values[seg == s].mean() for s in range(2)])


# A small random sample of each arm labelled by trained raters (assumed accurate).
n_rated = 400
rated = {m: rng.choice(n_per_arm, n_rated, replace=False) for m in arms}

print(
    f"{'segment':8s}{'share of A':>12s}{'share of B':>12s}{'rated':>8s}"
    f"{'down/resp A':>13s}{'down/resp B':>13s}"
)
down_seg = {m: by_segment(d["down"], d["seg"]) for m, d in arms.items()}
for s, name in enumerate(segments):
    shares = [np.mean(arms[m]["seg"] == s) for m in arms]
    rated_share = np.mean(
        np.concatenate([(d["down"] | d["up"])[d["seg"] == s] for d in arms.values()])
    )
    print(
        f"{name:8s}{shares[0]:12.2f}{shares[1]:12.2f}{rated_share:8.3f}"
        f"{down_seg['A'][s]:13.4f}{down_seg['B'][s]:13.4f}"
    )

rows, rater_var = {}, {}
for m, d in arms.items():
    ratings = d["down"] | d["up"]
    bad_r, seg_r = d["bad"][rated[m]], d["seg"][rated[m]]
    rater_seg = by_segment(bad_r, seg_r)
    counts = np.array([np.sum(seg_r == s) for s in range(2)])
    rater_var[m] = np.sum(std_mix**2 * rater_seg * (1 - rater_seg) / counts)
    rows[m] = [
        (p_bad[m] * std_cell).sum(),
        d["down"].mean(),
        d["down"].sum() / ratings.sum(),
        (down_seg[m] * std_mix).sum(),
        (rater_seg * std_mix).sum(),
    ]
labels = [
    "true bad rate, standard mix",
    "thumbs-down per response (raw)",
    "thumbs-down share of ratings (raw)",
    "thumbs-down per response, stratified",
    f"bad rate, {n_rated} rated per arm, stratified",
]
print(f"\n{'metric (lower is better)':42s}{'A':>8s}{'B':>8s}{'B / A':>8s}  better")
for label, a, b in zip(labels, rows["A"], rows["B"]):
    print(f"{label:42s}{a:8.3f}{b:8.3f}{b / a:8.2f}  {'B' if b < a else 'A'}")
diff = rows["B"][-1] - rows["A"][-1]
half = 1.96 * np.sqrt(rater_var["A"] + rater_var["B"])
print(
    f"raters' B - A bad rate: {diff:+.3f}, "
    f"95% CI [{diff - half:+.3f}, {diff + half:+.3f}]"
)

# Slicing: thumbs-down per 1,000 responses by topic, stratified by segment, B vs A.
print(f"\n{'topic':10s}{'A per 1k':>10s}{'B per 1k':>10s}{'B / A':>8s}")
for t, name in enumerate(topics):
    per_k = {}
    for m, d in arms.items():
        rate = [d["down"][(d["seg"] == s) & (d["topic"] == t)].mean() for s in range(2)]
        per_k[m] = 1000 * float(np.dot(rate, std_mix))
    print(
        f"{name:10s}{per_k['A']:10.1f}{per_k['B']:10.1f}{per_k['B'] / per_k['A']:8.2f}"
    )
