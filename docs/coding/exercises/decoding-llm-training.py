"""The ML coding round: Decoding, KV cache, LoRA and DPO. Practice file with 9 exercises.

Each exercise is a function (or class) that raises NotImplementedError, followed by the
tests it must pass. Fill in the functions, then run:

    pip install numpy torch pytest
    pytest decoding-llm-training.py                 # every exercise
    pytest decoding-llm-training.py -k <function>   # one exercise, e.g. -k beam_search

Hints and reference solutions: the handbook answer named above each exercise (a path
from the handbook's home page).
Generated from the handbook's snippets by handbook/exercises.py; edit those, not this.
"""

import itertools
import math
from collections.abc import Callable

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn


# --------------------------------------------------------------------------------------
# 1. How do you implement beam search?
# Handbook: coding/decoding-llm-training/#beam-search
# --------------------------------------------------------------------------------------


def beam_search(
    next_log_probs: Callable[[tuple[int, ...]], np.ndarray],
    bos: int,
    eos: int,
    beam_width: int,
    max_len: int,
) -> tuple[tuple[int, ...], float]:
    """Beam search for the sequence with the highest total log-probability.

    next_log_probs(prefix) returns log P(next token | prefix) over the vocabulary. Start
    from (bos,). Each step, extend every live sequence by every token and keep the
    beam_width best extensions (by total log-probability); those ending in eos are
    finished and leave the beam. Stop when no sequence is live or after max_len steps.
    Return the best among finished and still-live sequences, with its score (no length
    normalisation).
    """
    raise NotImplementedError


# a toy model over tokens 0 (bos), 1 "a", 2 "b", 3 (eos) where greedy decoding fails:
# "a" is likelier first, but everything after "a" is uncertain, while "b" is followed by
# eos with probability 0.9
TABLE = {1: [0.0, 0.3, 0.3, 0.4], 2: [0.0, 0.05, 0.05, 0.9]}


def toy(prefix):
    if len(prefix) == 1:
        return np.log([1e-9, 0.6, 0.4, 1e-9])
    return np.log(np.array(TABLE.get(prefix[-1], [0.0, 0.0, 0.0, 1.0])) + 1e-12)


def exhaustive(next_log_probs, bos, eos, max_len, vocab):
    best = (None, -np.inf)
    for n in range(1, max_len + 1):
        for tokens in itertools.product(range(vocab), repeat=n):
            # valid: eos only at the end, and either eos or the length limit ends it
            if eos in tokens[:-1] or (tokens[-1] != eos and n < max_len):
                continue
            seq = (bos, *tokens)
            score = sum(next_log_probs(seq[:i])[seq[i]] for i in range(1, len(seq)))
            if score > best[1]:
                best = (seq, score)
    return best


def test_beam_search_worked_example():
    seq, score = beam_search(toy, bos=0, eos=3, beam_width=2, max_len=4)
    assert seq == (0, 2, 3)
    assert score == pytest.approx(np.log(0.4 * 0.9))
    greedy, greedy_score = beam_search(toy, bos=0, eos=3, beam_width=1, max_len=4)
    assert greedy == (0, 1, 3)
    assert greedy_score == pytest.approx(np.log(0.6 * 0.4))


def test_beam_search_wide_beam_equals_exhaustive_search():
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(5, 5)) * 2

    def markov(prefix):
        z = logits[prefix[-1]]
        return z - np.log(np.exp(z).sum())

    for max_len in (1, 2, 3):
        expected = exhaustive(markov, 0, 4, max_len, 5)
        seq, score = beam_search(markov, 0, 4, beam_width=5**max_len, max_len=max_len)
        assert seq == expected[0]
        assert score == pytest.approx(expected[1])


def test_beam_search_width_one_is_greedy():
    rng = np.random.default_rng(1)
    logits = rng.normal(size=(6, 6))

    def markov(prefix):
        z = logits[prefix[-1]]
        return z - np.log(np.exp(z).sum())

    seq, _ = beam_search(markov, 0, 5, beam_width=1, max_len=6)
    for i in range(1, len(seq)):
        assert seq[i] == np.argmax(markov(seq[:i]))


# --------------------------------------------------------------------------------------
# 2. How do you implement temperature, top-k and top-p (nucleus) sampling?
# Handbook: coding/decoding-llm-training/#top-k-top-p-sampling
# --------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------
# 3. Implement repetition, frequency and presence penalties and no-repeat n-gram blocking for an LLM sampler.
# Handbook: coding/decoding-llm-training/#repetition-penalties
# --------------------------------------------------------------------------------------


def repetition_penalty(
    logits: np.ndarray, previous_ids: list[int], penalty: float
) -> np.ndarray:
    """CTRL-style repetition penalty, as transformers applies it: for every token id
    that occurs in previous_ids (once, however often it occurs), divide its logit by
    penalty if the logit is positive and multiply it by penalty if it is negative.
    penalty 1.0 changes nothing; above 1.0 discourages repeats. Returns a new array."""
    raise NotImplementedError


def frequency_presence_penalty(
    logits: np.ndarray,
    generated_ids: list[int],
    frequency_penalty: float = 0.0,
    presence_penalty: float = 0.0,
) -> np.ndarray:
    """OpenAI-style additive penalties: logit[j] - c[j] * frequency_penalty
    - (c[j] > 0) * presence_penalty, where c[j] counts token j in generated_ids.
    Returns a new array."""
    raise NotImplementedError


