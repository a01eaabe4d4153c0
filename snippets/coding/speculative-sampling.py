# --8<-- [start:signature]
from collections.abc import Callable

import numpy as np

# a model maps a token sequence (the prefix) to its next-token distribution (V,)
Model = Callable[[list[int]], np.ndarray]


def residual_distribution(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """The distribution sampled after a rejection: max(0, p - q), normalised to sum
    to 1. Only called when p != q, so the positive part has some mass."""
    raise NotImplementedError


def speculative_step(
    tokens: list[int],
    draft: Model,
    target: Model,
    gamma: int,
    rng: np.random.Generator | None,
    greedy: bool = False,
) -> tuple[list[int], int]:
    """One round of speculative sampling after the prefix `tokens`.

    Draft gamma tokens x_1..x_gamma one at a time from q_i = draft(prefix + x_<i);
    compute p_i = target(prefix + x_<i) for i = 1..gamma + 1 (one batched forward pass
    of a real target). Accept x_i with probability min(1, p_i(x_i) / q_i(x_i)); at the
    first rejection, replace x_i by a sample from residual_distribution(p_i, q_i) and
    stop; if all gamma are accepted, add a bonus token sampled from p_{gamma+1}.
    greedy=True: draft with argmax q_i, accept iff x_i == argmax p_i, replace or add
    with argmax p_i (rng unused).
    Returns (the new tokens, 1 to gamma + 1 of them; the number of accepted drafts).
    """
    raise NotImplementedError


def speculative_generate(
    tokens: list[int],
    draft: Model,
    target: Model,
    n_new: int,
    gamma: int,
    rng: np.random.Generator | None,
    greedy: bool = False,
) -> tuple[list[int], int]:
    """Repeat speculative_step until n_new tokens exist after the prefix. Returns
    (exactly n_new new tokens, the number of rounds, i.e. target calls)."""
    raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
from collections.abc import Callable

import numpy as np

Model = Callable[[list[int]], np.ndarray]


def residual_distribution(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    r = np.maximum(p - q, 0.0)
    return r / r.sum()


def speculative_step(
    tokens: list[int],
    draft: Model,
    target: Model,
    gamma: int,
    rng: np.random.Generator | None,
    greedy: bool = False,
) -> tuple[list[int], int]:
    def pick(dist):
        if greedy:
            return int(np.argmax(dist))
        return int(rng.choice(len(dist), p=dist))

    drafted, qs = [], []
    for _ in range(gamma):
        qs.append(draft(tokens + drafted))
        drafted.append(pick(qs[-1]))
    # a real target scores the gamma + 1 prefixes in one forward pass
    ps = [target(tokens + drafted[:i]) for i in range(gamma + 1)]
    for i, x in enumerate(drafted):
        p, q = ps[i], qs[i]
        # greedy: the target's argmax; sampling: u < p(x) / q(x), without a division
        accept = x == np.argmax(p) if greedy else rng.random() * q[x] < p[x]
        if not accept:
            fix = int(np.argmax(p)) if greedy else pick(residual_distribution(p, q))
            return drafted[:i] + [fix], i
    # every draft accepted: the target's distribution after them is free
    return drafted + [pick(ps[gamma])], gamma


def speculative_generate(
    tokens: list[int],
    draft: Model,
    target: Model,
    n_new: int,
    gamma: int,
    rng: np.random.Generator | None,
    greedy: bool = False,
) -> tuple[list[int], int]:
    out, rounds = [], 0
    while len(out) < n_new:
        new, _ = speculative_step(tokens + out, draft, target, gamma, rng, greedy)
        out += new
        rounds += 1
    return out[:n_new], rounds


# --8<-- [end:solution]


# --8<-- [start:tests]
import itertools

import numpy as np
import pytest

SPEC_P = np.array([0.5, 0.3, 0.2])
SPEC_Q = np.array([0.25, 0.25, 0.5])


def spec_constant(dist):
    """A model whose next-token distribution ignores the prefix."""
    return lambda tokens: dist


def spec_bigram(table):
    """A model whose next-token distribution depends on the last token only."""
    return lambda tokens: table[tokens[-1]]


def spec_tables(seed, vocab, mix=0.5):
    """A random target bigram table and a draft table: mix of it, 1 - mix of another."""
    rng = np.random.default_rng(seed)
    target = rng.dirichlet(np.ones(vocab), size=vocab)
    draft = mix * target + (1 - mix) * rng.dirichlet(np.ones(vocab), size=vocab)
    return target, draft


def test_speculative_worked_example():
    r = residual_distribution(SPEC_P, SPEC_Q)
    np.testing.assert_allclose(r, [5 / 6, 1 / 6, 0.0])
    # the exact one-token distribution: accepted draft + rejection then residual
    alpha = np.minimum(SPEC_P, SPEC_Q).sum()
    assert alpha == pytest.approx(0.7)
    exact = SPEC_Q * np.minimum(1, SPEC_P / SPEC_Q) + (1 - alpha) * r
    np.testing.assert_allclose(exact, SPEC_P)
    # greedy: the target's argmax after 0, 1, 2 is 1, 2, 0; the draft's is 1, 2, 2
    target = spec_bigram(np.eye(3)[[1, 2, 0]] * 0.5 + 0.5 / 3)
    draft = spec_bigram(np.eye(3)[[1, 2, 2]] * 0.5 + 0.5 / 3)
    assert speculative_step([0], draft, target, 3, None, greedy=True) == ([1, 2, 0], 2)
    assert speculative_step([0], draft, target, 2, None, greedy=True) == ([1, 2, 0], 2)
    assert speculative_step([2], draft, target, 2, None, greedy=True) == ([0], 0)


def test_speculative_output_distribution_is_the_target():
    # all 27 sequences of 3 tokens after [0], gamma 2: covers accepted drafts,
    # residual samples and bonus tokens; chi-square against the exact probabilities
    target, draft = spec_tables(seed=0, vocab=3)
    rng = np.random.default_rng(1)
    runs = 12000
    counts = dict.fromkeys(itertools.product(range(3), repeat=3), 0)
    for _ in range(runs):
        seq, _ = speculative_generate(
            [0], spec_bigram(draft), spec_bigram(target), 3, 2, rng
        )
        counts[tuple(seq)] += 1
    observed = np.array(list(counts.values()))
    exact = np.array([target[0, a] * target[a, b] * target[b, c] for a, b, c in counts])
    chi2 = (((observed - runs * exact) ** 2) / (runs * exact)).sum()
    # 61.7 is the 99.99% quantile of chi-square with 26 degrees of freedom
    assert chi2 < 61.7
    assert 0.5 * np.abs(observed / runs - exact).sum() < 0.03


def test_speculative_acceptance_rate_is_sum_of_min():
    rng = np.random.default_rng(2)
    p, q = rng.dirichlet(np.ones(6)), rng.dirichlet(np.ones(6))
    alpha = np.minimum(p, q).sum()
    accepted = rejected = produced = 0
    firsts = np.zeros(6)
    for _ in range(6000):
        new, n_ok = speculative_step([0], spec_constant(q), spec_constant(p), 3, rng)
        accepted += n_ok
        rejected += n_ok < 3
        produced += len(new)
        firsts[new[0]] += 1
    # each checked draft is accepted with probability alpha, independently here
    assert accepted / (accepted + rejected) == pytest.approx(alpha, abs=0.02)
    # so a round yields (1 - alpha^4) / (1 - alpha) tokens on average
    assert produced / 6000 == pytest.approx((1 - alpha**4) / (1 - alpha), abs=0.08)
    # the first token follows p, not q
    assert 0.5 * np.abs(firsts / 6000 - p).sum() < 0.04


def test_speculative_draft_equal_to_target_accepts_everything():
    target, _ = spec_tables(seed=3, vocab=5)
    model = spec_bigram(target)
    rng = np.random.default_rng(4)
    for _ in range(200):
        new, n_ok = speculative_step([1], model, model, 4, rng)
        assert n_ok == 4 and len(new) == 5


def test_speculative_greedy_reproduces_greedy_decoding():
    # the greedy path 0, 4, 2, 1, 0, ... passes token 2, where the draft disagrees
    target, draft = spec_tables(seed=38, vocab=6, mix=0.7)
    tokens = [0]
    for _ in range(30):
        tokens.append(int(np.argmax(target[tokens[-1]])))
    for gamma in (1, 3, 5):
        out, rounds = speculative_generate(
            [0], spec_bigram(draft), spec_bigram(target), 30, gamma, None, greedy=True
        )
        assert out == tokens[1:]
        assert rounds < 30
        # a draft equal to the target: gamma + 1 tokens per round
        model = spec_bigram(target)
        out, rounds = speculative_generate([0], model, model, 30, gamma, None, True)
        assert out == tokens[1:] and rounds == -(-30 // (gamma + 1))


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_speculative_worked_example,
    test_speculative_output_distribution_is_the_target,
    test_speculative_acceptance_rate_is_sum_of_min,
    test_speculative_draft_equal_to_target_accepts_everything,
    test_speculative_greedy_reproduces_greedy_decoding,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")

# the worked example, context-free: p and q are the same at every position
rng = np.random.default_rng(0)
alpha = np.minimum(SPEC_P, SPEC_Q).sum()
r = residual_distribution(SPEC_P, SPEC_Q)
print(f"p {SPEC_P.tolist()}, q {SPEC_Q.tolist()}: alpha = sum min(p, q) = {alpha:.3f}")
print(f"residual norm(max(0, p - q)) = {r.round(3).tolist()}")
firsts, first_ok = np.zeros(3), 0
for _ in range(20000):
    new, n_ok = speculative_step(
        [0], spec_constant(SPEC_Q), spec_constant(SPEC_P), 4, rng
    )
    firsts[new[0]] += 1
    first_ok += n_ok > 0
print(
    f"20000 rounds, gamma 4: first token {(firsts / 20000).round(3).tolist()}, "
    f"first draft accepted {first_ok / 20000:.3f}"
)

# tokens per target call against (1 - a^(gamma+1)) / (1 - a): a target p over 16
# tokens and drafts q = (1 - w) p + w uniform, w set for alpha = 0.6, 0.8, 0.9
vocab = 16
logits = 3 * np.random.default_rng(1).normal(size=vocab)
p = np.exp(logits - logits.max())
p /= p.sum()
tv_uniform = 0.5 * np.abs(p - 1 / vocab).sum()
rounds = 3000
print(
    f"target over {vocab} tokens, TV to uniform {tv_uniform:.3f}; {rounds} rounds each"
)
# speed-up = tokens per call / (gamma c + 1): a draft step costs c target calls, and
# scoring gamma + 1 positions costs one (decoding is memory-bound)
print("alpha  gamma  measured  tokens/call  formula  speed-up c=0.05  speed-up c=0.2")
for target_alpha in (0.6, 0.8, 0.9):
    w = (1 - target_alpha) / tv_uniform
    q = (1 - w) * p + w / vocab
    a = np.minimum(p, q).sum()
    for gamma in (1, 2, 4, 8):
        accepted = rejected = produced = 0
        for _ in range(rounds):
            new, n_ok = speculative_step(
                [0], spec_constant(q), spec_constant(p), gamma, rng
            )
            accepted += n_ok
            rejected += n_ok < gamma
            produced += len(new)
        per_call = produced / rounds
        formula = (1 - a ** (gamma + 1)) / (1 - a)
        print(
            f"{a:5.2f}  {gamma:5d}  {accepted / (accepted + rejected):8.3f}  "
            f"{per_call:11.2f}  {formula:7.2f}  {per_call / (gamma * 0.05 + 1):15.2f}  "
            f"{per_call / (gamma * 0.2 + 1):14.2f}"
        )
# --8<-- [end:check]
