# --8<-- [start:signature]
import numpy as np


def hmm_forward(
    log_pi: np.ndarray, log_A: np.ndarray, log_B: np.ndarray, obs: np.ndarray
) -> tuple[np.ndarray, float]:
    """Forward algorithm in log space for an HMM with K states and M symbols.
    log_pi (K,): log P(z_0 = k); log_A (K, K): log P(z_t = j | z_{t-1} = i) in row i,
    column j; log_B (K, M): log P(x_t = m | z_t = k); obs (T,): symbols in 0..M-1.
    Returns log alpha (T, K), alpha[t, k] = log P(x_0..x_t, z_t = k), and the
    log-likelihood log P(x_0..x_{T-1}). Entries may be -inf (probability 0)."""
    raise NotImplementedError


def hmm_backward(log_A: np.ndarray, log_B: np.ndarray, obs: np.ndarray) -> np.ndarray:
    """log beta (T, K), beta[t, k] = log P(x_{t+1}..x_{T-1} | z_t = k), and
    beta[T-1] = 0."""
    raise NotImplementedError


def hmm_posteriors(
    log_pi: np.ndarray, log_A: np.ndarray, log_B: np.ndarray, obs: np.ndarray
) -> np.ndarray:
    """Posterior state marginals (T, K), P(z_t = k | x_0..x_{T-1}), as probabilities:
    each row sums to 1. ValueError if the sequence has probability 0."""
    raise NotImplementedError


def hmm_viterbi(
    log_pi: np.ndarray, log_A: np.ndarray, log_B: np.ndarray, obs: np.ndarray
) -> tuple[np.ndarray, float]:
    """The most likely state path (T,) of integers and its joint log-probability
    log P(x, z). Ties go to the lowest state index. If every path has probability 0
    the log-probability is -inf (and the path is arbitrary)."""
    raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
import numpy as np


def hmm_forward(
    log_pi: np.ndarray, log_A: np.ndarray, log_B: np.ndarray, obs: np.ndarray
) -> tuple[np.ndarray, float]:
    obs = np.asarray(obs)
    alpha = np.empty((len(obs), len(log_pi)))
    alpha[0] = log_pi + log_B[:, obs[0]]
    for t in range(1, len(obs)):
        # alpha[t-1, i] + log A[i, j], summed over the previous state i (axis 0);
        # np.logaddexp of -inf and -inf is -inf, without a warning
        alpha[t] = np.logaddexp.reduce(alpha[t - 1][:, None] + log_A, axis=0)
        alpha[t] += log_B[:, obs[t]]
    return alpha, float(np.logaddexp.reduce(alpha[-1]))


def hmm_backward(log_A: np.ndarray, log_B: np.ndarray, obs: np.ndarray) -> np.ndarray:
    obs = np.asarray(obs)
    beta = np.zeros((len(obs), log_A.shape[0]))
    for t in range(len(obs) - 2, -1, -1):
        # from state i at t: move to j, emit x_{t+1} from j, then the rest from j
        nxt = log_B[:, obs[t + 1]] + beta[t + 1]
        beta[t] = np.logaddexp.reduce(log_A + nxt[None, :], axis=1)
    return beta


def hmm_posteriors(
    log_pi: np.ndarray, log_A: np.ndarray, log_B: np.ndarray, obs: np.ndarray
) -> np.ndarray:
    alpha, loglik = hmm_forward(log_pi, log_A, log_B, obs)
    if loglik == -np.inf:
        raise ValueError("the observation sequence has probability 0")
    beta = hmm_backward(log_A, log_B, obs)
    return np.exp(alpha + beta - loglik)


def hmm_viterbi(
    log_pi: np.ndarray, log_A: np.ndarray, log_B: np.ndarray, obs: np.ndarray
) -> tuple[np.ndarray, float]:
    obs = np.asarray(obs)
    T, K = len(obs), len(log_pi)
    delta = log_pi + log_B[:, obs[0]]
    back = np.zeros((T, K), dtype=int)
    for t in range(1, T):
        # scores[i, j]: the best path ending in i at t-1, then the move i -> j
        scores = delta[:, None] + log_A
        back[t] = scores.argmax(axis=0)
        delta = scores.max(axis=0) + log_B[:, obs[t]]
    path = np.empty(T, dtype=int)
    path[-1] = delta.argmax()
    for t in range(T - 1, 0, -1):
        path[t - 1] = back[t, path[t]]
    return path, float(delta.max())


# --8<-- [end:solution]