def no_repeat_ngram(logits: np.ndarray, previous_ids: list[int], n: int) -> np.ndarray:
    """Ban (-inf) every token that would complete an n-gram that already occurs in
    previous_ids: token t is banned if previous_ids[-(n - 1):] + [t] is an n-gram of
    previous_ids (with n = 1, every token seen so far). Returns a new array."""
    raise NotImplementedError


def rp_softmax(z):
    p = np.exp(z - z.max())
    return p / p.sum()


def test_repetition_penalty_worked_example():
    z = np.array([2.0, -2.0, 0.5, 1.0])
    # token 1 occurs twice but is penalised once; token 3 never occurred
    np.testing.assert_allclose(
        repetition_penalty(z, [0, 1, 1, 2], 2.0), [1.0, -4.0, 0.25, 1.0]
    )
    np.testing.assert_allclose(repetition_penalty(z, [0, 1, 2], 1.0), z)
    np.testing.assert_allclose(repetition_penalty(z, [], 2.0), z)
    np.testing.assert_allclose(z, [2.0, -2.0, 0.5, 1.0])  # input unchanged


def test_naive_division_raises_a_negative_logit():
    z = np.array([2.0, 0.5, -1.0])
    # token 2 was generated before, with a negative logit
    naive = z.copy()
    naive[2] = z[2] / 1.3
    p = rp_softmax(z)[2]
    assert rp_softmax(naive)[2] > p  # the "penalty" made the repeat more likely
    assert rp_softmax(repetition_penalty(z, [2], 1.3))[2] < p


def test_repetition_penalty_depends_on_the_logit_offset():
    # softmax ignores a constant shift of every logit; the divide/multiply rule does not
    z = np.array([3.0, 1.0, 0.0])
    p = rp_softmax(repetition_penalty(z, [0], 1.3))
    p_shifted = rp_softmax(repetition_penalty(z + 10.0, [0], 1.3))
    assert abs(p[0] - p_shifted[0]) > 0.1
    # the additive penalties move every shifted copy the same way
    q = rp_softmax(frequency_presence_penalty(z, [0], 0.5, 0.5))
    q_shifted = rp_softmax(frequency_presence_penalty(z + 10.0, [0], 0.5, 0.5))
    np.testing.assert_allclose(q, q_shifted)


def test_repetition_penalty_matches_transformers():
    rng = np.random.default_rng(0)
    for _ in range(50):
        vocab = int(rng.integers(5, 40))
        z = rng.normal(scale=3.0, size=vocab)
        ids = rng.integers(0, vocab, size=int(rng.integers(0, 30))).tolist()
        penalty = float(rng.uniform(0.5, 2.0))
        ours = repetition_penalty(z, ids, penalty)
        torch = pytest.importorskip("torch")
        hf = pytest.importorskip("transformers")
        theirs = hf.RepetitionPenaltyLogitsProcessor(penalty)(
            torch.tensor([ids], dtype=torch.long), torch.tensor(z[None])
        )
        np.testing.assert_allclose(ours, theirs[0].numpy(), rtol=1e-12)


def test_frequency_presence_penalty_worked_example():
    z = np.array([1.0, 1.0, 1.0, 1.0])
    # counts 3, 1, 0, 0
    out = frequency_presence_penalty(z, [0, 0, 1, 0], 0.5, 0.25)
    np.testing.assert_allclose(out, [1 - 3 * 0.5 - 0.25, 1 - 0.5 - 0.25, 1.0, 1.0])
    np.testing.assert_allclose(frequency_presence_penalty(z, [0, 0, 1], 0.0, 0.0), z)
    # negative values encourage repeats
    assert frequency_presence_penalty(z, [2], -1.0)[2] == 2.0


def test_no_repeat_ngram_worked_example():
    z = np.zeros(6)
    ids = [1, 2, 3, 1, 2]
    # the last token is 2; the bigram (2, 3) occurred, so 3 is banned
    assert np.isinf(no_repeat_ngram(z, ids, 2)).nonzero()[0].tolist() == [3]
    # the last two tokens (1, 2) were followed by 3 before
    assert np.isinf(no_repeat_ngram(z, ids, 3)).nonzero()[0].tolist() == [3]
    assert not np.isinf(no_repeat_ngram(z, ids, 4)).any()  # (3, 1, 2) is new
    assert np.isinf(no_repeat_ngram(z, ids, 1)).nonzero()[0].tolist() == [1, 2, 3]
    assert not np.isinf(no_repeat_ngram(z, [1, 2], 3)).any()  # too short


def test_no_repeat_ngram_matches_transformers():
    rng = np.random.default_rng(1)
    for _ in range(200):
        vocab = int(rng.integers(2, 6))  # few tokens, so n-grams repeat often
        z = rng.normal(size=vocab)
        ids = rng.integers(0, vocab, size=int(rng.integers(0, 25))).tolist()
        n = int(rng.integers(1, 5))
        ours = no_repeat_ngram(z, ids, n)
        torch = pytest.importorskip("torch")
        hf = pytest.importorskip("transformers")
        theirs = hf.NoRepeatNGramLogitsProcessor(n)(
            torch.tensor([ids], dtype=torch.long), torch.tensor(z[None])
        )
        np.testing.assert_array_equal(ours, theirs[0].numpy())


