import numpy as np

rng = np.random.default_rng(0)
N_CLUSTERS, PER_CLUSTER = 50, 10  # 50 passages with 10 questions each: 500 items
N = N_CLUSTERS * PER_CLUSTER
SKILL = {"A": 1.0, "B": 1.2}  # B is truly a little better


def draw_benchmark(n_sims):
    """Item difficulty = passage effect + item effect; both models see the same."""
    passage = rng.normal(0, 1.0, (n_sims, N_CLUSTERS)).repeat(PER_CLUSTER, axis=1)
    difficulty = passage + rng.normal(0, 1.0, (n_sims, N))
    return {
        m: (rng.random((n_sims, N)) < 1 / (1 + np.exp(difficulty - s))).astype(float)
        for m, s in SKILL.items()
    }


def clustered_se(x):
    """CLT standard error of a mean when items come in clusters (sum within cluster)."""
    resid = (x - x.mean(-1, keepdims=True)).reshape(*x.shape[:-1], N_CLUSTERS, -1)
    return np.sqrt((resid.sum(-1) ** 2).sum(-1)) / N


# The true (super-population) accuracies, from a very large draw.
big = draw_benchmark(400)
truth = {m: big[m].mean() for m in SKILL}
print(f"true accuracy: A {truth['A']:.3f}, B {truth['B']:.3f}")

sims = draw_benchmark(2000)
a, b = sims["A"], sims["B"]
p = a.mean(1)
naive = np.sqrt(p * (1 - p) / N)
clus = clustered_se(a)
for name, se in [("naive sqrt(p(1-p)/n)", naive), ("clustered by passage", clus)]:
    cover = np.mean(np.abs(p - truth["A"]) < 1.96 * se)
    print(f"model A, {name:<21}: mean SE {se.mean():.4f}, 95% CI coverage {cover:.3f}")

# A vs B on the same 500 items: unpaired SEs ignore that items are shared.
diff = b.mean(1) - a.mean(1)
unpaired = np.sqrt(clustered_se(a) ** 2 + clustered_se(b) ** 2)
paired = clustered_se(b - a)  # item-level differences, clustered
print(f"B - A: true {truth['B'] - truth['A']:.3f}, mean estimate {diff.mean():.3f}")
for name, se in [("unpaired", unpaired), ("paired, item-level", paired)]:
    power = np.mean(diff / se > 1.96)
    print(
        f"{name:<19}: mean SE {se.mean():.4f}, share of benchmarks where B wins "
        f"significantly {power:.2f}"
    )
corr = np.mean([np.corrcoef(a[i], b[i])[0, 1] for i in range(200)])
print(f"item-level correlation of the two models' scores: {corr:.2f}")
