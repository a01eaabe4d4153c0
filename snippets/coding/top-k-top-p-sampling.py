# --8<-- [start:signature]
import numpy as np


def filter_logits(
    logits: np.ndarray,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float | None = None,
) -> np.ndarray:
    """Next-token logits (V,) prepared for sampling, in this order: divide by
    temperature; top-k keeps the tokens whose logit is at least the k-th largest; top-p
    (nucleus) keeps the smallest set of most probable remaining tokens whose total
    probability is at least p (always at least one token). Removed tokens get -inf."""
    raise NotImplementedError


def sample_token(
    logits: np.ndarray,
    rng: np.random.Generator,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float | None = None,
) -> int:
    """Draw one token id from
    softmax(filter_logits(logits, temperature, top_k, top_p))."""
    raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
import numpy as np


def filter_logits(
    logits: np.ndarray,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float | None = None,
) -> np.ndarray:
    z = logits / temperature
    if top_k is not None and top_k < len(z):
        kth = np.sort(z)[-top_k]
        z = np.where(z >= kth, z, -np.inf)
    if top_p is not None:
        order = np.argsort(-z, kind="stable")
        p = np.exp(z[order] - z[order[0]])
        cumulative = np.cumsum(p / p.sum())
        n_keep = int(np.searchsorted(cumulative, top_p)) + 1  # first index reaching p
        z = z.copy()
        z[order[n_keep:]] = -np.inf
    return z


def sample_token(
    logits: np.ndarray,
    rng: np.random.Generator,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float | None = None,
) -> int:
    z = filter_logits(logits, temperature, top_k, top_p)
    p = np.exp(z - z.max())
    return int(rng.choice(len(z), p=p / p.sum()))


# --8<-- [end:solution]


# --8<-- [start:tests]
import numpy as np

LOGITS = np.log(np.array([0.5, 0.3, 0.15, 0.05]))


def kept(z):
    return np.flatnonzero(np.isfinite(z)).tolist()


def test_filter_logits_worked_example():
    assert kept(filter_logits(LOGITS, top_k=2)) == [0, 1]
    assert kept(filter_logits(LOGITS, top_p=0.75)) == [0, 1]  # 0.5 + 0.3 >= 0.75
    assert kept(filter_logits(LOGITS, top_p=0.9)) == [0, 1, 2]  # 0.8 < 0.9 <= 0.95
    assert kept(filter_logits(LOGITS, top_p=1e-6)) == [0]  # never empty
    np.testing.assert_allclose(filter_logits(LOGITS, temperature=2.0), LOGITS / 2)


def test_filter_logits_top_k_then_top_p():
    # top-k leaves [0.5, 0.3] renormalised to [0.625, 0.375]; top-p 0.6 then keeps one
    assert kept(filter_logits(LOGITS, top_k=2, top_p=0.6)) == [0]
    # temperature flattens the distribution, so the nucleus grows
    assert kept(filter_logits(LOGITS, temperature=3.0, top_p=0.75)) == [0, 1, 2]


def test_sample_token_frequencies_follow_the_renormalised_nucleus():
    rng = np.random.default_rng(0)
    draws = np.array([sample_token(LOGITS, rng, top_p=0.75) for _ in range(20000)])
    assert set(np.unique(draws)) <= {0, 1}
    assert abs(np.mean(draws == 0) - 0.625) < 0.02


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_filter_logits_worked_example,
    test_filter_logits_top_k_then_top_p,
    test_sample_token_frequencies_follow_the_renormalised_nucleus,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")
for settings in [{}, {"top_k": 2}, {"top_p": 0.9}, {"temperature": 3.0, "top_p": 0.75}]:
    z = filter_logits(LOGITS, **settings)
    p = np.exp(z - z.max())
    print(f"{settings!s:35} -> {(p / p.sum()).round(3).tolist()}")
# --8<-- [end:check]