def test_no_repeat_ngram_stops_a_greedy_loop():
    # a toy bigram model whose greedy path falls into a cycle
    rng = np.random.default_rng(2)
    vocab = 50
    table = rng.normal(size=(vocab, vocab))
    runs = {}
    for n in (None, 3):
        ids = [0]
        for _ in range(300):
            z = table[ids[-1]]
            if n is not None:
                z = no_repeat_ngram(z, ids, n)
            ids.append(int(np.argmax(z)))
        runs[n] = ids
    trigrams = {n: list(zip(ids, ids[1:], ids[2:])) for n, ids in runs.items()}
    assert len(set(trigrams[None])) < 20  # without blocking it cycles
    assert len(set(trigrams[3])) == len(trigrams[3])  # every 3-gram is new


# --------------------------------------------------------------------------------------
# 4. Implement constrained decoding: restrict an LLM's output to a fixed set of labels with a token trie.
# Handbook: coding/decoding-llm-training/#constrained-decoding-trie
# --------------------------------------------------------------------------------------


def build_trie(allowed: list[list[int]], eos: int) -> dict:
    """Token-level trie of the allowed sequences, each followed by eos, as nested dicts
    {token: child}; the node reached by eos is {}. For example
    build_trie([[1], [1, 2]], eos=0) == {1: {0: {}, 2: {0: {}}}}."""
    raise NotImplementedError


def constrained_decode(
    allowed: list[list[int]],
    next_logits: Callable[[list[int]], np.ndarray],
    eos: int,
    temperature: float = 0.0,
    seed: int = 0,
) -> list[int]:
    """Decode one of the allowed token sequences. At each step the legal tokens are the
    children of the current trie node (eos where an allowed sequence ends). If only one
    is legal, take it without calling the model; otherwise call next_logits(tokens so
    far), which returns (V,) logits, give every illegal token -inf, and take the argmax
    (temperature 0) or sample from softmax(logits / temperature) with
    np.random.default_rng(seed). Stop at eos and return the tokens without it."""
    raise NotImplementedError


def score_allowed(
    allowed: list[list[int]],
    next_logits: Callable[[list[int]], np.ndarray],
    eos: int,
) -> np.ndarray:
    """Total log-probability of each allowed sequence followed by eos under the model's
    own, unmasked softmax: the sum over i of log_softmax(next_logits(s[:i]))[s[i]] for
    s = sequence + [eos]. Returns one score per allowed sequence."""
    raise NotImplementedError


# token ids: 0 eos, 1 "yes", 2 ",", 3 " but", 4 "no", 5 "maybe" (never allowed)
CD_EOS = 0
CD_LABELS = [[1], [1, 2, 3], [4]]
# the pitfall: "yes" (1) is the likelier first token, but the model wanted to stop
# after it, and "yes" alone is not allowed here
CD_PITFALL_LABELS = [[1, 2, 3], [4]]
CD_PITFALL_TABLE = {
    (): {1: 0.5, 4: 0.3},
    (1,): {0: 0.9, 2: 0.05},
    (1, 2): {3: 0.9},
    (1, 2, 3): {0: 0.9},
    (4,): {0: 0.9},
}


def cd_table_model(table, vocab=6):
    """A model from {prefix: {token: probability}}; the other tokens share the rest
    equally. Returns next_logits and the list of prefixes it was called with."""
    calls = []

    def next_logits(prefix):
        calls.append(tuple(prefix))
        given = table.get(tuple(prefix), {})
        p = np.full(vocab, (1 - sum(given.values())) / (vocab - len(given)))
        for token, q in given.items():
            p[token] = q
        return np.log(p)

    return next_logits, calls


def test_constrained_decode_worked_example():
    assert build_trie(CD_LABELS, CD_EOS) == {1: {0: {}, 2: {3: {0: {}}}}, 4: {0: {}}}
    # 0.9 on the forbidden token 5 after every prefix: the mask wins
    picks_but = {(): {5: 0.9, 1: 0.06, 4: 0.02}, (1,): {5: 0.9, 2: 0.05, 0: 0.02}}
    model, calls = cd_table_model(picks_but)
    assert constrained_decode(CD_LABELS, model, CD_EOS) == [1, 2, 3]
    assert calls == [(), (1,)]
    picks_yes = {(): {5: 0.9, 1: 0.06, 4: 0.02}, (1,): {5: 0.9, 0: 0.05, 2: 0.02}}
    model, calls = cd_table_model(picks_yes)
    assert constrained_decode(CD_LABELS, model, CD_EOS) == [1]
    model, calls = cd_table_model({(): {5: 0.9, 4: 0.06, 1: 0.02}})
    assert constrained_decode(CD_LABELS, model, CD_EOS) == [4]
    assert calls == [()]


def test_constrained_decode_output_is_always_allowed():
    vocab, eos = 8, 0
    for seed in range(200):
        rng = np.random.default_rng(seed)
        allowed = [
            rng.integers(1, vocab - 1, size=rng.integers(1, 5)).tolist()
            for _ in range(rng.integers(1, 7))
        ]

        def noise(prefix, rng=rng):
            # random logits, with eos and token 7 (in no label) often on top
            return rng.normal(scale=3.0, size=vocab) + 4.0 * np.isin(
                np.arange(vocab), [eos, 7]
            )

        for temperature in (0.0, 1.0):
            out = constrained_decode(allowed, noise, eos, temperature, seed=seed)
            assert out in allowed


