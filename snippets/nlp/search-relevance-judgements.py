import numpy as np
from scipy.stats import kendalltau
from sklearn.metrics import cohen_kappa_score, ndcg_score

rng = np.random.default_rng(0)

# A simulated collection: every (query, document) pair has a true grade 0-3.
# 40% of documents share no word with the query (vocabulary mismatch): lexical
# systems push them down, a dense retriever does not.
N_QUERIES, N_DOCS, N_RELEVANT = 300, 400, 20
grades = np.zeros((N_QUERIES, N_DOCS), dtype=int)
for q in range(N_QUERIES):
    relevant = rng.choice(N_DOCS, N_RELEVANT, replace=False)
    grades[q, relevant] = rng.choice([1, 2, 3], N_RELEVANT, p=[0.5, 0.3, 0.2])
mismatch = rng.random(grades.shape) < 0.4
shared_lexical_noise = rng.normal(size=grades.shape)
# What one LLM gets wrong about each pair: used by the re-ranker and by the judge
llm_error = rng.normal(0, 0.6, grades.shape)
rows = np.arange(N_QUERIES)[:, None]


def top_k(scores, k=10):
    return np.argsort(-scores, axis=1)[:, :k]


def lexical_system(noise_sd, penalty=2.5):
    own_noise = rng.normal(size=grades.shape)
    return (
        grades - penalty * mismatch + 0.6 * shared_lexical_noise + noise_sd * own_noise
    )


bm25 = lexical_system(1.2)
llm_reranker = np.full(grades.shape, -np.inf)
candidates = top_k(bm25, 30)
llm_perceived = grades + llm_error + rng.normal(0, 0.2, grades.shape)
llm_reranker[rows, candidates] = llm_perceived[rows, candidates]
systems = {
    "BM25": bm25,
    "BM25 + RM3": lexical_system(1.0, penalty=2.0),
    "LTR, 20 features": lexical_system(0.8),
    "LTR, 200 features": lexical_system(0.6),
    "LLM re-ranker": llm_reranker,
    "dense (new)": grades + rng.normal(0, 0.9, grades.shape),
}
names = list(systems)
old_systems = names[:-1]
runs = {name: top_k(scores) for name, scores in systems.items()}
DISCOUNTS = 1 / np.log2(np.arange(2, 12))


def ndcg_at_10(run, labels, judged):
    """Mean nDCG@10 with linear gains; an unjudged document counts as grade 0."""
    known = np.where(judged, labels, 0)
    dcg = (known[rows, run] * DISCOUNTS).sum(axis=1)
    ideal = (-np.sort(-known, axis=1)[:, :10] * DISCOUNTS).sum(axis=1)
    return np.mean(np.divide(dcg, ideal, out=np.zeros_like(dcg), where=ideal > 0))


def condensed_ndcg(scores, labels, judged):
    """Sakai's condensed list: remove the unjudged documents, then score the rest."""
    return ndcg_at_10(top_k(np.where(judged, scores, -np.inf)), labels, judged)


def pool_of(system_names):
    judged = np.zeros(grades.shape, dtype=bool)
    for name in system_names:
        judged[rows, runs[name]] = True
    return judged


def ranks(values):
    return len(values) - np.argsort(np.argsort(values))


everything = np.ones(grades.shape, dtype=bool)
dense_truth = ndcg_at_10(runs["dense (new)"], grades, everything)
library = ndcg_score(grades, systems["dense (new)"], k=10)
print(f"nDCG@10 equals sklearn's ndcg_score: {np.isclose(dense_truth, library)}")

old_pool, full_pool = pool_of(old_systems), pool_of(names)
found = (old_pool & (grades > 0)).sum() / (grades > 0).sum()
print(
    f"pool of the 5 old systems at depth 10: {old_pool.sum(1).mean():.1f} documents "
    f"per query, {found:.2f} of the relevant ones"
)
columns = {
    "true": [ndcg_at_10(runs[n], grades, everything) for n in names],
    "old pool": [ndcg_at_10(runs[n], grades, old_pool) for n in names],
    "condensed": [condensed_ndcg(systems[n], grades, old_pool) for n in names],
    "+ new top 10": [ndcg_at_10(runs[n], grades, full_pool) for n in names],
}
unjudged = [1 - old_pool[rows, runs[n]].mean() for n in names]
header = "".join(f"{column:>14}" for column in columns)
print(f"\nnDCG@10 (rank)      {header}  unjudged@10")
for i, name in enumerate(names):
    cells = "".join(f"{v[i]:>9.3f} ({ranks(v)[i]})" for v in columns.values())
    print(f"{name:<20}{cells}{unjudged[i]:>13.2f}")
for column, values in list(columns.items())[1:]:
    tau = kendalltau(columns["true"], values).statistic
    print(f"Kendall tau with the true system ranking, {column}: {tau:.3f}")


def judge(perceived_grade):
    return np.clip(np.rint(perceived_grade), 0, 3).astype(int)


# Each judge labels the full pool. The first LLM judge is the model the re-ranker
# uses, so it shares the re-ranker's errors; the second is another model.
judges = {
    "human A": judge(grades + rng.normal(0, 0.6, grades.shape)),
    "human B": judge(grades + rng.normal(0, 0.6, grades.shape)),
    "LLM, same model": judge(grades + llm_error + rng.normal(0, 0.2, grades.shape)),
    "LLM, other model": judge(grades + rng.normal(0, 0.63, grades.shape)),
}
true_ranks = ranks(columns["true"])
reranker = names.index("LLM re-ranker")
reranker_top = runs["LLM re-ranker"]
print(
    f"\n{'judge':<18}{'kappa':>6}{'tau':>7}  re-ranker's rank (true "
    f"{true_ranks[reranker]})  grade error on its top 10"
)
for name, labels in judges.items():
    kappa = cohen_kappa_score(grades[full_pool], labels[full_pool])
    scores = [ndcg_at_10(runs[n], labels, full_pool) for n in names]
    tau = kendalltau(columns["true"], scores).statistic
    error = (labels[rows, reranker_top] - grades[rows, reranker_top]).mean()
    print(
        f"{name:<18}{kappa:>6.3f}{tau:>7.3f}{ranks(scores)[reranker]:>25}"
        f"{error:>+28.2f}"
    )
human_a, human_b = judges["human A"][full_pool], judges["human B"][full_pool]
print(f"kappa between human A and human B: {cohen_kappa_score(human_a, human_b):.3f}")
