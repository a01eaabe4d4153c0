import numpy as np
import torch

torch.set_num_threads(1)
rng = np.random.default_rng(0)
gen = torch.Generator().manual_seed(0)

# A synthetic knowledge graph: 24 chains of 8 entities, in 12 pairs of twin chains
N_PAIRS, LENGTH = 12, 8
chain = np.arange(2 * N_PAIRS * LENGTH).reshape(2 * N_PAIRS, LENGTH)
n_ent = chain.size
PATTERN = {
    "next": "antisymmetric",
    "prev": "inverse of next",
    "skip": "composition",
    "twin": "symmetric",
}
REL = list(PATTERN)


def rel(heads, name, tails):
    heads, tails = heads.ravel(), tails.ravel()
    return np.stack([heads, np.full_like(heads, REL.index(name)), tails], 1)


triples = np.concatenate(
    [
        rel(chain[:, :-1], "next", chain[:, 1:]),
        rel(chain[:, 1:], "prev", chain[:, :-1]),
        rel(chain[:, :-2], "skip", chain[:, 2:]),
        rel(chain[0::2], "twin", chain[1::2]),
        rel(chain[1::2], "twin", chain[0::2]),
    ]
)
perm = rng.permutation(len(triples))
test, train = triples[perm[: len(perm) // 5]], triples[perm[len(perm) // 5 :]]
print(f"{n_ent} entities, {len(train)} training and {len(test)} test triples")

GAMMA, DIM = 6.0, 32


def transe(h, r, t):
    # h + r should land on t (L1 distance)
    return GAMMA - (h + r - t).abs().sum(-1)


def distmult(h, r, t):
    # trilinear product: swapping h and t gives the same score
    return (h * r * t).sum(-1)


def rotate(h, r, t):
    # entities: DIM/2 complex numbers (real half, imaginary half); r: DIM/2 phases
    hre, him = h.chunk(2, -1)
    tre, tim = t.chunk(2, -1)
    dre = hre * r.cos() - him * r.sin() - tre
    dim = hre * r.sin() + him * r.cos() - tim
    return GAMMA - (dre**2 + dim**2 + 1e-9).sqrt().sum(-1)


MODELS = {
    "TransE": (transe, DIM),
    "DistMult": (distmult, DIM),
    "RotatE": (rotate, DIM // 2),
}


def fit(score, rel_dim, steps=200, n_neg=32, alpha=1.0):
    E = torch.nn.Parameter(0.3 * torch.randn(n_ent, DIM, generator=gen))
    R = torch.nn.Parameter(0.3 * torch.randn(len(REL), rel_dim, generator=gen))
    opt = torch.optim.Adam([E, R], lr=0.05)
    h, r, t = torch.tensor(train).T
    logsig = torch.nn.functional.logsigmoid
    for _ in range(steps):
        # corrupt the head or the tail of every triple with random entities
        rand = torch.randint(0, n_ent, (len(h), n_neg), generator=gen)
        head_side = torch.rand(len(h), 1, generator=gen) < 0.5
        hn = torch.where(head_side, rand, h[:, None])
        tn = torch.where(head_side, t[:, None], rand)
        pos = score(E[h], R[r], E[t])
        neg = score(E[hn], R[r][:, None], E[tn])
        # self-adversarial weights: softmax of the negatives' own scores, no gradient
        w = torch.softmax(alpha * neg.detach(), -1)
        loss = -logsig(pos).mean() - (w * logsig(-neg)).sum(-1).mean()
        if score is distmult:
            loss = loss + 1e-3 * (E.pow(2).sum(-1).mean() + R.pow(2).sum(-1).mean())
        opt.zero_grad()
        loss.backward()
        opt.step()
    return E.detach(), R.detach()


# Filtered evaluation: every known true triple (train or test) except the answer
# is removed from the candidates; the answer's rank among the rest, ties count half
known_tails, known_heads = {}, {}
for h, r, t in triples.tolist():
    known_tails.setdefault((h, r), set()).add(t)
    known_heads.setdefault((r, t), set()).add(h)


def rank(scores, answer, true_answers):
    keep = np.ones(n_ent, bool)
    keep[list(true_answers - {answer})] = False
    s = scores[keep]
    return 1 + (s > scores[answer]).sum() + 0.5 * ((s == scores[answer]).sum() - 1)


def evaluate(score_all):
    """score_all(h, r, None) scores every tail; score_all(None, r, t) every head."""
    ranks = {name: [] for name in REL}
    for h, r, t in test.tolist():
        ranks[REL[r]].append(rank(score_all(h, r, None), t, known_tails[h, r]))
        ranks[REL[r]].append(rank(score_all(None, r, t), h, known_heads[r, t]))
    out = {}
    for name, rk in ranks.items():
        rk = np.array(rk)
        out[name] = (np.mean(1 / rk), np.mean(rk <= 1), np.mean(rk <= 10))
    return out


results, params = {}, {}
for name, (score, rel_dim) in MODELS.items():
    E, R = params[name] = fit(score, rel_dim)

    def score_all(h, r, t, score=score, E=E, R=R):
        return score(E if h is None else E[h], R[r], E if t is None else E[t]).numpy()

    results[name] = evaluate(score_all)

print("filtered ranks of the test triples, head and tail queries")
print(f"{'':22}" + "".join(f"{m:>22}" for m in MODELS))
print(f"{'relation':<22}" + f"{'MRR':>7}{'Hits@1':>7}{'Hits@10':>8}" * 3)
for name in REL:
    row = "".join(
        f"{v:>{w}.3f}" for m in MODELS for v, w in zip(results[m][name], (7, 7, 8))
    )
    print(f"{name + ' (' + PATTERN[name] + ')':<22}{row}")

# Why DistMult fails on next: its score is the same with head and tail swapped
E, R = (p.double() for p in params["DistMult"])
h, r, t = torch.tensor(triples).T
gap = (distmult(E[h], R[r], E[t]) - distmult(E[t], R[r], E[h])).abs().max()
print(f"DistMult, max |score(h, r, t) - score(t, r, h)| over all triples: {gap:.6f}")
# Why TransE fails on twin: |a + r - b| + |b + r - a| >= 2|r|, and |r| is the distance
# of (a, twin, a), so at least one direction scores no higher than the self-loop
E, R = params["TransE"]
twin_test = test[test[:, 1] == REL.index("twin")]
a, b = torch.tensor(twin_test[:, 0]), torch.tensor(twin_test[:, 2])
r = R[REL.index("twin")]
self_wins = (transe(E[a], r, E[a]) >= transe(E[a], r, E[b])).float().mean()
print(f"TransE, twin test triples (a, twin, b) scored <= (a, twin, a): {self_wins:.3f}")

# Inverse-lookup rule, no learning: answer (h, r, ?) with every e such that
# (e, r2, h) is a training triple, for each r2 that reverses most r triples in training
train_set = set(map(tuple, train.tolist()))
inverse = {r: [] for r in range(len(REL))}
for r in range(len(REL)):
    pairs = train[train[:, 1] == r].tolist()
    for r2 in range(len(REL)):
        if np.mean([(t, r2, h) in train_set for h, _, t in pairs]) > 0.5:
            inverse[r].append(r2)
found = [f"{REL[r]}/{REL[r2]}" for r in inverse for r2 in inverse[r]]
print("inverse pairs found in training: " + ", ".join(found))


def lookup(h, r, t):
    scores = np.zeros(n_ent)
    for r2 in inverse[r]:
        for e in range(n_ent):
            query_tail = h is not None and (e, r2, h) in train_set
            query_head = t is not None and (t, r2, e) in train_set
            scores[e] = max(scores[e], float(query_tail or query_head))
    return scores


rule = evaluate(lookup)
print("inverse-lookup rule, MRR: " + "  ".join(f"{n} {rule[n][0]:.3f}" for n in REL))