def test_constrained_decode_prefix_labels_end_only_with_eos():
    allowed = [[1], [1, 2, 3]]
    # the model wants eos after [1, 2], where it is not legal: 3 is forced
    wants_to_stop = {(): {0: 0.9}, (1,): {0: 0.02, 2: 0.5}, (1, 2): {0: 0.99}}
    model, calls = cd_table_model(wants_to_stop)
    assert constrained_decode(allowed, model, CD_EOS) == [1, 2, 3]
    # after [1] the legal tokens are eos (0.3) and 2 (0.1): sampled 3:1
    model, calls = cd_table_model({(1,): {0: 0.3, 2: 0.1}})
    outs = [
        constrained_decode(allowed, model, CD_EOS, 1.0, seed=s) for s in range(4000)
    ]
    assert {tuple(o) for o in outs} == {(1,), (1, 2, 3)}
    assert abs(np.mean([o == [1] for o in outs]) - 0.75) < 0.03


def test_constrained_decode_calls_the_model_only_when_there_is_a_choice():
    model, calls = cd_table_model({})
    assert constrained_decode([[4, 2, 3, 1]], model, CD_EOS) == [4, 2, 3, 1]
    assert calls == []
    model, calls = cd_table_model({(1,): {2: 0.5}})
    assert constrained_decode([[1], [1, 2, 3]], model, CD_EOS) == [1, 2, 3]
    assert calls == [(1,)]


def test_constrained_decode_greedy_agrees_with_brute_force_here():
    # "positive" [1, 2], "negative" [3, 4], "neutral" [3, 5]; every label is followed
    # by eos with probability 0.95, and the first choice decides
    labels = [[1, 2], [3, 4], [3, 5]]
    table = {(): {1: 0.3, 3: 0.5}, (1,): {2: 0.95}, (3,): {4: 0.6, 5: 0.3}}
    table |= {tuple(label): {0: 0.95} for label in labels}
    model, _ = cd_table_model(table)
    probs = np.exp(score_allowed(labels, model, CD_EOS))
    np.testing.assert_allclose(
        probs, [0.3 * 0.95**2, 0.5 * 0.6 * 0.95, 0.5 * 0.3 * 0.95]
    )
    assert constrained_decode(labels, model, CD_EOS) == labels[int(np.argmax(probs))]


def test_constrained_decode_greedy_is_not_the_best_whole_string():
    model, calls = cd_table_model(CD_PITFALL_TABLE)
    greedy = constrained_decode(CD_PITFALL_LABELS, model, CD_EOS)
    probs = np.exp(score_allowed(CD_PITFALL_LABELS, model, CD_EOS))
    np.testing.assert_allclose(probs, [0.5 * 0.05 * 0.9 * 0.9, 0.3 * 0.9])
    assert greedy == [1, 2, 3]
    assert CD_PITFALL_LABELS[int(np.argmax(probs))] == [4]


# --------------------------------------------------------------------------------------
# 5. How do you add a KV cache to a toy decoder?
# Handbook: coding/decoding-llm-training/#kv-cache-decoder
# --------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------
# 6. Implement speculative sampling: draft with a small model, verify with the large one.
# Handbook: coding/decoding-llm-training/#speculative-sampling
# --------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------
# 7. Compute the SFT loss of a causal LM: shift the labels, ignore padding, train only on the response
# Handbook: coding/decoding-llm-training/#causal-lm-loss-masking
# --------------------------------------------------------------------------------------


def sft_labels(
    input_ids: torch.Tensor, attention_mask: torch.Tensor, prompt_lengths
) -> torch.Tensor:
    """Labels for supervised fine-tuning: a copy of input_ids, (B, T), with -100 at
    every prompt and padding position.

    attention_mask is 1 on real tokens and 0 on padding, which may be on the left or on
    the right. prompt_lengths (a sequence of B ints or a (B,) tensor) counts each row's
    prompt tokens from its first real token. The labels are not shifted: the loss
    shifts them.
    """
    raise NotImplementedError


def causal_lm_loss_sum(
    logits: torch.Tensor, labels: torch.Tensor
) -> tuple[torch.Tensor, int]:
    """(sum, count): the summed cross-entropy of the next-token predictions whose
    target is not -100, and how many there are.

    logits (B, T, V) and labels (B, T) are aligned with the input: logits[:, t] predict
    the token at t + 1, so labels[:, t + 1] is their target. Computed in at least
    float32; differentiable in the logits. A micro-batch with no target gives (0, 0).
    """
    raise NotImplementedError


def causal_lm_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """The mean cross-entropy over every target of the batch (sum / count), the loss
    a transformers causal LM returns when given these labels; nan if there is none."""
    raise NotImplementedError


def sft_worked_example():
    """One prompt/response pair (prompt 5 6, response 7 8 and eos 2), right-padded in
    row 0 and left-padded in row 1 with the pad id 0."""
    ids = torch.tensor([[5, 6, 7, 8, 2, 0, 0], [0, 0, 5, 6, 7, 8, 2]])
    mask = (torch.arange(7) < 5).long()
    return ids, torch.stack([mask, mask.flip(0)]), [2, 2]


def next_token_logits(ids, vocab=10, peak=10.0):
    """Logits that put `peak` on the next token of each row and 0 elsewhere."""
    logits = torch.zeros(*ids.shape, vocab)
    logits[:, :-1].scatter_(-1, ids[:, 1:, None], peak)
    return logits


def tiny_llama(vocab=40, seed=0):
    transformers = pytest.importorskip("transformers")
    torch.manual_seed(seed)
    config = transformers.LlamaConfig(
        vocab_size=vocab,
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=64,
        pad_token_id=0,
    )
    return transformers.LlamaForCausalLM(config).eval()


