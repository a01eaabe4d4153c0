# --8<-- [start:signature]
import numpy as np


def sgns_loss_and_grads(
    v_c: np.ndarray, u_o: np.ndarray, u_neg: np.ndarray
) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
    """Skip-gram negative-sampling loss of B (centre, context) pairs, and its gradients.

    v_c (B, d): the centre words' vectors; u_o (B, d): the true context words' vectors;
    u_neg (B, k, d): the context vectors of k noise words per pair.
    loss = sum over pairs of -log sigmoid(u_o . v_c) - sum_k log sigmoid(-u_k . v_c),
    with u_k = u_neg[b, k] for pair b.
    Returns (loss, dv_c, du_o, du_neg), each gradient with its input's shape. Finite for
    scores of any size (no overflow).
    """
    raise NotImplementedError


def noise_distribution(counts: np.ndarray, power: float = 0.75) -> np.ndarray:
    """P_n(w) = counts[w] ** power / sum over w' of counts[w'] ** power."""
    raise NotImplementedError


def train_sgns(
    sentences: list[np.ndarray],
    vocab_size: int,
    dim: int = 16,
    window: int = 2,
    k: int = 5,
    lr: float = 0.05,
    epochs: int = 5,
    batch_size: int = 128,
    subsample: float = 0.0,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray, list[float]]:
    """Word vectors by skip-gram with negative sampling (SGNS), trained with SGD.

    sentences: arrays of word ids in [0, vocab_size). The pairs are every (centre,
    context) with the context at most `window` positions away in the same sentence;
    each pair gets k noise words drawn from noise_distribution(word counts).
    Initialisation as in word2vec: W_in uniform in [-0.5 / dim, 0.5 / dim), W_out zeros.
    Each epoch shuffles the pairs and steps on mini-batches of batch_size pairs: every
    row of W_in and W_out moves by -lr_t times the sum of its gradients in the batch,
    with lr_t decaying linearly from lr towards 0 over training.
    Optional: subsample = t > 0 drops each token of a word of frequency f (its share of
    the tokens) with probability 1 - sqrt(t / f), drawn again each epoch; 0 = off.
    Returns W_in (vocab_size, dim), the centre (input) vectors; W_out (vocab_size, dim),
    the context (output) vectors; and the mean loss per pair of each epoch.
    """
    raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
import numpy as np


def sigmoid(x: np.ndarray) -> np.ndarray:
    # tanh form: no exp(-x) to overflow for large negative x
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def sgns_loss_and_grads(
    v_c: np.ndarray, u_o: np.ndarray, u_neg: np.ndarray
) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
    pos = np.einsum("bd,bd->b", u_o, v_c)
    neg = np.einsum("bkd,bd->bk", u_neg, v_c)
    # -log sigmoid(x) = log(1 + exp(-x)) = logaddexp(0, -x), stable for any x
    loss = np.logaddexp(0.0, -pos).sum() + np.logaddexp(0.0, neg).sum()
    # d/dx of -log sigmoid(x) is sigmoid(x) - 1; of -log sigmoid(-x) is sigmoid(x)
    g_pos = sigmoid(pos) - 1.0
    g_neg = sigmoid(neg)
    dv_c = g_pos[:, None] * u_o + np.einsum("bk,bkd->bd", g_neg, u_neg)
    du_o = g_pos[:, None] * v_c
    du_neg = g_neg[:, :, None] * v_c[:, None, :]
    return float(loss), dv_c, du_o, du_neg


def noise_distribution(counts: np.ndarray, power: float = 0.75) -> np.ndarray:
    weights = np.asarray(counts, dtype=float) ** power
    return weights / weights.sum()


def skipgram_pairs(sentences: list[np.ndarray], window: int):
    """(centre, context) id arrays: both directions, every offset 1..window."""
    centres, contexts = [], []
    for s in sentences:
        for offset in range(1, min(window, len(s) - 1) + 1):
            centres += [s[:-offset], s[offset:]]
            contexts += [s[offset:], s[:-offset]]
    empty = np.zeros(0, dtype=int)
    return np.concatenate(centres or [empty]), np.concatenate(contexts or [empty])


