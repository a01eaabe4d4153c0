# --8<-- [start:signature]
import numpy as np


def decode_step(
    params: dict[str, np.ndarray], token: int, cache: dict[str, np.ndarray]
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """One step of a toy decoder (one layer, one head, no normalisation) with a KV
    cache.

    params: E (V, d) token embeddings, P (max_len, d) position embeddings, Wq, Wk, Wv,
    Wo (d, d), U (d, V). With t = the number of positions already cached:
        x = E[token] + P[t];  q, k, v = x @ Wq, x @ Wk, x @ Wv
        append k and v to the cache; K, V = all cached keys and values (t + 1 rows)
        a = softmax(q @ K.T / sqrt(d)) @ V;  h = x + a @ Wo;  logits = h @ U
    cache = {"k": (t, d), "v": (t, d)}; it starts as two (0, d) arrays.
    Returns (logits (V,), the new cache). Each step costs O(t d + d^2), not O(t d^2).
    """
    raise NotImplementedError


def generate(params: dict[str, np.ndarray], prompt: list[int], n_new: int) -> list[int]:
    """Greedy decoding with decode_step: feed the prompt one token at a time, then
    append the argmax token n_new times. Returns the n_new generated tokens."""
    raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
import numpy as np


def decode_step(
    params: dict[str, np.ndarray], token: int, cache: dict[str, np.ndarray]
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    t, d = len(cache["k"]), params["E"].shape[1]
    x = params["E"][token] + params["P"][t]
    q, k, v = x @ params["Wq"], x @ params["Wk"], x @ params["Wv"]
    # only this position's key and value are new;
    # earlier ones are reused, not recomputed
    cache = {"k": np.vstack([cache["k"], k]), "v": np.vstack([cache["v"], v])}
    scores = (
        cache["k"] @ q / np.sqrt(d)
    )  # (t + 1,): attends to itself and the past only
    w = np.exp(scores - scores.max())
    a = (w / w.sum()) @ cache["v"]
    h = x + a @ params["Wo"]
    return h @ params["U"], cache


def generate(params: dict[str, np.ndarray], prompt: list[int], n_new: int) -> list[int]:
    d = params["E"].shape[1]
    cache = {"k": np.zeros((0, d)), "v": np.zeros((0, d))}
    for token in prompt:
        logits, cache = decode_step(params, token, cache)
    out = []
    for _ in range(n_new):
        out.append(int(np.argmax(logits)))
        logits, cache = decode_step(params, out[-1], cache)
    return out


# --8<-- [end:solution]


# --8<-- [start:tests]
import numpy as np


def toy_params(seed, vocab=11, d=8, max_len=64):
    rng = np.random.default_rng(seed)
    shapes = {"E": (vocab, d), "P": (max_len, d), "U": (d, vocab)}
    shapes |= {name: (d, d) for name in ("Wq", "Wk", "Wv", "Wo")}
    return {
        name: rng.normal(size=shape) / np.sqrt(shape[0])
        for name, shape in shapes.items()
    }


def full_forward(params, tokens):
    """The same decoder without a cache: all positions at once, with a causal mask."""
    n, d = len(tokens), params["E"].shape[1]
    x = params["E"][tokens] + params["P"][:n]
    q, k, v = x @ params["Wq"], x @ params["Wk"], x @ params["Wv"]
    scores = q @ k.T / np.sqrt(d)
    scores[np.triu_indices(n, 1)] = -np.inf  # no attention to later positions
    w = np.exp(scores - scores.max(axis=1, keepdims=True))
    a = (w / w.sum(axis=1, keepdims=True)) @ v
    return (x + a @ params["Wo"]) @ params["U"]  # (n, vocab)


def test_kv_cache_worked_example():
    params = toy_params(0)
    cache = {"k": np.zeros((0, 8)), "v": np.zeros((0, 8))}
    for t, token in enumerate([3, 1, 4, 1, 5]):
        logits, cache = decode_step(params, token, cache)
        assert logits.shape == (11,)
        assert cache["k"].shape == cache["v"].shape == (t + 1, 8)


def test_kv_cache_logits_equal_the_uncached_forward_pass():
    params = toy_params(1)
    tokens = [2, 7, 1, 8, 2, 8, 1, 8, 2, 8]
    expected = full_forward(params, tokens)
    cache = {"k": np.zeros((0, 8)), "v": np.zeros((0, 8))}
    for t, token in enumerate(tokens):
        logits, cache = decode_step(params, token, cache)
        np.testing.assert_allclose(logits, expected[t], rtol=1e-10, atol=1e-12)


def test_generate_equals_greedy_decoding_without_a_cache():
    params = toy_params(2)
    prompt = [1, 2, 3]
    tokens = list(prompt)
    for _ in range(12):
        tokens.append(int(np.argmax(full_forward(params, tokens)[-1])))
    assert generate(params, prompt, 12) == tokens[3:]


# --8<-- [end:tests]


# --8<-- [start:check]

tests = [
    test_kv_cache_worked_example,
    test_kv_cache_logits_equal_the_uncached_forward_pass,
    test_generate_equals_greedy_decoding_without_a_cache,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")
params = toy_params(0, vocab=50, d=64, max_len=512)
prompt = [1, 2, 3, 4]
cached = generate(params, prompt, 150)
tokens, recomputed = list(prompt), 0
for _ in range(150):
    recomputed += len(tokens)
    tokens.append(int(np.argmax(full_forward(params, tokens)[-1])))
# Work, not wall-clock time (a timing on a busy machine can say anything): token
# positions sent through the projections. generate runs decode_step once per prompt
# token and once per new token.
with_cache = len(prompt) + 150
print("same 150 tokens with and without the cache:", cached == tokens[4:])
print(f"positions projected: cache {with_cache}, recompute {recomputed:,}", end=" ")
print(f"({recomputed / with_cache:.1f}x)")
# --8<-- [end:check]
