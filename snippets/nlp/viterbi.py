# --8<-- [start:viterbi]
import itertools

import numpy as np
from scipy.special import logsumexp

rng = np.random.default_rng(0)
# A 3-tag HMM in BIO style: O, B, I. I may only follow B or I (O -> I is forbidden).
tags = ["O", "B", "I"]
start = np.array([0.7, 0.3, 0.0])
trans = np.array([[0.7, 0.3, 0.0],   # from O
                  [0.3, 0.2, 0.5],   # from B
                  [0.4, 0.2, 0.4]])  # from I  # fmt: skip
emit = rng.dirichlet(np.ones(8) * 2, size=3)  # 8 word types, ambiguous emissions
with np.errstate(divide="ignore"):
    log_s, log_t, log_e = np.log(start), np.log(trans), np.log(emit)


def viterbi(words):
    """Most probable tag sequence: max-product dynamic programming, O(T K^2)."""
    delta = log_s + log_e[:, words[0]]
    back = []
    for w in words[1:]:
        scores = delta[:, None] + log_t  # (previous tag, tag)
        back.append(scores.argmax(axis=0))
        delta = scores.max(axis=0) + log_e[:, w]
    path = [int(delta.argmax())]
    for b in reversed(back):
        path.append(int(b[path[-1]]))
    return path[::-1], delta.max()


def forward(words):
    """Total log-probability of the words: sum-product instead of max-product."""
    alpha = log_s + log_e[:, words[0]]
    alphas = [alpha]
    for w in words[1:]:
        alpha = logsumexp(alpha[:, None] + log_t, axis=0) + log_e[:, w]
        alphas.append(alpha)
    return np.array(alphas), logsumexp(alpha)


def backward(words):
    beta = np.zeros(3)
    betas = [beta]
    for w in reversed(words[1:]):
        beta = logsumexp(log_t + log_e[:, w] + beta, axis=1)
        betas.append(beta)
    return np.array(betas[::-1])


def path_logp(words, path):
    lp = log_s[path[0]] + log_e[path[0], words[0]]
    for a, b, w in zip(path, path[1:], words[1:]):
        lp += log_t[a, b] + log_e[b, w]
    return lp


def sample(T):
    z = [rng.choice(3, p=start)]
    for _ in range(T - 1):
        z.append(rng.choice(3, p=trans[z[-1]]))
    return [int(rng.choice(8, p=emit[k])) for k in z], z


# Check against brute force over all 3^7 = 2187 tag sequences.
words, _ = sample(7)
paths = list(itertools.product(range(3), repeat=7))
with np.errstate(invalid="ignore"):
    all_lp = np.array([path_logp(words, p) for p in paths])
best, best_lp = viterbi(words)
print(f"Viterbi = brute-force argmax: {tuple(best) == paths[all_lp.argmax()]}")
print(f"forward = brute-force sum: {np.isclose(forward(words)[1], logsumexp(all_lp))}")

# Viterbi (best sequence) vs posterior decoding (best tag at each position).
vit_acc = post_acc = invalid = n_tok = 0
for _ in range(300):
    words, truth = sample(20)
    vit, _ = viterbi(words)
    alphas, total = forward(words)
    posterior = alphas + backward(words) - total  # log P(tag_t | all words)
    post = posterior.argmax(axis=1)
    vit_acc += sum(a == b for a, b in zip(vit, truth))
    post_acc += sum(a == b for a, b in zip(post, truth))
    invalid += any(a == 0 and b == 2 for a, b in zip(post, post[1:]))  # O then I
    n_tok += len(truth)
print(
    f"token accuracy: Viterbi {vit_acc / n_tok:.3f}, posterior {post_acc / n_tok:.3f}"
)
print(f"posterior decoding outputs the forbidden O -> I in {invalid} of 300 sequences;"
      f" Viterbi never can")  # fmt: skip
# --8<-- [end:viterbi]