def train_sgns(
    sentences: list[np.ndarray],
    vocab_size: int,
    dim: int = 16,
    window: int = 2,
    k: int = 5,
    lr: float = 0.05,
    epochs: int = 5,
    batch_size: int = 128,
    subsample: float = 0.0,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray, list[float]]:
    rng = np.random.default_rng(seed)
    sentences = [np.asarray(s, dtype=int) for s in sentences]
    counts = np.bincount(np.concatenate(sentences), minlength=vocab_size)
    noise = noise_distribution(counts)
    freq = counts / counts.sum()
    with np.errstate(divide="ignore"):
        keep = np.minimum(1.0, np.sqrt(subsample / freq)) if subsample > 0 else None
    W_in = (rng.random((vocab_size, dim)) - 0.5) / dim
    W_out = np.zeros((vocab_size, dim))
    losses = []
    for epoch in range(epochs):
        kept = sentences
        if keep is not None:
            kept = [s[rng.random(len(s)) < keep[s]] for s in sentences]
        centre, context = skipgram_pairs(kept, window)
        order = rng.permutation(len(centre))
        centre, context = centre[order], context[order]
        total = 0.0
        for start in range(0, len(centre), batch_size):
            c = centre[start : start + batch_size]
            o = context[start : start + batch_size]
            negatives = rng.choice(vocab_size, size=(len(c), k), p=noise)
            loss, dv_c, du_o, du_neg = sgns_loss_and_grads(
                W_in[c], W_out[o], W_out[negatives]
            )
            total += loss
            # linear decay as in word2vec, floored at 1e-4 of the starting rate
            progress = (epoch + start / len(centre)) / epochs
            step = lr * max(1e-4, 1.0 - progress)
            # np.add.at sums the updates of a word that occurs several times in the
            # batch; W[c] -= ... would keep only one of them
            np.add.at(W_in, c, -step * dv_c)
            np.add.at(W_out, o, -step * du_o)
            np.add.at(W_out, negatives.ravel(), -step * du_neg.reshape(-1, dim))
        losses.append(total / max(len(centre), 1))
    return W_in, W_out, losses


# --8<-- [end:solution]


# --8<-- [start:tests]
import math

import numpy as np
import pytest


def sgns_corpus(seed, n_sentences=1500, n_topics=4, per_topic=10, n_common=5):
    """Sentences of 8 word ids. Each sentence picks a topic and draws its words from
    that topic's 10 words (Zipf weights), except that each position is, with
    probability 0.4, one of 5 common words shared by all topics. Returns the sentences
    and every word's topic (-1 for the common words)."""
    rng = np.random.default_rng(seed)
    topic = np.repeat(np.arange(-1, n_topics), [n_common] + [per_topic] * n_topics)
    zipf = 1.0 / np.arange(1, per_topic + 1)
    zipf /= zipf.sum()
    sentences = []
    for _ in range(n_sentences):
        t = rng.integers(n_topics)
        words = n_common + t * per_topic + rng.choice(per_topic, size=8, p=zipf)
        common = rng.random(8) < 0.4
        words[common] = rng.integers(n_common, size=common.sum())
        sentences.append(words)
    return sentences, topic


def topic_cosines(W, topic):
    """Over the topic words: the mean cosine similarity of two words of the same topic,
    of two words of different topics, and the share of words whose nearest neighbour
    (by cosine) is in their own topic."""
    E = W[topic >= 0] / np.linalg.norm(W[topic >= 0], axis=1, keepdims=True)
    t = topic[topic >= 0]
    cos = E @ E.T
    same = (t[:, None] == t[None, :]) & ~np.eye(len(t), dtype=bool)
    np.fill_diagonal(cos, -np.inf)
    nearest_same = np.mean(t[cos.argmax(axis=1)] == t)
    np.fill_diagonal(cos, 1.0)
    return cos[same].mean(), cos[t[:, None] != t[None, :]].mean(), nearest_same


def central_differences(f, x, eps=1e-6):
    """(f(x + eps e_i) - f(x - eps e_i)) / (2 eps) for every entry i of x, in place."""
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        up = f()
        x[i] = old - eps
        down = f()
        x[i] = old
        grad[i] = (up - down) / (2 * eps)
    return grad


def test_sgns_worked_example():
    # one pair, d = 2, k = 1: scores u_o . v_c = 2 and u_1 . v_c = 0
    v_c, u_o, u_neg = (
        np.array([[1.0, 0.0]]),
        np.array([[2.0, 0.0]]),
        np.array([[[0.0, 1.0]]]),
    )
    loss, dv_c, du_o, du_neg = sgns_loss_and_grads(v_c, u_o, u_neg)
    s = 1 / (1 + math.exp(-2))
    assert loss == pytest.approx(-math.log(s) + math.log(2))
    np.testing.assert_allclose(dv_c, [[2 * (s - 1), 0.5]])
    np.testing.assert_allclose(du_o, [[s - 1, 0.0]])
    np.testing.assert_allclose(du_neg, [[[0.5, 0.0]]])
    # word2vec's initialisation, every context vector zero: (k + 1) ln 2, dv_c = 0
    zeros = sgns_loss_and_grads(np.ones((1, 2)), np.zeros((1, 2)), np.zeros((1, 5, 2)))
    assert zeros[0] == pytest.approx(6 * math.log(2)) and not zeros[1].any()
    expected = np.array([1, 8, 27]) / 36  # 1, 16 ** 0.75, 81 ** 0.75, normalised
    np.testing.assert_allclose(noise_distribution(np.array([1, 16, 81])), expected)


