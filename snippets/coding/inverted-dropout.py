# --8<-- [start:signature]
import numpy as np


def dropout(
    x: np.ndarray, p: float, training: bool, rng: np.random.Generator
) -> np.ndarray:
    """Inverted dropout: in training, zero each entry independently with probability p
    and scale the survivors by 1 / (1 - p), so that the expected output equals x; in
    evaluation return x unchanged. p = 1 returns zeros (no division by zero)."""
    raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
import numpy as np


def dropout(
    x: np.ndarray, p: float, training: bool, rng: np.random.Generator
) -> np.ndarray:
    if not training or p == 0.0:
        return x
    if p == 1.0:
        return np.zeros_like(x)
    keep = rng.random(x.shape) >= p  # each entry survives with probability 1 - p
    return x * keep / (1.0 - p)


# --8<-- [end:solution]


# --8<-- [start:tests]
import numpy as np
import pytest


def test_dropout_worked_example():
    out = dropout(np.ones(10), 0.5, True, np.random.default_rng(0))
    assert set(np.unique(out)) <= {0.0, 2.0}


def test_dropout_drops_a_fraction_p_and_keeps_the_mean():
    x = np.full((200, 500), 3.0)
    out = dropout(x, 0.3, True, np.random.default_rng(1))
    assert np.mean(out == 0) == pytest.approx(0.3, abs=0.01)
    np.testing.assert_allclose(out[out != 0], 3.0 / 0.7)
    assert out.mean() == pytest.approx(3.0, rel=0.02)


def test_dropout_eval_and_edge_cases():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(4, 5))
    np.testing.assert_array_equal(dropout(x, 0.5, False, rng), x)
    np.testing.assert_array_equal(dropout(x, 0.0, True, rng), x)
    np.testing.assert_array_equal(dropout(x, 1.0, True, rng), np.zeros_like(x))


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_dropout_worked_example,
    test_dropout_drops_a_fraction_p_and_keeps_the_mean,
    test_dropout_eval_and_edge_cases,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")
print(dropout(np.ones(10), 0.5, True, np.random.default_rng(0)))
# --8<-- [end:check]