# --8<-- [start:tests]
import itertools
import math
import warnings

import numpy as np


def safe_log(p):
    """log of probabilities, log 0 = -inf without a warning."""
    with np.errstate(divide="ignore"):
        return np.log(np.asarray(p, dtype=float))


def casino():
    """The occasionally dishonest casino (Durbin et al., 1998): state 0 fair, state 1
    loaded (a six half of the time); symbols 0..5 are the faces 1..6."""
    pi = np.array([0.5, 0.5])
    A = np.array([[0.95, 0.05], [0.10, 0.90]])
    B = np.array([[1 / 6] * 6, [0.1] * 5 + [0.5]])
    return pi, A, B


def three_dice():
    """A fair die (0) and two loaded ones, towards 6 (1) and towards 1 (2); the
    dealer goes back to the fair die before taking the other loaded one, so
    A[1, 2] = A[2, 1] = 0."""
    pi = np.array([1.0, 0.0, 0.0])
    A = np.array([[0.80, 0.10, 0.10], [0.10, 0.90, 0.0], [0.10, 0.0, 0.90]])
    B = np.array([[1 / 6] * 6, [0.1] * 5 + [0.5], [0.5] + [0.1] * 5])
    return pi, A, B


def hmm_sample(rng, pi, A, B, T):
    """A state path and its observations, drawn from the model."""
    u = rng.random((T, 2))
    K, M = B.shape
    z = np.empty(T, dtype=int)
    x = np.empty(T, dtype=int)
    for t in range(T):
        start = pi if t == 0 else A[z[t - 1]]
        z[t] = min(np.searchsorted(np.cumsum(start), u[t, 0], side="right"), K - 1)
        x[t] = min(np.searchsorted(np.cumsum(B[z[t]]), u[t, 1], side="right"), M - 1)
    return z, x


def random_hmm(rng, K, M):
    """Random log parameters, every row drawn from a flat Dirichlet."""
    return (
        np.log(rng.dirichlet(np.ones(K))),
        np.log(rng.dirichlet(np.ones(K), size=K)),
        np.log(rng.dirichlet(np.ones(M), size=K)),
    )


def path_log_prob(log_pi, log_A, log_B, obs, path):
    """log P(x, z) of one state path: the quantity every recursion sums or maximises."""
    total = log_pi[path[0]] + log_B[path[0], obs[0]]
    for t in range(1, len(obs)):
        total += log_A[path[t - 1], path[t]] + log_B[path[t], obs[t]]
    return total


def brute_force(log_pi, log_A, log_B, obs):
    """Every one of the K^T state paths: (paths, their joint log-probabilities)."""
    K = len(log_pi)
    paths = np.array(list(itertools.product(range(K), repeat=len(obs))))
    scores = np.array([path_log_prob(log_pi, log_A, log_B, obs, p) for p in paths])
    return paths, scores


def forward_probability_space(pi, A, B, obs, rescale=False):
    """The textbook forward pass on probabilities; with rescale=True alpha is
    normalised at every step and the logs of the scale factors are summed (Rabiner)."""
    alpha = pi * B[:, obs[0]]
    log_scale = 0.0
    for t in range(len(obs)):
        if t:
            alpha = (alpha @ A) * B[:, obs[t]]
        if rescale:
            c = alpha.sum()
            alpha = alpha / c
            log_scale += math.log(c)
    return log_scale if rescale else safe_log(alpha.sum())


def test_hmm_worked_example():
    pi, A, B = casino()
    obs = np.array([5, 0, 5])
    alpha, loglik = hmm_forward(np.log(pi), np.log(A), np.log(B), obs)
    # by hand: alpha_0 = (0.5/6, 0.5*0.5), then sum over the previous state
    a0 = np.array([0.5 / 6, 0.25])
    a1 = (a0 @ A) * B[:, 0]
    a2 = (a1 @ A) * B[:, 5]
    np.testing.assert_allclose(np.exp(alpha), [a0, a1, a2], rtol=1e-12)
    assert math.isclose(loglik, math.log(a2.sum()), rel_tol=1e-12)
    path, logp = hmm_viterbi(np.log(pi), np.log(A), np.log(B), obs)
    # LLL: 0.5 * 0.5 * 0.9 * 0.1 * 0.9 * 0.5 = 0.010125, the best of the 8 paths
    assert path.tolist() == [1, 1, 1] and math.isclose(logp, math.log(0.010125))
    post = hmm_posteriors(np.log(pi), np.log(A), np.log(B), obs)
    beta = np.exp(hmm_backward(np.log(A), np.log(B), obs))
    np.testing.assert_allclose(beta[-1], [1, 1])
    np.testing.assert_allclose(beta[1], A @ B[:, 5], rtol=1e-12)
    np.testing.assert_allclose(post[1], a1 * beta[1] / a2.sum(), rtol=1e-12)