def test_sgns_gradients_match_central_differences():
    rng = np.random.default_rng(0)
    arrays = [rng.normal(size=shape) for shape in [(3, 5), (3, 5), (3, 4, 5)]]
    _, *grads = sgns_loss_and_grads(*arrays)
    for x, grad in zip(arrays, grads):
        numeric = central_differences(lambda: sgns_loss_and_grads(*arrays)[0], x)
        assert grad.shape == x.shape
        assert np.abs(numeric - grad).max() / np.abs(grad).max() < 1e-6


def test_sgns_loss_is_finite_for_large_scores():
    # scores -1000 for the true context and +1000 for the noise word: about 1000 each
    loss, dv_c, _, _ = sgns_loss_and_grads(
        np.array([[10.0]]), np.array([[-100.0]]), np.array([[[100.0]]])
    )
    assert loss == pytest.approx(2000.0)
    np.testing.assert_allclose(dv_c, [[200.0]])


def test_sgns_training_loss_falls():
    sentences, topic = sgns_corpus(seed=1)
    W_in, W_out, losses = train_sgns(sentences, len(topic), k=5, epochs=5, seed=1)
    assert W_in.shape == W_out.shape == (len(topic), 16)
    assert len(losses) == 5 and np.isfinite(losses).all()
    # at initialisation (W_out = 0) every pair costs (k + 1) ln 2
    assert losses[-1] < losses[0] < 6 * math.log(2)
    assert losses[-1] < 0.6 * 6 * math.log(2)


def test_sgns_same_topic_words_are_closer():
    sentences, topic = sgns_corpus(seed=2)
    W_in, _, _ = train_sgns(sentences, len(topic), seed=2)
    within, across, nearest_same = topic_cosines(W_in, topic)
    assert within > across + 0.4
    assert nearest_same >= 0.9


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_sgns_worked_example,
    test_sgns_gradients_match_central_differences,
    test_sgns_loss_is_finite_for_large_scores,
    test_sgns_training_loss_falls,
    test_sgns_same_topic_words_are_closer,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")

k, window = 5, 2
sentences, topic = sgns_corpus(seed=0)
V = len(topic)
W_in, W_out, losses = train_sgns(sentences, V, window=window, k=k, seed=0)
at_init = (k + 1) * math.log(2)
print(f"{V} words; loss per pair at initialisation: (k + 1) ln 2 = {at_init:.3f}")
print("training loss per pair by epoch:", " ".join(f"{x:.3f}" for x in losses))

# n[w, c]: how often c is within `window` of w; n_w = n[w].sum(); P_n: the noise
n = np.zeros((V, V))
for s in sentences:
    for offset in range(1, window + 1):
        np.add.at(n, (s[:-offset], s[offset:]), 1)
        np.add.at(n, (s[offset:], s[:-offset]), 1)
n_w = n.sum(axis=1, keepdims=True)
counts = np.bincount(np.concatenate(sentences), minlength=V)
p_n = noise_distribution(counts)


def expected_loss(scores):
    # mean loss per pair, the k noise words integrated out exactly
    positive = (n * np.logaddexp(0, -np.where(n > 0, scores, 0))).sum()
    noise = k * (n_w * p_n * np.logaddexp(0, scores)).sum()
    return (positive + noise) / n.sum()


# Levy and Goldberg (2014): the scores that minimise it, cell by cell, are the
# shifted PMI log(n[w, c] / (n_w P_n(c))) - log k, with P_n as the context
# distribution (minus infinity where n = 0)
with np.errstate(divide="ignore"):
    shifted_pmi = np.log(n / (n_w * p_n)) - np.log(k)
scores = W_in @ W_out.T
print(
    f"expected loss: trained vectors {expected_loss(scores):.3f}, "
    f"shifted-PMI scores (the minimum) {expected_loss(shifted_pmi):.3f}"
)
seen = n >= 20
r = np.corrcoef(scores[seen], shifted_pmi[seen])[0, 1]
gap = np.abs(scores[seen] - shifted_pmi[seen]).mean()
print(f"v_w . u_c against shifted PMI, the {seen.sum()} pairs seen 20+ times:")
print(f"    correlation {r:.3f}, mean |difference| {gap:.3f}")
within, across, nearest_same = topic_cosines(W_in, topic)
print(
    f"cosine: same topic {within:.3f}, different topics {across:.3f}; "
    f"nearest neighbour in the same topic {nearest_same:.2f}"
)
t = 0.01
freq = counts / counts.sum()
kept = np.sum(freq * np.minimum(1.0, np.sqrt(t / freq)))
W_sub, _, _ = train_sgns(sentences, V, window=window, k=k, subsample=t, seed=0)
within, across, nearest_same = topic_cosines(W_sub, topic)
print(
    f"subsample t={t}: keeps {kept:.2f} of the tokens; cosine: same topic "
    f"{within:.3f}, different topics {across:.3f}"
)
# --8<-- [end:check]
