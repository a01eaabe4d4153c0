# --8<-- [start:signature]
import numpy as np


def extend_with_blanks(target: list[int], blank: int = 0) -> np.ndarray:
    """The extended label sequence y' of Graves et al. (2006): a blank before, between
    and after the U labels of target, length 2U + 1, as an integer array.
    extend_with_blanks([1, 1]) -> [0, 1, 0, 1, 0]; extend_with_blanks([]) -> [0]."""
    raise NotImplementedError


def ctc_log_alpha(
    log_probs: np.ndarray, target: list[int], blank: int = 0
) -> np.ndarray:
    """Forward variables in log space, shape (T, 2U + 1). A path through y' starts at
    y'[0] or y'[1] at frame 0 and, from one frame to the next, stays on its state s,
    moves to s + 1, or moves to s + 2 (skipping a blank) if y'[s + 2] is a label
    different from y'[s]. Entry [t, s] is the log of the total probability of the
    paths of frames 0..t that are at y'[s] at frame t, -inf if there are none.
    log_probs (T, V), T >= 1, are per-frame log-probabilities; target holds labels in
    0..V-1, none equal to blank."""
    raise NotImplementedError


def ctc_loss(log_probs: np.ndarray, target: list[int], blank: int = 0) -> float:
    """-log p(target | log_probs): minus the log of the total probability of the frame
    labellings that collapse to target (merge repeats, then drop blanks), what
    torch.nn.functional.ctc_loss returns with reduction="none". inf if no labelling
    of T frames collapses to target."""
    raise NotImplementedError


def ctc_log_beta(
    log_probs: np.ndarray, target: list[int], blank: int = 0
) -> np.ndarray:
    """Backward variables in log space, shape (T, 2U + 1): entry [t, s] is the log of
    the total probability of frames t+1..T-1 over the labellings that continue from
    y'[s] at frame t to the end of y' (frame t itself not counted). beta[T-1] is 0
    on the last two states (the last one only for an empty target), -inf elsewhere,
    so that logsumexp(alpha[t] + beta[t]) = -ctc_loss for every t."""
    raise NotImplementedError


def ctc_grad(log_probs: np.ndarray, target: list[int], blank: int = 0) -> np.ndarray:
    """Gradient of ctc_loss with respect to log_probs, shape (T, V), each entry
    treated as a free input: minus gamma[t, k], the posterior probability that frame
    t emits symbol k given that the labelling collapses to target. Every row sums to
    -1. Zeros if the target is infeasible."""
    raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
import numpy as np


def extend_with_blanks(target: list[int], blank: int = 0) -> np.ndarray:
    ext = np.full(2 * len(target) + 1, blank, dtype=np.int64)
    ext[1::2] = target
    return ext


def skip_allowed(ext: np.ndarray, blank: int) -> np.ndarray:
    """skip[s]: a path may jump from s - 2 to s (over the blank between them)."""
    skip = np.zeros(len(ext), dtype=bool)
    # a label may follow the previous label directly, unless the two are equal:
    # "aa" needs the blank between them, or it would collapse to "a"
    skip[2:] = (ext[2:] != blank) & (ext[2:] != ext[:-2])
    return skip


def ctc_log_alpha(
    log_probs: np.ndarray, target: list[int], blank: int = 0
) -> np.ndarray:
    lp = np.asarray(log_probs, dtype=float)
    ext = extend_with_blanks(target, blank)
    skip = skip_allowed(ext, blank)
    alpha = np.full((len(lp), len(ext)), -np.inf)
    # a path starts on the first blank or on the first label
    alpha[0, :2] = lp[0, ext[:2]]
    for t in range(1, len(lp)):
        prev = alpha[t - 1]
        # stay on s, or move from s - 1 ...
        a = prev.copy()
        a[1:] = np.logaddexp(a[1:], prev[:-1])
        # ... or skip from s - 2; logaddexp(-inf, -inf) is -inf, no warning
        a[2:] = np.where(skip[2:], np.logaddexp(a[2:], prev[:-2]), a[2:])
        alpha[t] = a + lp[t, ext]
    return alpha