def test_hmm_matches_brute_force():
    rng = np.random.default_rng(0)
    for K, M, T in itertools.product((1, 2, 3, 4), (2, 5), (1, 2, 3, 4, 5)):
        log_pi, log_A, log_B = random_hmm(rng, K, M)
        obs = rng.integers(M, size=T)
        paths, scores = brute_force(log_pi, log_A, log_B, obs)
        alpha, loglik = hmm_forward(log_pi, log_A, log_B, obs)
        # the sum over all paths is the forward pass
        assert math.isclose(loglik, np.logaddexp.reduce(scores), rel_tol=1e-12)
        for k in range(K):
            ends = np.logaddexp.reduce(scores[paths[:, -1] == k])
            assert math.isclose(alpha[-1, k], ends, rel_tol=1e-12)
        # the best path is Viterbi's, and its score is its own joint log-probability
        path, logp = hmm_viterbi(log_pi, log_A, log_B, obs)
        assert path.tolist() == paths[scores.argmax()].tolist()
        assert math.isclose(logp, scores.max(), rel_tol=1e-12)
        own = path_log_prob(log_pi, log_A, log_B, obs, path)
        assert math.isclose(logp, own, rel_tol=1e-12)
        # marginals: the share of the total probability of the paths through k at t
        weights = np.exp(scores - loglik)
        post = hmm_posteriors(log_pi, log_A, log_B, obs)
        for t in range(T):
            for k in range(K):
                ref = weights[paths[:, t] == k].sum()
                assert math.isclose(post[t, k], ref, rel_tol=1e-9, abs_tol=1e-12)


def test_hmm_posteriors_are_distributions():
    rng = np.random.default_rng(1)
    for _ in range(20):
        K, M, T = rng.integers(1, 6), rng.integers(2, 8), rng.integers(1, 60)
        log_pi, log_A, log_B = random_hmm(rng, K, M)
        obs = rng.integers(M, size=T)
        alpha, loglik = hmm_forward(log_pi, log_A, log_B, obs)
        beta = hmm_backward(log_A, log_B, obs)
        assert alpha.shape == beta.shape == (T, K)
        # alpha_t + beta_t gives the likelihood at every t
        np.testing.assert_allclose(
            np.logaddexp.reduce(alpha + beta, axis=1), loglik, rtol=1e-10
        )
        post = hmm_posteriors(log_pi, log_A, log_B, obs)
        assert post.shape == (T, K) and np.all(post >= 0) and np.all(post <= 1 + 1e-12)
        np.testing.assert_allclose(post.sum(axis=1), 1.0, rtol=1e-10)
        # the Viterbi path is one of the paths: never more likely than all of them
        assert hmm_viterbi(log_pi, log_A, log_B, obs)[1] <= loglik + 1e-9


