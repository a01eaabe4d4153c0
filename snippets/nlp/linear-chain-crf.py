import itertools

import numpy as np
import torch
from scipy.optimize import minimize

torch.manual_seed(0)
torch.set_num_threads(1)
rng = np.random.default_rng(0)
TAGS = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC"]
K, T = len(TAGS), 20


def sentence():
    """BIO tags of a T-token "sentence": entities of 1-4 tokens, two types."""
    tags = []
    while len(tags) < T:
        if rng.random() < 0.25:
            b = 1 + 2 * int(rng.integers(2))
            tags += [b] + [b + 1] * int(rng.choice(4, p=[0.35, 0.35, 0.2, 0.1]))
        else:
            tags.append(0)
    return np.array(tags[:T])


# Per-token features, as a context-free encoder would give: "is an entity",
# "is PER or LOC" and a weak "is a first token" signal (B vs I is ambiguous).
ENT = np.array([-1, 1, 1, 1, 1])
TYPE = np.array([0, 1, 1, -1, -1])
BEGIN = np.array([0, 0.5, -0.5, 0.5, -0.5])


def featurise(y):
    mean = np.stack([ENT[y], TYPE[y], BEGIN[y]], axis=-1)
    return mean + rng.normal(size=mean.shape)


y_train = np.stack([sentence() for _ in range(200)])
y_test = np.stack([sentence() for _ in range(500)])
x_train, x_test = featurise(y_train), featurise(y_test)

xt, yt = torch.tensor(x_train), torch.tensor(y_train)


def fit(loss_fn, shapes):
    """Minimise loss_fn(*params) + a small L2 with L-BFGS, gradients from autograd."""
    sizes = [int(np.prod(s)) for s in shapes]

    def unpack(theta):
        return [c.reshape(s) for c, s in zip(torch.split(theta, sizes), shapes)]

    def f(theta_np):
        theta = torch.tensor(theta_np, requires_grad=True)
        loss = loss_fn(*unpack(theta)) + 1e-3 * (theta**2).sum()
        loss.backward()
        return loss.item(), theta.grad.numpy()

    opts = {"maxiter": 2000, "gtol": 1e-9, "ftol": 1e-15}
    res = minimize(f, np.zeros(sum(sizes)), jac=True, method="L-BFGS-B", options=opts)
    return [c.numpy() for c in unpack(torch.tensor(res.x))]


# (a) Per-token softmax: multinomial logistic regression on each token alone.
# Loss per sentence (mean over tokens times T), the same scale as the CRF's.
def token_nll(W, b):
    return -torch.log_softmax(xt @ W + b, -1).gather(-1, yt[..., None]).mean() * T


W_a, b_a = fit(token_nll, [(3, K), (K,)])
log_p = torch.log_softmax(torch.tensor(x_test @ W_a + b_a), -1).numpy()


# (b) Linear-chain CRF: the same linear emissions plus start, transition and end
# scores, trained jointly by negative log-likelihood; log Z by the forward pass.
def log_partition(emis, start, trans, end):
    """Forward algorithm in log space: O(T K^2) per sequence."""
    alpha = start + emis[:, 0]
    for t in range(1, emis.shape[1]):
        alpha = torch.logsumexp(alpha[:, :, None] + trans, dim=1) + emis[:, t]
    return torch.logsumexp(alpha + end, dim=1)


def path_score(emis, y, start, trans, end):
    """Score of given tag sequences: emissions + start + transitions + end."""
    rows = torch.arange(len(y))[:, None]
    score = emis[rows, torch.arange(y.shape[1]), y].sum(1)
    return score + start[y[:, 0]] + trans[y[:, :-1], y[:, 1:]].sum(1) + end[y[:, -1]]


def crf_nll(W, b, start, trans, end):
    emis = xt @ W + b
    logz = log_partition(emis, start, trans, end)
    return (logz - path_score(emis, yt, start, trans, end)).mean()


crf = fit(crf_nll, [(3, K), (K,), (K,), (K, K), (K,)])

