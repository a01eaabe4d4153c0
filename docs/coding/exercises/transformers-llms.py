"""The ML coding round: Transformers and language models. Practice file with 16 exercises.

Each exercise is a function (or class) that raises NotImplementedError, followed by the
tests it must pass. Fill in the functions, then run:

    pip install numpy scikit-learn torch pytest
    pytest transformers-llms.py                 # every exercise
    pytest transformers-llms.py -k <function>   # one exercise, e.g. -k causal_mask

Hints and reference solutions: the handbook answer named above each exercise (a path
from the handbook's home page).
Generated from the handbook's snippets by handbook/exercises.py; edit those, not this.
"""

import functools
import itertools
import math
import re
from collections.abc import Callable
from pydoc_data.topics import topics

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from sklearn.feature_extraction.text import TfidfVectorizer
from torch import nn


# --------------------------------------------------------------------------------------
# 1. How do you implement scaled dot-product attention with causal and padding masks?
# Handbook: coding/transformers-llms/#attention-with-masks
# --------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------
# 2. How do you write a multi-head attention module in PyTorch?
# Handbook: coding/transformers-llms/#multi-head-attention-module
# --------------------------------------------------------------------------------------


class MultiHeadAttention(nn.Module):
    """Multi-head self-attention as in Vaswani et al. (2017), batch first.

    __init__ creates four nn.Linear(d_model, d_model) layers with biases, named q_proj,
    k_proj, v_proj and out_proj; d_model must be divisible by n_heads.
    forward(x, mask) takes x (B, L, d_model) and an optional boolean mask broadcastable
    to (B, n_heads, L, L), True where attention is allowed, and returns (B, L, d_model).
    """

    def __init__(self, d_model: int, n_heads: int):
        super().__init__()
        raise NotImplementedError

    def forward(
        self, x: torch.Tensor, mask: torch.Tensor | None = None
    ) -> torch.Tensor:
        raise NotImplementedError


def reference_mha(ours, d_model, n_heads):
    ref = nn.MultiheadAttention(d_model, n_heads, batch_first=True).double()
    with torch.no_grad():
        ref.in_proj_weight.copy_(
            torch.cat([ours.q_proj.weight, ours.k_proj.weight, ours.v_proj.weight])
        )
        ref.in_proj_bias.copy_(
            torch.cat([ours.q_proj.bias, ours.k_proj.bias, ours.v_proj.bias])
        )
        ref.out_proj.weight.copy_(ours.out_proj.weight)
        ref.out_proj.bias.copy_(ours.out_proj.bias)
    return ref


def test_multi_head_attention_worked_example():
    torch.manual_seed(0)
    mha = MultiHeadAttention(d_model=8, n_heads=2).double()
    x = torch.randn(3, 5, 8, dtype=torch.float64)
    assert mha(x).shape == (3, 5, 8)
    assert sum(p.numel() for p in mha.parameters()) == 4 * (8 * 8 + 8)
    with pytest.raises((AssertionError, ValueError)):
        MultiHeadAttention(d_model=10, n_heads=3)


def test_multi_head_attention_matches_nn_multiheadattention():
    torch.manual_seed(1)
    ours = MultiHeadAttention(16, 4).double()
    ref = reference_mha(ours, 16, 4)
    x = torch.randn(2, 6, 16, dtype=torch.float64)
    expected, _ = ref(x, x, x, need_weights=False)
    torch.testing.assert_close(ours(x), expected)


def test_multi_head_attention_causal_mask_matches_and_blocks_the_future():
    torch.manual_seed(2)
    ours = MultiHeadAttention(16, 4).double()
    ref = reference_mha(ours, 16, 4)
    x = torch.randn(2, 6, 16, dtype=torch.float64)
    allowed = torch.tril(torch.ones(6, 6, dtype=torch.bool))
    # nn.MultiheadAttention's boolean mask means the opposite: True = not allowed
    expected, _ = ref(x, x, x, attn_mask=~allowed, need_weights=False)
    out = ours(x, allowed)
    torch.testing.assert_close(out, expected)
    changed = x.clone()
    changed[:, 4:] += 1.0  # edit the last two tokens
    torch.testing.assert_close(ours(changed, allowed)[:, :4], out[:, :4])