def ctc_loss(log_probs: np.ndarray, target: list[int], blank: int = 0) -> float:
    last = ctc_log_alpha(log_probs, target, blank)[-1]
    # a complete path ends on the last label or on the final blank
    return float(-np.logaddexp.reduce(last[-2:]))


def ctc_log_beta(
    log_probs: np.ndarray, target: list[int], blank: int = 0
) -> np.ndarray:
    lp = np.asarray(log_probs, dtype=float)
    ext = extend_with_blanks(target, blank)
    skip = skip_allowed(ext, blank)
    beta = np.full((len(lp), len(ext)), -np.inf)
    beta[-1, -2:] = 0.0
    for t in range(len(lp) - 2, -1, -1):
        # the next frame's probability of being at each state, and the rest after it
        nxt = beta[t + 1] + lp[t + 1, ext]
        b = nxt.copy()
        b[:-1] = np.logaddexp(b[:-1], nxt[1:])
        # from s, a path may skip to s + 2 if skip[s + 2]
        b[:-2] = np.where(skip[2:], np.logaddexp(b[:-2], nxt[2:]), b[:-2])
        beta[t] = b
    return beta


def ctc_grad(log_probs: np.ndarray, target: list[int], blank: int = 0) -> np.ndarray:
    lp = np.asarray(log_probs, dtype=float)
    ext = extend_with_blanks(target, blank)
    alpha = ctc_log_alpha(lp, target, blank)
    loss = float(-np.logaddexp.reduce(alpha[-1, -2:]))
    grad = np.zeros_like(lp)
    if np.isinf(loss):
        return grad
    # posterior of being at state s at frame t; several states share a symbol (every
    # blank, repeated labels), so their posteriors add up into that symbol's column
    post = np.exp(alpha + ctc_log_beta(lp, target, blank) + loss)
    for s, k in enumerate(ext):
        grad[:, k] -= post[:, s]
    return grad


# --8<-- [end:solution]


# --8<-- [start:tests]
import itertools
import math

import numpy as np
import torch
import torch.nn.functional as F


def log_softmax(x):
    x = x - x.max(axis=1, keepdims=True)
    return x - np.log(np.exp(x).sum(axis=1, keepdims=True))


def torch_ctc(log_probs, target, blank=0, zero_infinity=False):
    """torch.nn.functional.ctc_loss for one sequence, float64, reduction="none"."""
    lp = torch.tensor(log_probs, dtype=torch.float64)
    loss = F.ctc_loss(
        lp,
        torch.tensor(target, dtype=torch.long),
        torch.tensor(len(lp)),
        torch.tensor(len(target)),
        blank=blank,
        reduction="none",
        zero_infinity=zero_infinity,
    )
    return loss.item()


def collapse(path, blank=0):
    """CTC's many-to-one map: merge repeated symbols, then drop blanks."""
    merged = [k for i, k in enumerate(path) if i == 0 or k != path[i - 1]]
    return tuple(k for k in merged if k != blank)


def paths_by_target(T, V, blank=0):
    """Every labelling of T frames over V symbols, grouped by what it collapses to."""
    groups = {}
    for path in itertools.product(range(V), repeat=T):
        groups.setdefault(collapse(path, blank), []).append(path)
    return groups


def brute_force_nll(log_probs, paths):
    """-log of the summed probability of the given paths; log_probs a torch tensor,
    so autograd gives the exact gradient with respect to every entry."""
    idx = torch.tensor(paths)
    path_logp = log_probs[torch.arange(log_probs.shape[0]), idx].sum(dim=1)
    return -torch.logsumexp(path_logp, dim=0)