def test_hmm_zero_probabilities():
    # a left-to-right model: 0 -> 1 -> 2, no way back, and state 2 never emits 0
    pi = np.array([1.0, 0.0, 0.0])
    A = np.array([[0.6, 0.4, 0.0], [0.0, 0.7, 0.3], [0.0, 0.0, 1.0]])
    B = np.array([[0.8, 0.2], [0.4, 0.6], [0.0, 1.0]])
    log_pi, log_A, log_B = safe_log(pi), safe_log(A), safe_log(B)
    rng = np.random.default_rng(2)
    with warnings.catch_warnings():
        # any RuntimeWarning (log of 0, inf - inf) fails the test
        warnings.simplefilter("error")
        for T in range(1, 7):
            for obs in itertools.product((0, 1), repeat=T):
                obs = np.array(obs)
                paths, scores = brute_force(log_pi, log_A, log_B, obs)
                alpha, loglik = hmm_forward(log_pi, log_A, log_B, obs)
                path, logp = hmm_viterbi(log_pi, log_A, log_B, obs)
                assert not np.isnan(alpha).any() and not math.isnan(logp)
                assert not np.isnan(hmm_backward(log_A, log_B, obs)).any()
                assert math.isclose(loglik, np.logaddexp.reduce(scores), rel_tol=1e-12)
                assert logp == scores.max() or math.isclose(logp, scores.max())
                post = hmm_posteriors(log_pi, log_A, log_B, obs)
                assert not np.isnan(post).any()
                np.testing.assert_allclose(post.sum(axis=1), 1.0, rtol=1e-12)
                # never a forbidden move; an impossible state has posterior exactly 0
                assert np.all(np.diff(path) >= 0) and np.all(np.diff(path) <= 1)
                assert post[0, 1] == post[0, 2] == 0.0
                assert np.all(post[obs == 0, 2] == 0.0)
        # a sequence no path can produce: 0 after the model has been forced into 2
        pi2 = np.array([0.0, 0.0, 1.0])
        obs = np.array([1, 1, 0])
        assert hmm_forward(safe_log(pi2), log_A, log_B, obs)[1] == -np.inf
        assert hmm_viterbi(safe_log(pi2), log_A, log_B, obs)[1] == -np.inf
        try:
            hmm_posteriors(safe_log(pi2), log_A, log_B, obs)
        except ValueError:
            pass
        else:
            raise AssertionError("posteriors of a probability-0 sequence")
        # the three-dice model: Viterbi never takes the forbidden move 1 <-> 2
        pi, A, B = three_dice()
        for _ in range(5):
            _, obs = hmm_sample(rng, pi, A, B, 200)
            path, logp = hmm_viterbi(safe_log(pi), safe_log(A), safe_log(B), obs)
            assert np.isfinite(logp) and np.all(A[path[:-1], path[1:]] > 0)


def test_hmm_long_sequence_does_not_underflow():
    pi, A, B = casino()
    rng = np.random.default_rng(3)
    _, obs = hmm_sample(rng, pi, A, B, 3000)
    # on probabilities the likelihood underflows to 0 (log -inf) ...
    assert forward_probability_space(pi, A, B, obs) == -np.inf
    # ... in log space it is finite and equals the rescaled forward pass
    alpha, loglik = hmm_forward(np.log(pi), np.log(A), np.log(B), obs)
    assert np.isfinite(alpha).all() and loglik < -745
    ref = forward_probability_space(pi, A, B, obs, rescale=True)
    assert math.isclose(loglik, ref, rel_tol=1e-10)
    post = hmm_posteriors(np.log(pi), np.log(A), np.log(B), obs)
    assert np.isfinite(post).all()
    np.testing.assert_allclose(post.sum(axis=1), 1.0, rtol=1e-10)
    path, logp = hmm_viterbi(np.log(pi), np.log(A), np.log(B), obs)
    own = path_log_prob(np.log(pi), np.log(A), np.log(B), obs, path)
    assert np.isfinite(logp) and math.isclose(logp, own, rel_tol=1e-10)


def test_hmm_decodes_the_casino():
    pi, A, B = casino()
    log_pi, log_A, log_B = np.log(pi), np.log(A), np.log(B)
    rng = np.random.default_rng(4)
    for _ in range(5):
        z, x = hmm_sample(rng, pi, A, B, 400)
        path, logp = hmm_viterbi(log_pi, log_A, log_B, x)
        # no path beats Viterbi's, the true one included
        assert logp >= path_log_prob(log_pi, log_A, log_B, x, z) - 1e-9
        post = hmm_posteriors(log_pi, log_A, log_B, x)
        # better than guessing "fair" everywhere
        assert np.mean(path == z) > max(np.mean(z == 0), 0.75)
        assert np.mean(post.argmax(axis=1) == z) > max(np.mean(z == 0), 0.75)


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_hmm_worked_example,
    test_hmm_matches_brute_force,
    test_hmm_posteriors_are_distributions,
    test_hmm_zero_probabilities,
    test_hmm_long_sequence_does_not_underflow,
    test_hmm_decodes_the_casino,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")

pi, A, B = casino()
log_pi, log_A, log_B = np.log(pi), np.log(A), np.log(B)
obs = np.array([5, 0, 5])
print("worked example: the casino, rolls 6 1 6, start 1/2 each (F fair, L loaded)")
paths, scores = brute_force(log_pi, log_A, log_B, obs)
for p, s in zip(paths, scores):
    print(f"  {''.join('FL'[k] for k in p)}  P(x, z) = {math.exp(s):.6f}")