# --------------------------------------------------------------------------------------
# 3. How do you implement a Transformer decoder block from scratch?
# Handbook: coding/transformers-llms/#transformer-block-from-scratch
# --------------------------------------------------------------------------------------


class TransformerBlock(nn.Module):
    """Pre-norm Transformer decoder block (GPT-2 style), batch first, no dropout.

    __init__ creates ln1, ln2 = nn.LayerNorm(d_model); q_proj, k_proj, v_proj, out_proj
    = nn.Linear(d_model, d_model) with biases; ff1 = nn.Linear(d_model, d_ff) and
    ff2 = nn.Linear(d_ff, d_model). d_model must be divisible by n_heads.
    attention(x): causal multi-head self-attention, position i attends to j <= i.
    feed_forward(x): ff2(gelu(ff1(x))), with the exact (erf) GELU.
    forward(x): h = x + attention(ln1(x)); return h + feed_forward(ln2(h)).
    All three take and return (B, L, d_model).
    """

    def __init__(self, d_model: int, n_heads: int, d_ff: int):
        super().__init__()
        raise NotImplementedError

    def attention(self, x: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def feed_forward(self, x: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError


def block_parameter_formula(d, d_ff):
    attention = 4 * d * d + 4 * d
    ffn = 2 * d * d_ff + d_ff + d
    layer_norms = 4 * d
    return attention, ffn, layer_norms


def encoder_layer_like(block, d_model, n_heads, d_ff):
    """nn.TransformerEncoderLayer (pre-norm, GELU, no dropout) with block's weights."""
    ref = nn.TransformerEncoderLayer(
        d_model,
        n_heads,
        d_ff,
        dropout=0.0,
        activation="gelu",
        batch_first=True,
        norm_first=True,
    ).double()
    attn = ref.self_attn
    with torch.no_grad():
        attn.in_proj_weight.copy_(
            torch.cat([block.q_proj.weight, block.k_proj.weight, block.v_proj.weight])
        )
        attn.in_proj_bias.copy_(
            torch.cat([block.q_proj.bias, block.k_proj.bias, block.v_proj.bias])
        )
        pairs = [
            (attn.out_proj, block.out_proj),
            (ref.linear1, block.ff1),
            (ref.linear2, block.ff2),
            (ref.norm1, block.ln1),
            (ref.norm2, block.ln2),
        ]
        for theirs, ours in pairs:
            theirs.weight.copy_(ours.weight)
            theirs.bias.copy_(ours.bias)
    return ref.eval()


def test_transformer_block_worked_example():
    torch.manual_seed(0)
    block = TransformerBlock(d_model=16, n_heads=4, d_ff=64)
    assert block(torch.randn(1, 5, 16)).shape == (1, 5, 16)
    assert block(torch.randn(3, 5, 16)).shape == (3, 5, 16)
    assert sum(p.numel() for p in block.parameters()) == 3280
    with pytest.raises((AssertionError, ValueError)):
        TransformerBlock(d_model=10, n_heads=3, d_ff=40)


def test_transformer_block_matches_torch_encoder_layer_with_causal_mask():
    torch.manual_seed(1)
    for batch in (1, 4):
        block = TransformerBlock(24, 4, 96).double()
        ref = encoder_layer_like(block, 24, 4, 96)
        x = torch.randn(batch, 9, 24, dtype=torch.float64)
        mask = nn.Transformer.generate_square_subsequent_mask(9, dtype=torch.float64)
        with torch.no_grad():
            expected = ref(x, src_mask=mask, is_causal=True)
            attn, _ = ref.self_attn(x, x, x, attn_mask=mask, need_weights=False)
            ffn = ref.linear2(nn.functional.gelu(ref.linear1(x)))
            torch.testing.assert_close(block(x), expected, atol=1e-6, rtol=1e-6)
            torch.testing.assert_close(block.attention(x), attn, atol=1e-6, rtol=1e-6)
            torch.testing.assert_close(block.feed_forward(x), ffn, atol=1e-6, rtol=1e-6)


def test_transformer_block_is_causal():
    torch.manual_seed(2)
    block = TransformerBlock(16, 2, 32).double()
    x = torch.randn(2, 8, 16, dtype=torch.float64)
    out = block(x)
    for t in range(7):
        changed = x.clone()
        changed[:, t + 1] += torch.randn(2, 16, dtype=torch.float64)
        new = block(changed)
        # positions 0..t never see token t + 1; position t + 1 does
        torch.testing.assert_close(new[:, : t + 1], out[:, : t + 1])
        assert not torch.allclose(new[:, t + 1], out[:, t + 1])


def test_transformer_block_parameter_count():
    for d, heads, d_ff in [(16, 4, 64), (24, 3, 40), (32, 8, 128)]:
        block = TransformerBlock(d, heads, d_ff)
        attention, ffn, layer_norms = block_parameter_formula(d, d_ff)
        counts = {}
        for name, p in block.named_parameters():
            part = name.split(".")[0]
            counts[part] = counts.get(part, 0) + p.numel()
        assert sum(counts[m] for m in ("q_proj", "k_proj", "v_proj", "out_proj")) == (
            attention
        )
        assert counts["ff1"] + counts["ff2"] == ffn
        assert counts["ln1"] + counts["ln2"] == layer_norms
        total = sum(p.numel() for p in block.parameters())
        assert total == attention + ffn + layer_norms
        ref = nn.TransformerEncoderLayer(d, heads, d_ff, batch_first=True)
        assert total == sum(p.numel() for p in ref.parameters())


# --------------------------------------------------------------------------------------
# 4. How do you compute sinusoidal position encodings?
# Handbook: coding/transformers-llms/#sinusoidal-positions
# --------------------------------------------------------------------------------------


def sinusoidal_positions(n_positions: int, d_model: int) -> np.ndarray:
    """The sinusoidal position encodings of Vaswani et al. (2017),
    (n_positions, d_model), d_model even: PE[p, 2i] = sin(p / 10000^(2i / d_model))
    and PE[p, 2i + 1] = cos(p / 10000^(2i / d_model))."""
    raise NotImplementedError


def test_sinusoidal_positions_worked_example():
    pe = sinusoidal_positions(3, 4)
    expected = [
        [0.0, 1.0, 0.0, 1.0],
        [np.sin(1), np.cos(1), np.sin(0.01), np.cos(0.01)],
        [np.sin(2), np.cos(2), np.sin(0.02), np.cos(0.02)],
    ]
    np.testing.assert_allclose(pe, expected, atol=1e-12)


def test_sinusoidal_positions_shift_is_a_rotation_of_each_pair():
    # PE[p + k] is PE[p] rotated pair by pair by an angle that depends on k only:
    # what lets attention read relative positions from a linear map
    d, k = 16, 7
    pe = sinusoidal_positions(50, d)
    freqs = 10000.0 ** (-np.arange(0, d, 2) / d)
    for i, w in enumerate(freqs):
        c, s = np.cos(k * w), np.sin(k * w)
        rotation = np.array([[c, -s], [s, c]])  # acts on (sin, cos) as a row vector
        pair = pe[:, 2 * i : 2 * i + 2]
        np.testing.assert_allclose(pair[:-k] @ rotation, pair[k:], atol=1e-10)


def test_sinusoidal_positions_shape_and_range():
    pe = sinusoidal_positions(1000, 64)
    assert pe.shape == (1000, 64)
    assert np.abs(pe).max() <= 1.0
    assert len(np.unique(pe.round(6), axis=0)) == 1000  # every position distinct


# --------------------------------------------------------------------------------------
# 5. How do you apply rotary position embeddings (RoPE)?
# Handbook: coding/transformers-llms/#rope-rotation
# --------------------------------------------------------------------------------------


def apply_rope(
    x: np.ndarray, positions: np.ndarray, base: float = 10000.0
) -> np.ndarray:
    """Rotary position embedding (Su et al., 2021) of queries or keys x (..., L, d),
    d even, with positions (L,). Each pair (x[2i], x[2i + 1]) of a vector at position
    p is rotated by the angle p * theta_i, theta_i = base^(-2i / d):
    (a, b) -> (a cos - b sin, a sin + b cos)."""
    raise NotImplementedError


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


# --------------------------------------------------------------------------------------
# 6. How do you train and apply a byte-pair-encoding tokenizer?
# Handbook: coding/transformers-llms/#bpe-train-encode
# --------------------------------------------------------------------------------------


def bpe_train(word_counts: dict[str, int], num_merges: int) -> list[tuple[str, str]]:
    """Learn byte-pair-encoding merges (Sennrich et al., 2016) from word frequencies.

    Each word starts as its characters followed by the end-of-word symbol "</w>". Each
    step counts adjacent symbol pairs over all words, weighted by word frequency, merges
    the most frequent pair everywhere, and records it. Ties go to the pair first seen
    when scanning the words in the dict's order, each from left to right. Stops early
    when no pair is left. Returns the merges in the order learned.
    """
    raise NotImplementedError


def bpe_encode(word: str, merges: list[tuple[str, str]]) -> list[str]:
    """Segment one word with learned merges: start from characters + "</w>" and
    repeatedly apply, among the adjacent pairs present, the one learned earliest, until
    none applies."""
    raise NotImplementedError


SENNRICH = {"low": 5, "lower": 2, "newest": 6, "widest": 3}


def test_bpe_worked_example():
    merges = bpe_train(SENNRICH, 10)
    assert merges == [
        ("e", "s"),
        ("es", "t"),
        ("est", "</w>"),
        ("l", "o"),
        ("lo", "w"),
        ("n", "e"),
        ("ne", "w"),
        ("new", "est</w>"),
        ("low", "</w>"),
        ("w", "i"),
    ]
    assert bpe_encode("lowest", merges) == ["low", "est</w>"]
    assert bpe_encode("lower", merges) == ["low", "e", "r", "</w>"]


def test_bpe_encode_reproduces_the_training_segmentation():
    corpus = {"hug": 10, "pug": 5, "pun": 12, "bun": 4, "hugs": 5}
    merges = bpe_train(corpus, 6)
    assert bpe_encode("hug", merges) == ["hug</w>"]
    assert bpe_encode("bun", merges) == ["b", "un</w>"]
    # an unseen word still encodes, falling back to smaller pieces
    assert "".join(bpe_encode("bugs", merges)) == "bugs</w>"


def test_bpe_train_stops_when_everything_is_merged():
    merges = bpe_train({"ab": 3}, 10)
    assert merges == [("a", "b"), ("ab", "</w>")]
    assert bpe_encode("ab", merges) == ["ab</w>"]


# --------------------------------------------------------------------------------------
# 7. How do you compute TF-IDF vectors from scratch?
# Handbook: coding/transformers-llms/#tf-idf-vectors
# --------------------------------------------------------------------------------------


def tfidf(docs: list[list[str]]) -> tuple[np.ndarray, list[str]]:
    """TF-IDF vectors of tokenised documents with scikit-learn's default weighting:
    tf = raw count of the term in the document; idf = ln((1 + n) / (1 + df)) + 1, where
    n is the number of documents and df the number containing the term; each row scaled
    to unit L2 norm. Returns (matrix (n_docs, n_terms), vocabulary sorted
    alphabetically)."""
    raise NotImplementedError


def test_tfidf_worked_example():
    X, vocab = tfidf([["a", "b", "a"], ["b", "c"]])
    assert vocab == ["a", "b", "c"]
    idf_a = np.log(3 / 2) + 1  # "a" is in one of two documents; "b" in both: idf 1
    row0 = np.array([2 * idf_a, 1.0, 0.0])
    np.testing.assert_allclose(X[0], row0 / np.linalg.norm(row0))
    np.testing.assert_allclose(X[1], [0.0, 0.57973867, 0.81480247], atol=1e-8)


def test_tfidf_matches_sklearn():
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(30)]
    docs = [list(rng.choice(words, size=rng.integers(1, 20))) for _ in range(25)]
    X, vocab = tfidf(docs)
    vectorizer = TfidfVectorizer(analyzer=lambda doc: doc)
    expected = vectorizer.fit_transform(docs).toarray()
    assert vocab == list(vectorizer.get_feature_names_out())
    np.testing.assert_allclose(X, expected, atol=1e-12)


# --------------------------------------------------------------------------------------
# 8. Implement word2vec skip-gram with negative sampling.
# Handbook: coding/transformers-llms/#word2vec-skipgram-negative-sampling
# --------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------
# 9. How do you build a bigram language model with smoothing and compute perplexity?
# Handbook: coding/transformers-llms/#bigram-language-model
# --------------------------------------------------------------------------------------


class BigramLM:
    """A bigram language model with add-k smoothing.

    Each training sentence is read as <s> w1 ... wn </s>. The vocabulary V is every
    training word plus "</s>" and "<unk>" ("<s>" is never predicted, so it is not in V);
    at test time, words outside V are read as "<unk>".
    prob(word, prev) = (c(prev, word) + k) / (c(prev) + k * |V|), where c(prev, word)
    counts the bigram and c(prev) counts prev followed by anything.
    perplexity(sentences) = exp(-mean log prob) over every predicted token, each "</s>"
    included.
    """

    def __init__(self, sentences: list[list[str]], k: float = 1.0):
        raise NotImplementedError

    def prob(self, word: str, prev: str) -> float:
        raise NotImplementedError

    def perplexity(self, sentences: list[list[str]]) -> float:
        raise NotImplementedError


TRAIN = [["the", "cat", "sat"], ["the", "dog", "sat"]]


def test_bigram_worked_example():
    lm = BigramLM(TRAIN, k=1.0)  # |V| = 6: the cat dog sat </s> <unk>
    assert lm.prob("the", "<s>") == pytest.approx(3 / 8)
    assert lm.prob("cat", "the") == pytest.approx(2 / 8)
    assert lm.prob("dog", "cat") == pytest.approx(1 / 7)
    expected = (3 / 8 * 2 / 8 * 2 / 7 * 3 / 8) ** (-1 / 4)
    assert lm.perplexity([["the", "cat", "sat"]]) == pytest.approx(expected)


def test_bigram_probabilities_sum_to_one_in_every_context():
    lm = BigramLM(TRAIN + [["a", "cat", "ran", "off"]], k=0.5)
    for prev in ["<s>", "the", "cat", "off", "<unk>", "never-seen"]:
        total = sum(lm.prob(w, prev) for w in lm.vocab)
        assert total == pytest.approx(1.0)


def test_bigram_unknown_words_map_to_unk():
    lm = BigramLM(TRAIN, k=1.0)
    assert lm.prob("zebra", "the") == lm.prob("<unk>", "the")
    assert math.isfinite(lm.perplexity([["a", "zebra", "sat"]]))


def test_bigram_less_smoothing_fits_training_data_better():
    sharp, smooth = BigramLM(TRAIN, k=0.01), BigramLM(TRAIN, k=1.0)
    assert sharp.perplexity(TRAIN) < smooth.perplexity(TRAIN)


# --------------------------------------------------------------------------------------
# 10. How do you implement beam search?
# Handbook: coding/transformers-llms/#beam-search
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
# 11. How do you implement temperature, top-k and top-p (nucleus) sampling?
# Handbook: coding/transformers-llms/#top-k-top-p-sampling
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
# 12. How do you add a KV cache to a toy decoder?
# Handbook: coding/transformers-llms/#kv-cache-decoder
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
# 13. Implement speculative sampling: draft with a small model, verify with the large one.
# Handbook: coding/transformers-llms/#speculative-sampling
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
# 14. Implement a noisy-channel spelling corrector.
# Handbook: coding/transformers-llms/#noisy-channel-spelling
# --------------------------------------------------------------------------------------


def edits1(word: str) -> set[str]:
    """Every string one edit from word over the letters a-z: a deletion, a swap of two
    adjacent letters, a replacement or an insertion (word itself may be included)."""
    raise NotImplementedError


class SpellCorrector:
    """A noisy-channel corrector: correct(word) = argmax_c P(c) * P(word | c).

    Built from a list of lowercase tokens. Candidates c are known words (tokens) at most
    two edits from word, word itself included if known. Error model: P(word | c) =
    p_edit ** d for the fewest edits d (0, 1 or 2) found by applying edits1 once or
    twice. Prior: the unigram frequency P(c) = count(c) / len(tokens); given prev (a
    word seen in training), the interpolated bigram
    lam * count(prev, c) / count(prev) + (1 - lam) * P(c).
    Ties go to the alphabetically first candidate; with no candidate, return word.
    """

    def __init__(self, tokens: list[str], p_edit: float = 1e-3, lam: float = 0.5):
        raise NotImplementedError

    def candidates(self, word: str) -> dict[str, int]:
        """Known words within two edits of word, each with its edit count d."""
        raise NotImplementedError

    def correct(self, word: str, prev: str | None = None) -> str:
        raise NotImplementedError


TOY = [
    "the",
    "cat",
    "sat",
    "on",
    "the",
    "mat",
    "the",
    "cat",
    "ate",
    "the",
    "hat",
    "a",
    "hat",
    "fell",
    "the",
    "cat",
]


@functools.cache
def pydoc_tokens() -> tuple[str, ...]:
    # The Python documentation that ships with Python: fixed for a given version
    text = "\n".join(topics[key] for key in sorted(topics))
    return tuple(re.findall(r"[a-z]+", text.lower()))


def osa_distance(a: str, b: str) -> int:
    # Edit distance with adjacent swaps (optimal string alignment), for the test
    d = [
        [i + j if i * j == 0 else 0 for j in range(len(b) + 1)]
        for i in range(len(a) + 1)
    ]
    for i, j in itertools.product(range(1, len(a) + 1), range(1, len(b) + 1)):
        d[i][j] = min(
            d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1])
        )
        if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
            d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