def random_cases():
    """(log_probs, target, blank): random lengths, repeated labels, infeasible ones."""
    rng = np.random.default_rng(0)
    for T, V in [(1, 2), (2, 3), (5, 3), (8, 2), (12, 5), (30, 4), (60, 30), (100, 8)]:
        for _ in range(6):
            log_probs = log_softmax(2.0 * rng.normal(size=(T, V)))
            U = int(rng.integers(0, T + 2))
            # half the targets use two labels only, so repeats are common
            high = V if rng.random() < 0.5 else min(V, 3)
            yield log_probs, rng.integers(1, high, size=U).tolist(), 0
    # the blank as the last symbol instead of the first
    for T, V in [(6, 4), (25, 6)]:
        log_probs = log_softmax(rng.normal(size=(T, V)))
        yield log_probs, rng.integers(0, V - 1, size=T // 3).tolist(), V - 1


def min_frames(target):
    """U labels plus one blank between each pair of equal neighbours."""
    return len(target) + sum(a == b for a, b in zip(target, target[1:]))


def test_ctc_worked_example():
    np.testing.assert_array_equal(extend_with_blanks([1, 2]), [0, 1, 0, 2, 0])
    assert extend_with_blanks([1, 1]).dtype.kind == "i"
    np.testing.assert_array_equal(extend_with_blanks([]), [0])
    # 3 frames, every symbol 1/3: alpha[t] * 3^(t+1) counts partial paths
    log_probs = np.full((3, 3), np.log(1 / 3))
    counts = np.exp(ctc_log_alpha(log_probs, [1, 2])) * 3.0 ** np.arange(1, 4)[:, None]
    np.testing.assert_allclose(
        counts, [[1, 1, 0, 0, 0], [1, 2, 1, 1, 0], [1, 3, 3, 4, 1]]
    )
    counts = np.exp(ctc_log_alpha(log_probs, [1, 1])) * 3.0 ** np.arange(1, 4)[:, None]
    np.testing.assert_allclose(
        counts, [[1, 1, 0, 0, 0], [1, 2, 1, 0, 0], [1, 3, 3, 1, 0]]
    )
    # p = paths / 27: 5 for "ab", 1 for "aa" (a_a), 1 for "" (___), 0 for "aab"
    for target, n_paths in [([1, 2], 5), ([1, 1], 1), ([], 1), ([1], 6)]:
        assert math.isclose(ctc_loss(log_probs, target), math.log(27 / n_paths))
    assert ctc_loss(log_probs, [1, 1, 2]) == math.inf


def test_ctc_matches_torch_on_random_inputs():
    n_infeasible = 0
    for log_probs, target, blank in random_cases():
        ours, ref = (
            ctc_loss(log_probs, target, blank),
            torch_ctc(log_probs, target, blank),
        )
        if math.isinf(ref):
            n_infeasible += 1
            assert ours == math.inf and len(log_probs) < min_frames(target)
        else:
            assert math.isclose(ours, ref, rel_tol=1e-10), (ours, ref)
    assert n_infeasible > 0
    # a long input: in probability space p underflows to 0 after a few hundred frames
    rng = np.random.default_rng(1)
    log_probs = log_softmax(rng.normal(size=(1000, 30)))
    target = rng.integers(1, 30, size=200).tolist()
    ours, ref = ctc_loss(log_probs, target), torch_ctc(log_probs, target)
    assert math.isclose(ours, ref, rel_tol=1e-10) and ours > 745


def test_ctc_matches_brute_force_over_all_alignments():
    rng = np.random.default_rng(2)
    for T, V in [(1, 3), (2, 3), (3, 3), (4, 3), (5, 3), (6, 3), (4, 4)]:
        log_probs = log_softmax(rng.normal(size=(T, V)))
        groups = paths_by_target(T, V)
        # every target of up to T labels: those no path reaches must give inf
        for U in range(T + 1):
            for target in itertools.product(range(1, V), repeat=U):
                ours = ctc_loss(log_probs, list(target))
                if target not in groups:
                    assert ours == math.inf, target
                    continue
                ref = brute_force_nll(torch.tensor(log_probs), groups[target]).item()
                assert math.isclose(ours, ref, rel_tol=1e-12, abs_tol=1e-12), target


def test_ctc_edge_cases():
    rng = np.random.default_rng(3)
    log_probs = log_softmax(rng.normal(size=(7, 4)))
    # an empty target: the only path is all blanks
    ours = ctc_loss(log_probs, [])
    assert math.isclose(ours, -log_probs[:, 0].sum(), rel_tol=1e-12)
    assert math.isclose(ours, torch_ctc(log_probs, []), rel_tol=1e-12)
    # "aa" needs 3 frames, "ab" 2
    assert ctc_loss(log_probs[:2], [1, 1]) == math.inf
    assert math.isfinite(ctc_loss(log_probs[:2], [1, 2]))
    assert math.isfinite(ctc_loss(log_probs[:3], [1, 1]))
    # the minimum feasible length has one path: the labels, a blank between repeats
    target = [1, 1, 2, 3, 3, 3]
    T = min_frames(target)
    log_probs = log_softmax(rng.normal(size=(T, 4)))
    path = [1, 0, 1, 2, 3, 0, 3, 0, 3]
    ours = ctc_loss(log_probs, target)
    assert math.isclose(ours, -log_probs[np.arange(T), path].sum(), rel_tol=1e-12)
    assert math.isclose(ours, torch_ctc(log_probs, target), rel_tol=1e-12)
    # one frame fewer: infeasible; torch gives inf, or 0 with zero_infinity=True
    assert ctc_loss(log_probs[:-1], target) == math.inf
    assert torch_ctc(log_probs[:-1], target) == math.inf
    assert torch_ctc(log_probs[:-1], target, zero_infinity=True) == 0.0
    # all log-probabilities 0: every path weighs 1 and p counts the alignments,
    # C(T + U - r, 2U) with r the number of equal neighbours in the target
    for target in ([1, 2], [1, 1], [1, 2, 1], [2, 2, 2], [1, 1, 2, 2, 1], [3]):
        U, r = len(target), min_frames(target) - len(target)
        for T in range(1, 12):
            n = math.comb(T + U - r, 2 * U) if U + r <= T else 0
            p = math.exp(-ctc_loss(np.zeros((T, 4)), target))
            assert math.isclose(p, n, rel_tol=1e-12), (target, T)


def test_ctc_alpha_and_beta_agree():
    for log_probs, target, blank in random_cases():
        alpha = ctc_log_alpha(log_probs, target, blank)
        beta = ctc_log_beta(log_probs, target, blank)
        S = 2 * len(target) + 1
        assert alpha.shape == beta.shape == (len(log_probs), S)
        assert np.all(np.isneginf(alpha[0, 2:])) and np.all(beta[-1, -2:] == 0)
        loss = ctc_loss(log_probs, target, blank)
        if math.isinf(loss):
            continue
        # every complete path is somewhere at every frame
        total = np.logaddexp.reduce(alpha + beta, axis=1)
        np.testing.assert_allclose(total, -loss, rtol=1e-10)


def test_ctc_grad_matches_autograd_of_the_brute_force_sum():
    rng = np.random.default_rng(4)
    for T, V in [(3, 3), (5, 3), (6, 3), (4, 4)]:
        groups = paths_by_target(T, V)
        # log-probabilities that do not sum to 1: the gradient is still -gamma
        log_probs = rng.normal(size=(T, V))
        for target in [(1,), (1, 2), (1, 1), (2, 1, 2), ()]:
            if target not in groups:
                continue
            leaf = torch.tensor(log_probs, requires_grad=True)
            brute_force_nll(leaf, groups[target]).backward()
            ours = ctc_grad(log_probs, list(target))
            np.testing.assert_allclose(ours, leaf.grad.numpy(), atol=1e-12)
            np.testing.assert_allclose(ours.sum(axis=1), -1.0, atol=1e-12)


def test_ctc_grad_matches_torch_through_log_softmax():
    rng = np.random.default_rng(5)
    sizes = [(5, 3, 2), (20, 6, 8), (50, 10, 20), (40, 3, 25), (80, 30, 30)]
    cases = [(T, V, rng.integers(1, V, size=U).tolist()) for T, V, U in sizes]
    # "aaa" in 5 frames (the minimum) and in 4 (infeasible)
    cases += [(5, 3, [1, 1, 1]), (4, 3, [1, 1, 1])]
    for T, V, target in cases:
        logits = rng.normal(size=(T, V))
        x = torch.tensor(logits, requires_grad=True)
        loss = F.ctc_loss(
            x.log_softmax(dim=1),
            torch.tensor(target),
            torch.tensor(T),
            torch.tensor(len(target)),
            reduction="none",
            zero_infinity=True,
        )
        loss.backward()
        g = ctc_grad(log_softmax(logits), target)
        # the chain rule through log_softmax: d/dx = g - softmax(x) * sum_k g
        probs = np.exp(log_softmax(logits))
        ours = g - probs * g.sum(axis=1, keepdims=True)
        np.testing.assert_allclose(ours, x.grad.numpy(), atol=1e-10)
        if min_frames(target) > T:
            # zero_infinity=True: loss 0 and gradient 0, like ours
            assert loss.item() == 0.0 and np.all(g == 0)
        else:
            # the familiar form: softmax minus the posterior
            np.testing.assert_allclose(ours, probs + g, atol=1e-12)


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_ctc_worked_example,
    test_ctc_matches_torch_on_random_inputs,
    test_ctc_matches_brute_force_over_all_alignments,
    test_ctc_edge_cases,
    test_ctc_alpha_and_beta_agree,
    test_ctc_grad_matches_autograd_of_the_brute_force_sum,
    test_ctc_grad_matches_torch_through_log_softmax,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")
names = "_ab"
log_probs = np.full((3, 3), np.log(1 / 3))
print("worked example: 3 frames, every symbol 1/3; alpha as path counts")
for target in ([1, 2], [1, 1], [], [1, 1, 2]):
    word = "".join(names[k] for k in target)
    ext = "".join(names[k] for k in extend_with_blanks(target))
    counts = np.exp(ctc_log_alpha(log_probs, target)) * 3.0 ** np.arange(1, 4)[:, None]
    rows = " ".join(str(np.round(c).astype(int).tolist()) for c in counts)
    if len(target) > 2:
        rows = f"needs {min_frames(target)} frames"
    print(f"  {word!r:<6} {ext:<8} {rows:<48} loss {ctc_loss(log_probs, target):.3f}")

n_cases, n_inf, worst = 0, 0, 0.0
for log_probs, target, blank in random_cases():
    ours, ref = ctc_loss(log_probs, target, blank), torch_ctc(log_probs, target, blank)
    n_cases += 1
    n_inf += math.isinf(ref)
    if math.isfinite(ref):
        worst = max(worst, abs(ours - ref) / ref)
print(f"{n_cases} random inputs against torch (T from 1 to 100, V from 2 to 30):")
print(
    f"  {n_inf} infeasible, inf in both; the other {n_cases - n_inf} agree to 1e-10 "
    f"relative: {worst < 1e-10}"
)
print("brute force against the recursion, for a target of U labels without repeats")
print("frames  symbols  U  labellings V^T  alignments  alpha cells")
for T, V, U in [(6, 3, 2), (12, 5, 4), (50, 30, 10)]:
    n = math.comb(T + U, 2 * U)
    print(
        f"{T:>6} {V:>8} {U:>2} {float(V) ** T:>15.3g} {n:>11.3g} {T * (2 * U + 1):>12}"
    )

target = [8, 5, 12, 12, 15]
print(
    f"'hello': U = {len(target)}, one repeat, so at least {min_frames(target)} frames"
)
print("frames  alignments       ours      torch  torch zero_infinity")
rng = np.random.default_rng(6)
logits = rng.normal(size=(8, 16))
for T in (5, 6, 7, 8):
    lp = log_softmax(logits[:T])
    n = math.comb(T + 5 - 1, 10) if T >= 6 else 0
    row = [ctc_loss(lp, target), torch_ctc(lp, target)]
    row.append(torch_ctc(lp, target, zero_infinity=True))
    print(f"{T:>6} {n:>11} {row[0]:>10.3f} {row[1]:>10.3f} {row[2]:>20.3f}")


def ctc_prob_space(log_probs, target, rescale):
    """The alpha recursion on probabilities; rescale=True divides alpha by its sum at
    every frame and adds up the logs of those sums (Graves et al., 2006)."""
    probs, ext = np.exp(log_probs), extend_with_blanks(target)
    skip = np.zeros(len(ext), dtype=bool)
    skip[2:] = (ext[2:] != 0) & (ext[2:] != ext[:-2])
    alpha = np.zeros(len(ext))
    alpha[:2] = probs[0, ext[:2]]
    log_scale = 0.0
    for t in range(1, len(probs)):
        if rescale:
            c = alpha.sum()
            alpha, log_scale = alpha / c, log_scale + np.log(c)
        a = alpha.copy()
        a[1:] += alpha[:-1]
        a[2:] += np.where(skip[2:], alpha[:-2], 0.0)
        alpha = a * probs[t, ext]
    with np.errstate(divide="ignore"):
        return -(log_scale + np.log(alpha[-2:].sum()))


print("long inputs, 30 symbols, U = T/5: the loss")
print("frames  probability space  rescaled  log space     torch")
rng = np.random.default_rng(7)
for T in (100, 500, 1000, 2000):
    lp = log_softmax(rng.normal(size=(T, 30)))
    target = rng.integers(1, 30, size=T // 5).tolist()
    row = [ctc_prob_space(lp, target, False), ctc_prob_space(lp, target, True)]
    row += [ctc_loss(lp, target), torch_ctc(lp, target)]
    print(f"{T:>6} {row[0]:>18.3f} {row[1]:>9.3f} {row[2]:>10.3f} {row[3]:>9.3f}")

# torch's gradient with respect to log_probs, when they are a leaf tensor
rng = np.random.default_rng(8)
lp = log_softmax(rng.normal(size=(10, 5)))
target = [1, 2, 2, 3]
leaf = torch.tensor(lp, requires_grad=True)
loss = F.ctc_loss(
    leaf, torch.tensor(target), torch.tensor(10), torch.tensor(4), reduction="sum"
)
loss.backward()
torch_leaf = leaf.grad.numpy()
ours = ctc_grad(lp, target)
sums = [round(g.sum(axis=1).mean(), 3) + 0.0 for g in (ours, torch_leaf)]
print("gradient with respect to log_probs as a leaf tensor (10 frames, 'abbc'):")
print(f"  each frame's row sums to {sums[0]:.3f} (ours, -gamma), {sums[1]:.3f} (torch)")
gap = np.abs(torch_leaf - (np.exp(lp) + ours)).max()
print(f"  torch returns softmax - gamma: {gap < 1e-12}")
diff = np.abs(torch_leaf - ours).max()
print(f"  largest entry of torch minus the true gradient: {diff:.3f}")
# PyTorch normalises nothing: logits passed as log_probs give a sum of scores
rng = np.random.default_rng(9)
logits = 3.0 * rng.normal(size=(20, 5))
raw = torch_ctc(logits, [1, 2, 3])
normalised = ctc_loss(log_softmax(logits), [1, 2, 3])
print(f"logits passed as log_probs: loss {raw:.3f}; after log_softmax {normalised:.3f}")
# reduction="mean": each loss over its target length (at least 1), then the mean
lp = torch.tensor(log_softmax(rng.normal(size=(6, 4))))[:, None].expand(6, 2, 4)
args = (torch.tensor([[1, 2], [0, 0]]), torch.tensor([6, 6]), torch.tensor([2, 0]))
per = F.ctc_loss(lp, *args, reduction="none")
mean = F.ctc_loss(lp, *args, reduction="mean").item()
expected = ((per[0] / 2 + per[1] / 1) / 2).item()
same = abs(mean - expected) < 1e-12
print(f"reduction='mean' = mean of loss / max(U, 1), an empty target included: {same}")
# --8<-- [end:check]
