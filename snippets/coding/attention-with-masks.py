# --8<-- [start:signature]
import numpy as np


def causal_mask(n: int) -> np.ndarray:
    """(n, n) boolean mask, True where query i may attend to key j, that is j <= i."""
    raise NotImplementedError


def scaled_dot_product_attention(
    q: np.ndarray, k: np.ndarray, v: np.ndarray, mask: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """softmax(q k^T / sqrt(d)) v over the last two axes, for q (..., Lq, d),
    k (..., Lk, d), v (..., Lk, dv). mask is boolean, broadcastable to (..., Lq, Lk),
    True where attention is allowed. A query with no allowed key gets zero weights and a
    zero output, not nan. Returns (output (..., Lq, dv), weights (..., Lq, Lk))."""
    raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
import numpy as np


def causal_mask(n: int) -> np.ndarray:
    return np.tril(np.ones((n, n), dtype=bool))


def scaled_dot_product_attention(
    q: np.ndarray, k: np.ndarray, v: np.ndarray, mask: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])  # (..., Lq, Lk)
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    m = scores.max(axis=-1, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)  # a fully masked row has max -inf
    e = np.exp(scores - m)  # exp(-inf) = 0 for masked keys
    total = e.sum(axis=-1, keepdims=True)
    weights = np.divide(e, total, out=np.zeros_like(e), where=total > 0)
    return weights @ v, weights


# --8<-- [end:solution]


# --8<-- [start:tests]
import numpy as np
import torch
import torch.nn.functional as F


def test_attention_worked_example():
    q = np.array([[1.0, 0.0], [0.0, 1.0]])
    k = np.array([[1.0, 0.0], [0.0, 1.0]])
    v = np.array([[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_array_equal(causal_mask(2), [[True, False], [True, True]])
    out, w = scaled_dot_product_attention(q, k, v, causal_mask(2))
    s = 1 / (
        1 + np.exp(-np.sqrt(0.5))
    )  # softmax([1, 0] / sqrt(2)) for the second query
    np.testing.assert_allclose(w, [[1.0, 0.0], [1 - s, s]])
    np.testing.assert_allclose(out[1], (1 - s) * v[0] + s * v[1])


def test_attention_matches_torch_sdpa_with_causal_and_padding_masks():
    rng = np.random.default_rng(0)
    q, k, v = (rng.normal(size=(2, 3, 5, 8)) for _ in range(3))
    lengths = np.array([5, 3])  # the second sequence has two padding positions
    padding = np.arange(5)[None, :] < lengths[:, None]  # (batch, key)
    mask = causal_mask(5)[None, None] & padding[:, None, None, :]
    out, w = scaled_dot_product_attention(q, k, v, mask)
    t = [torch.tensor(a) for a in (q, k, v)]
    ref = F.scaled_dot_product_attention(*t, attn_mask=torch.tensor(mask))
    np.testing.assert_allclose(out, ref.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(w.sum(axis=-1), 1.0)
    assert np.all(w[1, :, :, 3:] == 0)  # no weight on padding keys
    ref_causal = F.scaled_dot_product_attention(*t, is_causal=True)
    out_causal, _ = scaled_dot_product_attention(q, k, v, causal_mask(5))
    np.testing.assert_allclose(out_causal, ref_causal.numpy(), rtol=1e-10, atol=1e-12)


def test_attention_fully_masked_query_gives_zeros_not_nan():
    rng = np.random.default_rng(1)
    q, k, v = rng.normal(size=(3, 4)), rng.normal(size=(3, 4)), rng.normal(size=(3, 2))
    mask = np.array([[True, True, False], [False, False, False], [True, False, True]])
    out, w = scaled_dot_product_attention(q, k, v, mask)
    np.testing.assert_array_equal(out[1], [0.0, 0.0])
    np.testing.assert_array_equal(w[1], [0.0, 0.0, 0.0])
    assert np.all(np.isfinite(out))


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_attention_worked_example,
    test_attention_matches_torch_sdpa_with_causal_and_padding_masks,
    test_attention_fully_masked_query_gives_zeros_not_nan,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")
q = k = np.eye(2)
v = np.array([[1.0, 2.0], [3.0, 4.0]])
out, w = scaled_dot_product_attention(q, k, v, causal_mask(2))
print("weights:", w.round(4).tolist())
print("output:", out.round(4).tolist())
# PyTorch on a query that may attend to nothing
blocked = torch.zeros(1, 1, dtype=torch.bool)
ones = torch.ones(1, 2)
ref = F.scaled_dot_product_attention(ones, ones, ones, attn_mask=blocked)
print("torch SDPA, fully masked row:", ref.tolist())
# --8<-- [end:check]
