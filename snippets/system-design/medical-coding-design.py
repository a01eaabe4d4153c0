import numpy as np
from scipy import sparse
from threadpoolctl import threadpool_limits

rng = np.random.default_rng(0)

# Synthetic code set: 300 codes in 6 chapters, billed with Zipf frequencies.
N_CODES, N_CHAPTERS, N_FILLER = 300, 6, 800
chapter = np.arange(N_CODES) * N_CHAPTERS // N_CODES
freq = 1 / np.arange(1, N_CODES + 1) ** 1.1
freq /= freq.sum()
# Token ids: 800 filler words (Zipf); 6 synonyms per code (its description,
# written in different ways); a word per family of 3 sibling codes (the
# disease, whose siblings differ in specificity); 3 words per chapter (the body
# system); then "no", "but" and the full stop.
N_SYN = 6
CUE, FAM = N_FILLER, N_FILLER + N_SYN * N_CODES
CHAP = FAM + N_CODES // 3
NO, BUT, STOP = CHAP + 3 * N_CHAPTERS, CHAP + 3 * N_CHAPTERS + 1, CHAP + 20
VOCAB = STOP + 1
filler_cdf = np.cumsum(1 / np.arange(1, N_FILLER + 1))
filler_cdf /= filler_cdf[-1]


def sentence(words=()):
    """6-12 filler words with the given words inserted, and a full stop."""
    out = list(np.searchsorted(filler_cdf, rng.random(rng.integers(6, 13))))
    for w in words:
        out.insert(int(rng.integers(len(out) + 1)), w)
    return out + [STOP]


