# --8<-- [start:signature]
import numpy as np


def apply_rope(
    x: np.ndarray, positions: np.ndarray, base: float = 10000.0
) -> np.ndarray:
    """Rotary position embedding (Su et al., 2021) of queries or keys x (..., L, d),
    d even, with positions (L,). Each pair (x[2i], x[2i + 1]) of a vector at position
    p is rotated by the angle p * theta_i, theta_i = base^(-2i / d):
    (a, b) -> (a cos - b sin, a sin + b cos)."""
    raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
import numpy as np


def apply_rope(
    x: np.ndarray, positions: np.ndarray, base: float = 10000.0
) -> np.ndarray:
    d = x.shape[-1]
    theta = base ** (-np.arange(0, d, 2) / d)  # (d / 2,)
    angles = positions[:, None] * theta  # (L, d / 2)
    cos, sin = np.cos(angles), np.sin(angles)
    a, b = x[..., 0::2], x[..., 1::2]  # the two halves of every pair
    out = np.empty_like(x, dtype=float)
    out[..., 0::2] = a * cos - b * sin
    out[..., 1::2] = a * sin + b * cos
    return out


# --8<-- [end:solution]


# --8<-- [start:tests]
import numpy as np
import torch


def test_apply_rope_worked_example():
    x = np.array([[1.0, 0.0, 1.0, 0.0]])
    out = apply_rope(x, np.array([1]))
    expected = [[np.cos(1), np.sin(1), np.cos(0.01), np.sin(0.01)]]
    np.testing.assert_allclose(out, expected, atol=1e-12)
    np.testing.assert_allclose(apply_rope(x, np.array([0])), x)  # position 0: identity


def test_apply_rope_matches_complex_multiplication_in_torch():
    # the pair (a, b) as the complex number a + ib, times e^{i p theta}:
    # how Meta's Llama reference code applies the interleaved form
    rng = np.random.default_rng(0)
    x, positions = rng.normal(size=(2, 3, 10, 8)), np.arange(10)
    theta = 10000.0 ** (-torch.arange(0, 8, 2, dtype=torch.float64) / 8)
    angles = torch.outer(torch.arange(10, dtype=torch.float64), theta)
    rot = torch.polar(torch.ones_like(angles), angles)  # (10, 4) complex
    xc = torch.view_as_complex(torch.tensor(x).reshape(2, 3, 10, 4, 2).contiguous())
    ref = torch.view_as_real(xc * rot).reshape(2, 3, 10, 8).numpy()
    np.testing.assert_allclose(apply_rope(x, positions), ref, atol=1e-12)


def test_apply_rope_scores_depend_only_on_relative_position():
    rng = np.random.default_rng(1)
    q, k = rng.normal(size=(1, 64)), rng.normal(size=(1, 64))

    def score(m, n):
        return (apply_rope(q, np.array([m])) @ apply_rope(k, np.array([n])).T).item()

    assert np.isclose(score(3, 1), score(103, 101))
    assert np.isclose(score(10, 10), (q @ k.T).item())
    norms = np.linalg.norm(apply_rope(q, np.array([57])), axis=-1)
    np.testing.assert_allclose(
        norms, np.linalg.norm(q, axis=-1)
    )  # rotations keep length


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_apply_rope_worked_example,
    test_apply_rope_matches_complex_multiplication_in_torch,
    test_apply_rope_scores_depend_only_on_relative_position,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")
print(apply_rope(np.array([[1.0, 0.0, 1.0, 0.0]]), np.array([1])).round(5))
rng = np.random.default_rng(1)
q, k = rng.normal(size=(1, 64)), rng.normal(size=(1, 64))
for m, n in [(3, 1), (103, 101), (1003, 1001)]:
    s = (apply_rope(q, np.array([m])) @ apply_rope(k, np.array([n])).T).item()
    print(f"score(query at {m}, key at {n}) = {s:.6f}")
# --8<-- [end:check]
