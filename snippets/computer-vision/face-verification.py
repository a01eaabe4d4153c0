import numpy as np

rng = np.random.default_rng(0)
D, TARGET_FMR = 128, 1e-3
# Simulated embeddings: every face lies near a shared "average face" direction, and
# each person is an offset from it. The group differences are built in, not measured:
# B's photos are noisier, C's people are less spread out (more alike).
mean_face = rng.standard_normal(D)
mean_face /= np.linalg.norm(mean_face)
# group: (spread of people around the average face, noise of one photo)
GROUPS = {"A": (1.0, 0.70), "B": (1.0, 0.75), "C": (0.85, 0.70)}


def unit(x):
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


def people(n, spread):
    return unit(mean_face + spread * rng.standard_normal((n, D)) / np.sqrt(D))


def photos(centres, k, noise):
    # k unit-length embeddings per person, shape (people, k, D)
    e = rng.standard_normal((len(centres), k, D)) / np.sqrt(D)
    return unit(centres[:, None, :] + noise * e)


def pair_scores(spread, noise, n_people=2000, k=4):
    # cosine similarity of genuine pairs (two photos of one person) and of
    # impostor pairs: every pair of different people of the group, one photo each
    x = photos(people(n_people, spread), k, noise)
    i, j = np.triu_indices(k, 1)
    genuine = np.einsum("pkd,pkd->pk", x[:, i], x[:, j]).ravel()
    impostor = (x[:, 0] @ x[:, 0].T)[np.triu_indices(n_people, 1)]
    return genuine, impostor


# thresholds are set on one set of people and error rates measured on another
dev = {g: pair_scores(*p) for g, p in GROUPS.items()}
test = {g: pair_scores(*p) for g, p in GROUPS.items()}
n_gen, n_imp = len(test["A"][0]), len(test["A"][1])
print(f"per group: {n_gen:,} genuine and {n_imp:,} impostor pairs (same group)")


def threshold_at(impostor_scores, fmr=TARGET_FMR):
    # the score that a fraction fmr of impostor pairs reach or exceed
    return np.quantile(impostor_scores, 1 - fmr)


own = {g: threshold_at(dev[g][1]) for g in GROUPS}
global_t = threshold_at(np.concatenate([dev[g][1] for g in GROUPS]))
policies = {
    "one global threshold": dict.fromkeys(GROUPS, global_t),
    "per-group thresholds": own,
    "strictest group's, for all": dict.fromkeys(GROUPS, max(own.values())),
}
print(f"thresholds set at FMR {TARGET_FMR:g} on other people; errors on test pairs")
print(f"{'policy':27}{'group':>6}{'threshold':>10}{'FMR':>9}{'FNMR':>7}")
for name, thresholds in policies.items():
    for g, t in thresholds.items():
        genuine, impostor = test[g]
        fmr, fnmr = np.mean(impostor >= t), np.mean(genuine < t)
        print(f"{name:27}{g:>6}{t:10.3f}{fmr:9.5f}{fnmr:7.3f}")
fmr_global = [np.mean(test[g][1] >= global_t) for g in GROUPS]
ratio = max(fmr_global) / min(fmr_global)
print(f"global threshold, highest / lowest group FMR: {ratio:.0f}x")

# 1:N: people who are NOT enrolled are searched against a gallery of N enrolled
# people (a third from each group, one photo each) at the global threshold
N_GALLERY, BLOCK, N_PROBE = 100_000, 1000, 300
gallery = np.concatenate(
    [photos(people(N_GALLERY // 3 + 1, s), 1, n)[:, 0] for s, n in GROUPS.values()]
)[:N_GALLERY]
gallery = gallery[rng.permutation(N_GALLERY)]
hit_small, hit_full, per_probe = {}, {}, []
for g, (s, n) in GROUPS.items():
    probes = photos(people(N_PROBE, s), 1, n)[:, 0]
    hits = np.zeros((N_PROBE, N_GALLERY // BLOCK), dtype=bool)
    n_false = np.zeros(N_PROBE)
    for b in range(N_GALLERY // BLOCK):
        over = probes @ gallery[b * BLOCK : (b + 1) * BLOCK].T >= global_t
        hits[:, b] = over.any(axis=1)
        n_false += over.sum(axis=1)
    per_probe.append(n_false / N_GALLERY)
    # each block of 1,000 is a separate gallery of N = 1,000
    hit_small[g], hit_full[g] = hits.mean(), hits.any(axis=1).mean()
per_probe = np.concatenate(per_probe)
fmr = per_probe.mean()
print(f"1:N: {len(per_probe)} people not enrolled, searched at the global threshold")
print(f"FMR per comparison in these searches: {fmr:.5f}")
q50, q90 = np.quantile(per_probe, [0.5, 0.9])
print(f"  per searched person: median {q50:.5f}, 90th percentile {q90:.5f}")
print(f"{'gallery N':>9}{'false matches/search':>22}{'P(>=1) simulated':>18}", end="")
print(f"{'1-(1-FMR)^N':>13}")
# the formula treats every comparison as independent, with the same FMR
for N, hit in [(BLOCK, hit_small), (N_GALLERY, hit_full)]:
    p_sim = np.mean(list(hit.values()))
    print(f"{N:>9,}{N * fmr:22.2f}{p_sim:18.3f}{1 - (1 - fmr) ** N:13.3f}")
print(
    "P(>=1), N=1,000, by the searched person's group:",
    ", ".join(f"{g} {h:.3f}" for g, h in hit_small.items()),
)