# (b') Only start, transition and end scores trained, on the frozen softmax's
# log-probabilities as emissions.
frozen = torch.log_softmax(xt @ torch.tensor(W_a) + torch.tensor(b_a), -1)


def transitions_nll(start, trans, end):
    logz = log_partition(frozen, start, trans, end)
    return (logz - path_score(frozen, yt, start, trans, end)).mean()


s_f, tr_f, e_f = fit(transitions_nll, [(K,), (K, K), (K,)])


def viterbi(emis, start, trans, end):
    """Best tag sequence under emission + transition scores (see the Viterbi answer)."""
    delta, back = start + emis[0], []
    for e in emis[1:]:
        scores = delta[:, None] + trans
        back.append(scores.argmax(0))
        delta = scores.max(0) + e
    path = [int((delta + end).argmax())]
    for bp in reversed(back):
        path.append(int(bp[path[-1]]))
    return path[::-1]


# (c) Softmax + constrained Viterbi: transitions fixed to 0 (allowed) or -inf
# (I-X only after B-X or I-X; never at the start). Nothing is trained.
allowed = np.zeros((K, K))
allowed[:, [2, 4]] = -np.inf
allowed[[1, 2], 2] = 0
allowed[[3, 4], 4] = 0
start_allowed = np.where(np.isin(np.arange(K), [2, 4]), -np.inf, 0.0)

W_np, b_np, s_np, tr_np, e_np = crf
predictions = {
    "(a) per-token softmax": log_p.argmax(-1),
    "(b) CRF, trained jointly": np.array(
        [viterbi(x @ W_np + b_np, s_np, tr_np, e_np) for x in x_test]
    ),
    "(b') softmax + learned transitions": np.array(
        [viterbi(lp, s_f, tr_f, e_f) for lp in log_p]
    ),
    "(c) softmax + constrained Viterbi": np.array(
        [viterbi(lp, start_allowed, allowed, np.zeros(K)) for lp in log_p]
    ),
}


def spans(tags):
    """Entities as (start, end, type); an I- that continues nothing opens one."""
    found, begin, kind = set(), None, None
    for i, tag in enumerate([*tags, 0]):
        name = TAGS[tag]
        continues = name[0] == "I" and begin is not None and name[2:] == kind
        if begin is not None and not continues:
            found.add((begin, i, kind))
            begin = None
        if name != "O" and not continues:
            begin, kind = i, name[2:]
    return found


def invalid(tags):
    prev = [0, *tags[:-1]]
    return any(
        TAGS[t][0] == "I" and TAGS[p][2:] != TAGS[t][2:] for p, t in zip(prev, tags)
    )


gold = [spans(y) for y in y_test]
print(f"test: {y_test.size} tokens, {sum(map(len, gold))} entities")
print(f"{'method':<34} {'token acc':>9} {'span F1':>8} {'invalid':>8}")
for name, pred in predictions.items():
    acc = (pred == y_test).mean()
    tp = n_pred = 0
    for p, g in zip(pred, gold):
        found = spans(p)
        tp += len(found & g)
        n_pred += len(found)
    f1 = 2 * tp / (n_pred + sum(map(len, gold)))
    bad = np.mean([invalid(p) for p in pred])
    print(f"{name:<34} {acc:>9.3f} {f1:>8.3f} {bad:>8.3f}")

print("CRF transition scores (row: previous tag, column: next tag)")
print(" " * 6 + "".join(f"{t:>7}" for t in TAGS))
for t, row in zip(TAGS, tr_np):
    print(f"{t:<6}" + "".join(f"{v:>7.1f}" for v in row))

# Check the forward algorithm against brute force over all 5^5 = 3125 paths.
W_t, b_t, *scores = map(torch.tensor, crf)
emis = torch.tensor(x_test[:3, :5]) @ W_t + b_t
fwd = log_partition(emis, *scores)
paths = torch.tensor(list(itertools.product(range(K), repeat=5)))
brute = [
    torch.logsumexp(path_score(e.expand(len(paths), 5, K), paths, *scores), 0)
    for e in emis
]
diff = (fwd - torch.stack(brute)).abs().max().item()
print(f"log Z forward vs brute force, max abs difference: {diff:.9f}")