def random_sft_batch(
    seed, vocab=40, rows=4, prompt=(2, 12), response=(1, 15), left=False
):
    """Rows of bos 1, a prompt and a response ending in eos 2, padded with 0 (token ids
    3 and up for the text); returns ids, attention mask and prompt lengths."""
    g = torch.Generator().manual_seed(seed)
    seqs, prompt_lengths = [], []
    for _ in range(rows):
        n_p = int(torch.randint(*prompt, (1,), generator=g))
        n_r = int(torch.randint(*response, (1,), generator=g))
        text = torch.randint(3, vocab, (n_p + n_r,), generator=g).tolist()
        seqs.append([1, *text, 2])
        prompt_lengths.append(1 + n_p)
    width = max(map(len, seqs))
    ids = torch.zeros(rows, width, dtype=torch.long)
    mask = torch.zeros(rows, width, dtype=torch.long)
    for i, s in enumerate(seqs):
        span = slice(width - len(s), width) if left else slice(0, len(s))
        ids[i, span], mask[i, span] = torch.tensor(s), 1
    return ids, mask, prompt_lengths


def test_causal_lm_worked_example():
    ids, mask, prompt_lengths = sft_worked_example()
    labels = sft_labels(ids, mask, prompt_lengths)
    assert labels.tolist() == [
        [-100, -100, 7, 8, 2, -100, -100],
        [-100, -100, -100, -100, 7, 8, 2],
    ]
    total, count = causal_lm_loss_sum(torch.zeros(2, 7, 10), labels)
    assert count == 6 and total.item() == pytest.approx(6 * math.log(10), rel=1e-6)
    assert causal_lm_loss(torch.zeros(2, 7, 10), labels).item() == pytest.approx(
        math.log(10), rel=1e-6
    )
    # a model sure of every next token: each target costs log(1 + 9 e^-10)
    good = next_token_logits(ids)
    right = math.log1p(9 * math.exp(-10))
    assert causal_lm_loss(good, labels).item() == pytest.approx(right, abs=1e-5)
    # labels shifted by hand, then again by the loss: every target is 2 tokens ahead
    shifted_twice = F.pad(labels[:, 1:], (0, 1), value=-100)
    wrong = math.log(math.exp(10) + 9)
    assert causal_lm_loss(good, shifted_twice).item() == pytest.approx(wrong, rel=1e-6)


def test_causal_lm_loss_matches_cross_entropy_on_shifted_tensors():
    g = torch.Generator().manual_seed(0)
    for dtype in (torch.float32, torch.float64):
        ids, mask, prompt_lengths = random_sft_batch(seed=1, rows=6)
        labels = sft_labels(ids, mask, prompt_lengths)
        logits = torch.randn(*ids.shape, 40, generator=g).to(dtype) * 3
        theirs = F.cross_entropy(
            logits[:, :-1].reshape(-1, 40), labels[:, 1:].reshape(-1), ignore_index=-100
        )
        torch.testing.assert_close(causal_lm_loss(logits, labels), theirs)
        total, count = causal_lm_loss_sum(logits, labels)
        assert count == int((labels[:, 1:] != -100).sum())
        assert count == sum(mask.sum(1).tolist()) - sum(prompt_lengths)
        torch.testing.assert_close(total / count, theirs)
    # half-precision logits: computed in float32, as transformers does
    half = causal_lm_loss(logits.to(torch.bfloat16), labels)
    assert half.dtype == torch.float32
    # a micro-batch without a response token adds nothing to the sum
    total, count = causal_lm_loss_sum(logits, torch.full_like(labels, -100))
    assert count == 0 and total.item() == 0.0
    assert math.isnan(causal_lm_loss(logits, torch.full_like(labels, -100)).item())


def test_causal_lm_loss_matches_transformers_which_shifts_inside():
    model = tiny_llama()
    ids, mask, prompt_lengths = random_sft_batch(seed=2)
    labels = sft_labels(ids, mask, prompt_lengths)
    with torch.no_grad():
        out = model(input_ids=ids, attention_mask=mask, labels=labels)
        ours = causal_lm_loss(out.logits, labels)
        torch.testing.assert_close(ours, out.loss)
        # pre-shifted labels are shifted again inside the model: a different loss,
        # the one of predicting the token two positions ahead
        shifted = F.pad(labels[:, 1:], (0, 1), value=-100)
        twice = model(input_ids=ids, attention_mask=mask, labels=shifted).loss
        torch.testing.assert_close(twice, causal_lm_loss(out.logits, shifted))
        assert not torch.isclose(twice, out.loss)


def test_padding_side_does_not_change_the_loss():
    model = tiny_llama()
    losses = []
    for left in (False, True):
        ids, mask, prompt_lengths = random_sft_batch(seed=3, left=left)
        labels = sft_labels(ids, mask, prompt_lengths)
        # with left padding, positions must start at the first real token
        position_ids = (mask.cumsum(-1) - 1).clamp(min=0)
        with torch.no_grad():
            logits = model(ids, attention_mask=mask, position_ids=position_ids).logits
        losses.append(causal_lm_loss_sum(logits, labels))
    (sum_right, n_right), (sum_left, n_left) = losses
    assert n_right == n_left
    torch.testing.assert_close(sum_left, sum_right, rtol=1e-5, atol=1e-5)