alpha, loglik = hmm_forward(log_pi, log_A, log_B, obs)
path, logp = hmm_viterbi(log_pi, log_A, log_B, obs)
post = hmm_posteriors(log_pi, log_A, log_B, obs)
print(f"  alpha (F, L) by roll: {np.round(np.exp(alpha), 6).tolist()}")
print(f"  P(x) = sum of the 8 = {math.exp(loglik):.6f}, log {loglik:.3f}")
viterbi = "".join("FL"[k] for k in path)
print(f"  Viterbi {viterbi}, P = {math.exp(logp):.6f}, log {logp:.3f}")
print(f"  P(loaded | x) by roll: {np.round(post[:, 1], 3).tolist()}")

print("paths against cells: K states, T steps")
print("  K      T  paths K^T, log10  cells T*K  work T*K^2")
for K, T in ((2, 10), (2, 300), (3, 2000)):
    print(f"{K:>3} {T:>6} {T * math.log10(K):>17.1f} {T * K:>10} {T * K * K:>11}")


def decoding_accuracy(pi, A, B, n_seq, T, seed):
    """Per-roll accuracy of Viterbi and of the posterior argmax against the true
    states, and how many posterior-argmax sequences use a forbidden move."""
    rng = np.random.default_rng(seed)
    log_pi, log_A, log_B = safe_log(pi), safe_log(A), safe_log(B)
    right = {"viterbi": 0, "posterior": 0, "fair everywhere": 0}
    invalid = {"viterbi": 0, "posterior": 0}
    example = None
    for _ in range(n_seq):
        z, x = hmm_sample(rng, pi, A, B, T)
        path, _ = hmm_viterbi(log_pi, log_A, log_B, x)
        post = hmm_posteriors(log_pi, log_A, log_B, x)
        best = post.argmax(axis=1)
        right["viterbi"] += np.sum(path == z)
        right["posterior"] += np.sum(best == z)
        right["fair everywhere"] += np.sum(z == 0)
        for name, p in (("viterbi", path), ("posterior", best)):
            bad = np.flatnonzero(A[p[:-1], p[1:]] == 0)
            invalid[name] += len(bad) > 0
            if name == "posterior" and len(bad) and example is None:
                example = (x, z, path, best, post, bad[0])
    return {k: v / (n_seq * T) for k, v in right.items()}, invalid, example


n_seq, T = 100, 300
acc, _, _ = decoding_accuracy(pi, A, B, n_seq, T, seed=5)
print(f"casino: {n_seq} sequences of {T} rolls, accuracy per roll against the truth")
for name, value in acc.items():
    print(f"  {name:<16} {value:.3f}")

pi3, A3, B3 = three_dice()
acc, invalid, example = decoding_accuracy(pi3, A3, B3, n_seq, T, seed=6)
print("three dice (fair, loaded to 6, loaded to 1; moves between the loaded dice have")
print(f"probability 0): {n_seq} sequences of {T} rolls")
for name in ("viterbi", "posterior"):
    print(
        f"  {name:<10} accuracy {acc[name]:.3f}, sequences with a forbidden move "
        f"{invalid[name]:>3} of {n_seq}"
    )
x, z, path, best, post, t = example
s = slice(t - 3, t + 5)
names = "FSO"
print("  first forbidden move of the posterior argmax (F fair, S loaded to 6, O to 1):")
print(f"    rolls      {' '.join(str(r + 1) for r in x[s])}")
print(f"    truth      {' '.join(names[k] for k in z[s])}")
print(f"    posterior  {' '.join(names[k] for k in best[s])}")
print(f"    Viterbi    {' '.join(names[k] for k in path[s])}")
rows = np.round(post[t : t + 2], 3).tolist()
print(f"    P(F, S, O | x) at the move: {rows[0]} then {rows[1]}")
lp = path_log_prob(safe_log(pi3), safe_log(A3), safe_log(B3), x, best)
print(f"    log P(x, posterior argmax path) = {lp}")

print("long casino sequences: log-likelihood three ways")
print("     T  probability space  rescaled  log space")
rng = np.random.default_rng(7)
_, x = hmm_sample(rng, pi, A, B, 5000)
for T in (100, 500, 1000, 2000, 5000):
    naive = forward_probability_space(pi, A, B, x[:T])
    scaled = forward_probability_space(pi, A, B, x[:T], rescale=True)
    ours = hmm_forward(log_pi, log_A, log_B, x[:T])[1]
    print(f"{T:>6} {naive:>18.3f} {scaled:>9.3f} {ours:>10.3f}")
print(f"smallest positive float64: {np.nextafter(0, 1):.3g} = e^{math.log(5e-324):.1f}")
# --8<-- [end:check]
