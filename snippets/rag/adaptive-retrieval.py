# Adaptive retrieval, simulated: which questions to retrieve for, and when to fall back.
# The "model" is simulated (what it knows, how confident it is, how a bad passage
# distracts it); the retrieval is real cosine search over synthetic embeddings.
import numpy as np

rng = np.random.default_rng(0)
n, dim = 2000, 64

# Each question has one gold document. Popular facts the model tends to know;
# 75% of the gold documents are in our index, the rest only in a fallback source.
popularity = rng.normal(0.0, 1.5, n)
p_know = 1 / (1 + np.exp(-(popularity - 0.5)))
knows = rng.random(n) < p_know
# The model's confidence: its knowledge signal plus miscalibration noise.
confidence = 1 / (1 + np.exp(-(popularity - 0.5 + rng.normal(0.0, 1.0, n))))
in_index = rng.random(n) < 0.75


def unit(x: np.ndarray) -> np.ndarray:
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


gold = unit(rng.normal(size=(n, dim)))
distractors = unit(rng.normal(size=(3000, dim)))
# Queries are noisy views of their gold document; some are phrased badly.
noise_ratio = rng.uniform(0.3, 2.5, n)
noise = unit(rng.normal(size=(n, dim))) * noise_ratio[:, None]
queries = unit(gold + noise)


def search(docs: np.ndarray, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Top-1 over docs: (score, id of the hit; -1 for a distractor)."""
    sims = queries @ docs.T
    top = sims.argmax(axis=1)
    return sims[np.arange(n), top], ids[top]


main_ids = np.concatenate([np.flatnonzero(in_index), np.full(len(distractors), -1)])
main_docs = np.vstack([gold[in_index], distractors])
main_score, main_hit = search(main_docs, main_ids)
main_found = main_hit == np.arange(n)
# The fallback (a web search, a second index) holds every gold document.
all_ids = np.concatenate([np.arange(n), np.full(len(distractors), -1)])
fallback_score, fallback_hit = search(np.vstack([gold, distractors]), all_ids)
fallback_found = fallback_hit == np.arange(n)

# Simulated reader: with the gold passage it answers right 95% of the time; with a
# wrong passage it is distracted 30% of the time even when it knew the answer.
reads_ok = rng.random(n) < 0.95
distracted = rng.random(n) < 0.30


def accuracy(retrieve: np.ndarray, found: np.ndarray) -> np.ndarray:
    """Per-question correctness for a policy (retrieve or not, gold found or not)."""
    with_passage = np.where(found, reads_ok, knows & ~distracted)
    return np.where(retrieve, with_passage, knows).astype(float)


def bootstrap_ci(diff: np.ndarray, reps: int = 2000) -> tuple[float, float]:
    idx = np.random.default_rng(1).integers(0, n, size=(reps, n))
    means = diff[idx].mean(axis=1)
    return np.quantile(means, 0.025), np.quantile(means, 0.975)


print(f"{n} questions; closed-book the model knows {knows.mean():.3f}")
print(
    f"gold in main index {in_index.mean():.3f}; top-1 finds it "
    f"{main_found.mean():.3f} (fallback: {fallback_found.mean():.3f})"
)
print()
print(f"{'policy':34s} {'accuracy':>8s} {'searches/q':>10s}")
always = accuracy(np.ones(n, bool), main_found)
rows = {
    "never retrieve": (knows.astype(float), 0.0),
    "always retrieve": (always, 1.0),
}
for tau in (0.3, 0.5, 0.7):
    retrieve = confidence < tau
    rows[f"retrieve if confidence < {tau}"] = (
        accuracy(retrieve, main_found),
        retrieve.mean(),
    )
rows["oracle: retrieve iff it lacks it"] = (
    accuracy(~knows, main_found),
    1 - knows.mean(),
)
for name, (correct, searches) in rows.items():
    print(f"{name:34s} {correct.mean():8.3f} {searches:10.3f}")

broke = (knows & (always == 0)).mean()
fixed = (~knows & (always == 1)).mean()
print(f"always retrieve: right closed-book but wrong after retrieval {broke:.3f}")
print(f"                 wrong closed-book but right after retrieval {fixed:.3f}")

print()
print("paired difference vs always retrieve (95% bootstrap interval)")
for tau in (0.3, 0.5, 0.7):
    diff = rows[f"retrieve if confidence < {tau}"][0] - always
    lo, hi = bootstrap_ci(diff)
    print(f"  confidence < {tau}: {diff.mean():+.3f} [{lo:+.3f}, {hi:+.3f}]")

# CRAG-style correction: always search the main index; if its best score is low,
# also search the fallback and use that passage instead.
print()
print("corrective step: fall back when the best main-index score is below t")
print(f"{'t':>6s} {'accuracy':>8s} {'searches/q':>10s} {'fallback rate':>13s}")
print(f"{'none':>6s} {always.mean():8.3f} {1.0:10.3f} {0.0:13.3f}")
for t in (0.4, 0.45, 0.5):
    fall = main_score < t
    found = np.where(fall, fallback_found, main_found)
    correct = accuracy(np.ones(n, bool), found)
    print(f"{t:6.2f} {correct.mean():8.3f} {1 + fall.mean():10.3f} {fall.mean():13.3f}")
only_fallback = accuracy(np.ones(n, bool), fallback_found).mean()
print(
    f"{'always':>6s} {only_fallback:8.3f} {'(fallback only, the costly source)':>33s}"
)
missing = ~in_index
print(
    f"best main score, gold not in index {np.median(main_score[missing]):.3f} "
    f"vs found {np.median(main_score[main_found]):.3f} (medians)"
)

# Both: skip retrieval when confident, correct it when retrieval looks weak.
retrieve = confidence < 0.5
fall = retrieve & (main_score < 0.45)
found = np.where(fall, fallback_found, main_found)
correct = accuracy(retrieve, found)
searches = retrieve.mean() + fall.mean()
print(
    f"router (< 0.5) + fallback (t = 0.45): accuracy {correct.mean():.3f}, "
    f"{searches:.3f} searches/q"
)