def test_token_mean_is_not_the_mean_of_sequence_means():
    g = torch.Generator().manual_seed(4)
    ids, mask, prompt_lengths = random_sft_batch(seed=4, response=(1, 30), rows=5)
    labels = sft_labels(ids, mask, prompt_lengths)
    logits = torch.randn(*ids.shape, 40, generator=g, dtype=torch.float64) * 3
    rows = [causal_lm_loss_sum(logits[i : i + 1], labels[i : i + 1]) for i in range(5)]
    sums = torch.stack([s for s, _ in rows])
    counts = torch.tensor([n for _, n in rows], dtype=torch.float64)
    assert len(set(counts.tolist())) > 1
    token_mean = causal_lm_loss(logits, labels)
    sequence_mean = (sums / counts).mean()
    # per token: each row weighs by its number of targets; per sequence: equally
    torch.testing.assert_close(token_mean, sums.sum() / counts.sum())
    torch.testing.assert_close(
        token_mean, (sums / counts * counts).sum() / counts.sum()
    )
    assert not torch.isclose(token_mean, sequence_mean)


def test_micro_batches_need_the_sum_and_the_count():
    g = torch.Generator().manual_seed(5)
    ids, mask, prompt_lengths = random_sft_batch(seed=5, response=(1, 30), rows=6)
    labels = sft_labels(ids, mask, prompt_lengths)
    leaf = (
        torch.randn(*ids.shape, 40, generator=g, dtype=torch.float64) * 3
    ).requires_grad_()
    full = causal_lm_loss(leaf, labels)
    (full_grad,) = torch.autograd.grad(full, leaf)
    parts = [slice(0, 1), slice(1, 4), slice(4, 6)]
    pairs = [causal_lm_loss_sum(leaf[p], labels[p]) for p in parts]
    n_total = sum(n for _, n in pairs)
    mean_of_means = sum(s / n for s, n in pairs) / len(parts)
    assert not torch.isclose(mean_of_means, full)
    # divide every micro-batch's sum by the count of the whole batch, then add
    accumulated = torch.zeros_like(leaf)
    for s, _ in pairs:
        (grad,) = torch.autograd.grad(s / n_total, leaf)
        accumulated += grad
    torch.testing.assert_close(sum(s for s, _ in pairs) / n_total, full)
    torch.testing.assert_close(accumulated, full_grad)


def test_transformers_num_items_in_batch_is_the_same_fix():
    model = tiny_llama()
    ids, mask, prompt_lengths = random_sft_batch(seed=6, response=(1, 30), rows=4)
    labels = sft_labels(ids, mask, prompt_lengths)
    with torch.no_grad():
        full_sum, n_total = causal_lm_loss_sum(
            model(ids, attention_mask=mask).logits, labels
        )
        # each micro-batch's loss is its sum divided by the whole batch's count
        parts = [
            model(
                ids[p],
                attention_mask=mask[p],
                labels=labels[p],
                num_items_in_batch=n_total,
            )
            for p in (slice(0, 2), slice(2, 4))
        ]
    torch.testing.assert_close(sum(out.loss for out in parts), full_sum / n_total)


# --------------------------------------------------------------------------------------
# 8. Implement a LoRA linear layer and merge it for inference.
# Handbook: coding/decoding-llm-training/#lora-linear-layer
# --------------------------------------------------------------------------------------


class LoRALinear(nn.Module):
    """A frozen nn.Linear plus a trainable low-rank update (Hu et al., 2022).

    forward(x) = base(x) + (alpha / r) * x @ A.T @ B.T with lora_A (r, in_features),
    initialised at random, and lora_B (out_features, r), initialised to zeros, so the
    layer starts out equal to base. The base weight and bias are frozen
    (requires_grad False); lora_A and lora_B are the only trainable parameters.
    merge() returns a new nn.Linear with weight W + (alpha / r) * B @ A and the base
    bias, and leaves this module unchanged.
    """

    def __init__(self, base: nn.Linear, r: int = 8, alpha: float = 16.0):
        super().__init__()
        raise NotImplementedError

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def merge(self) -> nn.Linear:
        raise NotImplementedError


def low_rank_task(d_in, d_out, rank, seed, n=256):
    # targets from the base layer's weights plus a rank-`rank` update
    torch.manual_seed(seed)
    base = nn.Linear(d_in, d_out)
    delta = torch.randn(d_out, rank) @ torch.randn(rank, d_in) / d_in
    x = torch.randn(n, d_in)
    with torch.no_grad():
        y = base(x) + x @ delta.T
    return base, x, y, delta