def make_note():
    """Token ids and true codes; some other codes are mentioned only negated."""
    codes = set(rng.choice(N_CODES, 1 + rng.poisson(3.5), replace=False, p=freq))
    sents = [sentence() for _ in range(rng.integers(15, 30))]
    for j in codes:
        for _ in range(rng.integers(1, 3)):
            words = list(CUE + N_SYN * j + rng.choice(N_SYN, rng.integers(1, 3), False))
            if rng.random() < 0.7:
                words.append(FAM + j // 3)
            if rng.random() < 0.5:
                words.append(CHAP + 3 * chapter[j] + rng.integers(3))
            s = sentence(words)
            # 1 true mention in 20 follows an unrelated negation in its sentence
            # ("no <filler> but <cue> ..."), which a scope-to-the-full-stop rule
            # drops along with the mention.
            if rng.random() < 0.05:
                s = [NO, int(rng.integers(N_FILLER)), BUT] + s
            sents.append(s)
    # Ruled-out conditions, "no <cue> <cue> ." (no evidence of pneumonia).
    negated = set()
    for j in rng.choice(N_CODES, rng.poisson(1.5), p=freq):
        if j not in codes:
            negated.add(j)
            sents.append(
                [NO, FAM + j // 3, CUE + N_SYN * j + rng.integers(N_SYN), STOP]
            )
    order = rng.permutation(len(sents))
    return np.concatenate([sents[i] for i in order]), codes, negated


def negation_rule(tokens):
    """NegEx-style: drop every token from 'no' to the end of its sentence."""
    sent = np.concatenate([[0], np.cumsum(tokens == STOP)[:-1]])
    n_no = np.cumsum(tokens == NO)
    at_start = np.concatenate([[0], n_no])[np.searchsorted(sent, sent)]
    return tokens[(n_no - at_start == 0) & (tokens != STOP)]


notes = [make_note() for _ in range(7000)]
Y = np.zeros((len(notes), N_CODES), dtype=bool)
NEG = np.zeros_like(Y)
for i, (_, codes, negated) in enumerate(notes):
    Y[i, list(codes)] = True
    NEG[i, list(negated)] = True
tr, va, te = np.arange(4000), np.arange(4000, 5000), np.arange(5000, 7000)
train_count = Y[tr].sum(0)
group = np.where(train_count >= 100, 0, np.where(train_count >= 20, 1, 2))
print(
    f"{len(notes):,} synthetic notes, {N_CODES} codes in {N_CHAPTERS} chapters; "
    f"{np.mean([len(t) for t, _, _ in notes]):.0f} tokens and "
    f"{Y.sum(1).mean():.2f} codes a note"
)
print(
    "4,000 notes to train, 1,000 to tune thresholds, 2,000 to test; training "
    f"notes per code {train_count.max()} to {train_count.min()}"
)


def fit_scores(clean):
    """One-vs-rest linear scores: ridge regression of every code on the words
    present (a bias column included), in closed form."""
    docs = [negation_rule(t) if clean else t for t, _, _ in notes]
    rows = np.repeat(np.arange(len(docs)), [len(d) for d in docs])
    X = sparse.csr_matrix(
        (np.ones(len(rows)), (rows, np.concatenate(docs))), (len(docs), VOCAB)
    )
    X.data[:] = 1.0
    X = sparse.hstack([X, np.ones((len(docs), 1))]).tocsr()
    gram = (X[tr].T @ X[tr]).toarray() + ALPHA * np.eye(VOCAB + 1)
    with threadpool_limits(1):
        W = np.linalg.solve(gram, X[tr].T @ Y[tr].astype(float))
    return X @ W


def f1_parts(y, p):
    tp, fp, fn = (y & p).sum(0), (~y & p).sum(0), (y & ~p).sum(0)
    return 2 * tp, 2 * tp + fp + fn


def micro_macro(y, p, cols=slice(None)):
    num, den = (a[cols] for a in f1_parts(y, p))
    return num.sum() / den.sum(), np.where(den > 0, num / np.maximum(den, 1), 0).mean()


ALPHA = 3.0
GRID = np.round(np.arange(0.05, 0.96, 0.05), 2)


def thresholds(sc):
    """A global threshold for micro-F1, and one per code, tuned on validation;
    a code with fewer than 3 validation notes keeps the global one."""
    best_global = max(GRID, key=lambda t: micro_macro(Y[va], sc[va] >= t)[0])
    per_code = np.full(N_CODES, best_global)
    for j in np.flatnonzero(Y[va].sum(0) >= 3):
        num, den = f1_parts(Y[va, j][:, None], sc[va, j][:, None] >= GRID)
        per_code[j] = GRID[np.argmax(num / np.maximum(den, 1))]
    return best_global, per_code


def top_k(sc, k):
    mask = np.zeros(sc.shape, dtype=bool)
    np.put_along_axis(mask, np.argsort(-sc, axis=1, kind="stable")[:, :k], True, 1)
    return mask


results = {clean: (fit_scores(clean),) for clean in (False, True)}
results = {c: (r[0], *thresholds(r[0])) for c, r in results.items()}

sc, t_global, t_code = (a[te] if a.ndim == 2 else a for a in results[False])
print(f"(1) F1 on the test notes, raw tokens; global threshold {t_global:.2f}")
print("    codes (training notes)  n   global micro  macro   per-code micro  macro")
rows = [("all", np.arange(N_CODES))] + [
    (name, np.flatnonzero(group == g))
    for g, name in enumerate(["head (>=100)", "torso (20-99)", "tail (<20)"])
]
for name, cols in rows:
    a = micro_macro(Y[te], sc >= t_global, cols)
    b = micro_macro(Y[te], sc >= t_code, cols)
    print(
        f"    {name:<20}{len(cols):>4}{a[0]:>13.3f}{a[1]:>7.3f}"
        f"{b[0]:>17.3f}{b[1]:>7.3f}"
    )
tail_share = Y[te][:, group == 2].sum() / Y[te].sum()
print(f"    tail codes are {tail_share:.3f} of the true codes in the test notes")
# The hierarchy: roll predicted and true codes up to their chapters.
P = sc >= t_code
Yc = np.stack([Y[te][:, chapter == c].any(1) for c in range(N_CHAPTERS)], 1)
Pc = np.stack([P[:, chapter == c].any(1) for c in range(N_CHAPTERS)], 1)
print(
    f"    micro-F1 per chapter {micro_macro(Yc, Pc)[0]:.3f}, per code "
    f"{micro_macro(Y[te], P)[0]:.3f} (per-code thresholds)"
)

print("(2) recall@k: share of the true codes in a top-k suggestion list")
print("    k   all codes  head   torso  tail   notes with every code in the list")
for k in (5, 10, 15):
    hit = top_k(sc, k) & Y[te]
    by_group = [hit[:, group == g].sum() / Y[te][:, group == g].sum() for g in range(3)]
    complete = (hit.sum(1) == Y[te].sum(1)).mean()
    print(
        f"    {k:<4}{hit.sum() / Y[te].sum():>8.3f}"
        + "".join(f"{x:>7.3f}" for x in by_group)
        + f"{complete:>12.3f}"
    )

n_neg = NEG[te].sum()
print(f"(3) {n_neg:,} codes mentioned only negated ('no <cue>') in the test notes")
print("    features         negated suggested  negated in top 10  recall@10  micro-F1")
for clean, name in [(False, "raw tokens"), (True, "negation rule")]:
    sc, t_global, t_code = (a[te] if a.ndim == 2 else a for a in results[clean])
    P, top10 = sc >= t_code, top_k(sc, 10)
    print(
        f"    {name:<17}{(P & NEG[te]).sum() / n_neg:>13.3f}"
        f"{(top10 & NEG[te]).sum() / n_neg:>19.3f}"
        f"{(top10 & Y[te]).sum() / Y[te].sum():>11.3f}"
        f"{micro_macro(Y[te], P)[0]:>10.3f}"
    )

# Capacity, with illustrative assumptions for a network of about 10 hospitals.
DISCHARGES, VISITS = 1_500, 20_000
TOK_STAY, TOK_VISIT = 15_000, 1_500
CHUNK, CHUNKS_PER_GPU_S = 512, 200
K, TOK_CHECK, USD_PER_M = 15, 400, 0.50
tokens = DISCHARGES * TOK_STAY + VISITS * TOK_VISIT
chunks = DISCHARGES * -(-TOK_STAY // CHUNK) + VISITS * -(-TOK_VISIT // CHUNK)
llm = (DISCHARGES + VISITS) * K * TOK_CHECK
print(f"(4) capacity: {DISCHARGES:,} discharges and {VISITS:,} visits a day")
print(f"    note tokens a day          {tokens / 1e6:.1f} M")
print(
    f"    {CHUNK}-token encoder chunks   {chunks:,} a day, "
    f"{chunks / CHUNKS_PER_GPU_S / 60:.0f} GPU-minutes at {CHUNKS_PER_GPU_S}/s"
)
print(
    f"    LLM check of the top {K}    {llm / 1e6:.1f} M input tokens a day "
    f"({TOK_CHECK} per code), ${llm / 1e6 * USD_PER_M:,.0f} at ${USD_PER_M:.2f}/M"
)