def test_spelling_worked_example():
    sc = SpellCorrector(TOY)
    near = {"cat": 1, "hat": 1, "mat": 1, "sat": 1, "a": 2, "ate": 2}
    assert sc.candidates("xat") == near
    assert sc.candidates("hte") == {"ate": 1, "the": 1, "hat": 2}
    assert sc.correct("xat") == "cat"
    assert sc.correct("xat", prev="a") == "hat"
    assert sc.correct("cat") == "cat"
    assert sc.correct("qqqqq") == "qqqqq"


def test_edits1_is_every_string_at_distance_one():
    alphabet = "abcdefghijklmnopqrstuvwxyz"
    for word in ["ab", "aa"]:
        brute = {
            "".join(chars)
            for n in range(1, len(word) + 2)
            for chars in itertools.product(alphabet, repeat=n)
            if osa_distance("".join(chars), word) == 1
        }
        assert edits1(word) - {word} == brute


def test_spelling_on_the_python_docs():
    sc = SpellCorrector(list(pydoc_tokens()))
    assert sc.correct("fucntion") == "function"
    assert sc.correct("retunred") == "returned"
    assert sc.candidates("retunred")["returned"] == 1
    assert sc.candidates("fucntoin")["function"] == 2
    assert sc.correct("wich") == "with"
    assert sc.correct("wich", prev="in") == "which"
    assert sc.correct("lock", prev="code") == "block"


# --------------------------------------------------------------------------------------
# 15. Implement a LoRA linear layer and merge it for inference.
# Handbook: coding/transformers-llms/#lora-linear-layer
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
# 16. Implement the DPO loss from per-token log-probabilities.
# Handbook: coding/transformers-llms/#dpo-loss
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