def train(layer, x, y, steps, lr=1e-2):
    trainable = [p for p in layer.parameters() if p.requires_grad]
    opt = torch.optim.Adam(trainable, lr=lr)
    losses = []
    for _ in range(steps):
        loss = nn.functional.mse_loss(layer(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses


def test_lora_linear_worked_example():
    torch.manual_seed(0)
    base = nn.Linear(4, 3)
    layer = LoRALinear(base, r=2, alpha=4)
    x = torch.randn(5, 4)
    assert torch.equal(layer(x), base(x))
    assert layer.lora_A.shape == (2, 4) and layer.lora_B.shape == (3, 2)
    assert layer.lora_A.abs().sum() > 0 and layer.lora_B.abs().sum() == 0
    trainable = sum(p.numel() for p in layer.parameters() if p.requires_grad)
    frozen = sum(p.numel() for p in layer.parameters() if not p.requires_grad)
    assert (trainable, frozen) == (2 * (4 + 3), 4 * 3 + 3)


def test_lora_linear_trains_only_a_and_b():
    base, x, y, _ = low_rank_task(16, 12, rank=2, seed=1)
    weight, bias = base.weight.clone(), base.bias.clone()
    layer = LoRALinear(base, r=2, alpha=4)
    losses = train(layer, x, y, steps=200)
    assert losses[-1] < 0.01 * losses[0]
    assert torch.equal(base.weight, weight) and torch.equal(base.bias, bias)
    assert base.weight.grad is None and layer.lora_B.grad is not None


def test_lora_linear_merge_gives_the_same_outputs():
    base, x, y, _ = low_rank_task(16, 12, rank=2, seed=2)
    layer = LoRALinear(base.double(), r=2, alpha=4)
    train(layer, x.double(), y.double(), steps=50)
    merged = layer.merge()
    assert type(merged) is nn.Linear
    assert sum(p.numel() for p in merged.parameters()) == 16 * 12 + 12
    x_new = torch.randn(7, 16, dtype=torch.float64)
    with torch.no_grad():
        torch.testing.assert_close(merged(x_new), layer(x_new), rtol=0, atol=1e-12)
        expected = nn.functional.linear(
            x_new, base.weight + 2.0 * layer.lora_B @ layer.lora_A, base.bias
        )
        torch.testing.assert_close(layer(x_new), expected, rtol=0, atol=1e-12)


# --------------------------------------------------------------------------------------
# 9. Implement the DPO loss from per-token log-probabilities.
# Handbook: coding/decoding-llm-training/#dpo-loss
# --------------------------------------------------------------------------------------


def sequence_logps(token_logps: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Sum of the per-token log-probabilities where mask is 1: (B, T) -> (B,).

    mask is 1 on response tokens and 0 on prompt and padding tokens (bool or 0/1).
    Positions where it is 0 may hold any value, even -inf or nan: they must change
    neither the result nor its gradient.
    """
    raise NotImplementedError


def dpo_loss(
    policy_chosen: torch.Tensor,
    policy_rejected: torch.Tensor,
    ref_chosen: torch.Tensor,
    ref_rejected: torch.Tensor,
    chosen_mask: torch.Tensor,
    rejected_mask: torch.Tensor,
    beta: float = 0.1,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The DPO loss (Rafailov et al., 2023) of a batch of B preference pairs.

    policy_* and ref_* are per-token log-probabilities of the chosen responses,
    (B, T_c), and of the rejected ones, (B, T_r), under the policy and under the
    frozen reference model; chosen_mask and rejected_mask select the response tokens.
    With pi and ref the masked sums (sequence log-probabilities), returns
    (loss, chosen_rewards, rejected_rewards):
        loss: the mean over pairs of -log sigmoid(beta * ((pi_c - ref_c) - (pi_r -
            ref_r))), a scalar, finite for any margin, differentiable in the policy
            log-probabilities (the reference gets no gradient);
        chosen_rewards, rejected_rewards: the implicit rewards beta * (pi - ref), (B,),
            detached.
    """
    raise NotImplementedError


def reward_metrics(
    chosen_rewards: torch.Tensor, rejected_rewards: torch.Tensor
) -> tuple[float, float]:
    """(accuracy, margin): the share of pairs whose chosen reward is strictly above the
    rejected one (a tie counts as wrong), and the mean of chosen - rejected."""
    raise NotImplementedError


def dpo_worked_example(dtype=torch.float32):
    """One pair, beta 0.1: a prompt token (mask 0), two response tokens, and, in the
    rejected row, one padding token (mask 0)."""
    kwargs = {"dtype": dtype}
    return dict(
        policy_chosen=torch.tensor([[-5.0, -1.0, -2.0]], **kwargs),
        policy_rejected=torch.tensor([[-5.0, -3.0, -1.0, 0.0]], **kwargs),
        ref_chosen=torch.tensor([[-4.0, -1.5, -2.5]], **kwargs),
        ref_rejected=torch.tensor([[-4.0, -2.0, -1.0, 0.0]], **kwargs),
        chosen_mask=torch.tensor([[0, 1, 1]]),
        rejected_mask=torch.tensor([[0, 1, 1, 0]]),
    )


def dpo_random_batch(seed, B=4, T=6, dtype=torch.float64):
    """Random per-token log-probabilities and masks: each row masks a prompt of 1 to 2
    tokens and a padding tail of 0 to 2 tokens, leaving at least 2 response tokens."""
    g = torch.Generator().manual_seed(seed)
    batch = {}
    for side in ("chosen", "rejected"):
        mask = torch.zeros(B, T, dtype=torch.long)
        for i in range(B):
            start = int(torch.randint(1, 3, (1,), generator=g))
            end = T - int(torch.randint(0, 3, (1,), generator=g))
            mask[i, start:end] = 1
        batch[f"{side}_mask"] = mask
        for model in ("policy", "ref"):
            batch[f"{model}_{side}"] = -3 * torch.rand(B, T, generator=g, dtype=dtype)
    return batch


def dpo_policy_grads(batch, beta=0.1):
    """The loss, the rewards and the gradients of the loss with respect to the policy's
    per-token log-probabilities of the chosen and the rejected responses."""
    leaves = {
        k: v.clone().requires_grad_(k.startswith("policy")) for k, v in batch.items()
    }
    loss, chosen, rejected = dpo_loss(**leaves, beta=beta)
    grad_c, grad_r = torch.autograd.grad(
        loss, [leaves["policy_chosen"], leaves["policy_rejected"]]
    )
    return loss.detach(), chosen, rejected, grad_c, grad_r


def test_dpo_worked_example():
    batch = dpo_worked_example()
    assert sequence_logps(batch["policy_chosen"], batch["chosen_mask"]).item() == -3.0
    assert sequence_logps(batch["ref_rejected"], batch["rejected_mask"]).item() == -3.0
    loss, chosen, rejected, grad_c, grad_r = dpo_policy_grads(batch)
    assert loss.item() == pytest.approx(math.log1p(math.exp(-0.2)), rel=1e-6)
    assert chosen.item() == pytest.approx(0.1, rel=1e-5)
    assert rejected.item() == pytest.approx(-0.1, rel=1e-5)
    assert not chosen.requires_grad and not rejected.requires_grad
    accuracy, margin = reward_metrics(chosen, rejected)
    assert accuracy == 1.0 and margin == pytest.approx(0.2, rel=1e-5)
    # d loss / d response token: -beta sigmoid(-0.2) = -0.045017 (chosen), + (rejected)
    g = 0.1 / (1 + math.exp(0.2))
    torch.testing.assert_close(grad_c, torch.tensor([[0.0, -g, -g]]))
    torch.testing.assert_close(grad_r, torch.tensor([[0.0, g, g, 0.0]]))


def test_dpo_policy_equal_to_reference_gives_log_2():
    batch = dpo_random_batch(seed=0, B=8)
    batch["policy_chosen"] = batch["ref_chosen"].clone()
    batch["policy_rejected"] = batch["ref_rejected"].clone()
    loss, chosen, rejected = dpo_loss(**batch, beta=0.5)
    assert loss.item() == pytest.approx(math.log(2), rel=1e-12)
    assert torch.equal(chosen, torch.zeros(8, dtype=torch.float64))
    assert torch.equal(rejected, torch.zeros(8, dtype=torch.float64))
    assert reward_metrics(chosen, rejected) == (0.0, 0.0)


def test_dpo_masked_tokens_change_nothing():
    batch = dpo_random_batch(seed=1)
    expected = dpo_policy_grads(batch)
    junk = torch.tensor([float("-inf"), float("nan"), 1e4, -1e4, 7.0])
    g = torch.Generator().manual_seed(2)
    noisy = dict(batch)
    for side in ("chosen", "rejected"):
        masked = ~batch[f"{side}_mask"].bool()
        for model in ("policy", "ref"):
            fill = junk[torch.randint(len(junk), masked.shape, generator=g)]
            noisy[f"{model}_{side}"] = torch.where(
                masked, fill.double(), batch[f"{model}_{side}"]
            )
    for got, want in zip(dpo_policy_grads(noisy), expected, strict=True):
        torch.testing.assert_close(got, want, rtol=0, atol=0)


def test_dpo_is_stable_for_large_margins():
    # reward margins of +1000 and -1000 in float32: the loss is (0 + 1000) / 2
    batch = dpo_worked_example(torch.float32)
    batch = {k: v.repeat(2, 1) for k, v in batch.items()}
    # the log-ratio difference is 2 in the worked example: make it +10000 and -10000
    batch["policy_chosen"][0, 1] += 9998
    batch["policy_chosen"][1, 1] -= 10002
    loss, chosen, rejected, grad_c, grad_r = dpo_policy_grads(batch)
    assert loss.item() == pytest.approx(500.0, rel=1e-6)
    assert torch.isfinite(grad_c).all() and torch.isfinite(grad_r).all()
    # the pair already right gets no gradient; the pair wrong by 1000 gets beta / B
    torch.testing.assert_close(grad_c[:, 1], torch.tensor([0.0, -0.05]))


def test_dpo_gradient_matches_closed_form_and_central_differences():
    beta, eps = 0.3, 1e-6
    batch = dpo_random_batch(seed=3, B=3, T=5)
    loss, chosen, rejected, grad_c, grad_r = dpo_policy_grads(batch, beta=beta)
    # closed form: -(beta / B) sigmoid(-z) on chosen response tokens, + on rejected
    weight = beta * torch.sigmoid(-(chosen - rejected)) / 3
    torch.testing.assert_close(grad_c, -weight[:, None] * batch["chosen_mask"])
    torch.testing.assert_close(grad_r, weight[:, None] * batch["rejected_mask"])
    for key, grad in (("policy_chosen", grad_c), ("policy_rejected", grad_r)):
        numeric = torch.zeros_like(grad)
        for i in range(grad.shape[0]):
            for t in range(grad.shape[1]):
                up, down = dict(batch), dict(batch)
                up[key], down[key] = batch[key].clone(), batch[key].clone()
                up[key][i, t] += eps
                down[key][i, t] -= eps
                diff = dpo_loss(**up, beta=beta)[0] - dpo_loss(**down, beta=beta)[0]
                numeric[i, t] = diff / (2 * eps)
        torch.testing.assert_close(grad, numeric, rtol=1e-6, atol=1e-9)


def test_dpo_gradient_pushes_chosen_up_relative_to_rejected():
    batch = dpo_random_batch(seed=4, B=6)
    loss, chosen, rejected, grad_c, grad_r = dpo_policy_grads(batch)
    on_c, on_r = batch["chosen_mask"].bool(), batch["rejected_mask"].bool()
    assert (grad_c[on_c] < 0).all() and (grad_r[on_r] > 0).all()
    # a pair the implicit reward ranks wrongly weighs more than one it ranks right
    margin = chosen - rejected
    weight = -grad_c.sum(dim=1) / on_c.sum(dim=1)
    assert weight[margin.argmin()] > weight[margin.argmax()]
    # one gradient step on the log-probabilities raises every pair's margin
    step = dict(batch)
    step["policy_chosen"] = batch["policy_chosen"] - 10.0 * grad_c
    step["policy_rejected"] = batch["policy_rejected"] - 10.0 * grad_r
    new_loss, new_chosen, new_rejected = dpo_loss(**step)
    assert (new_chosen - new_rejected > margin).all() and new_loss < loss
