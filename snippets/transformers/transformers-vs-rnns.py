# --8<-- [start:tensorflow]
import numpy as np
import tensorflow as tf  # the common version uses tf without importing it
import torch


# The common version, verbatim apart from the import above.
def self_attention(query, key, value):
    scores = tf.matmul(query, key, transpose_b=True)
    scaled_scores = scores / tf.math.sqrt(tf.cast(tf.shape(key)[-1], tf.float32))
    weights = tf.nn.softmax(scaled_scores, axis=-1)
    return tf.matmul(weights, value)


# Corrected: the scale follows the input dtype; optional mask (True = may attend).
def scaled_dot_product_attention_tf(query, key, value, mask=None):
    scores = tf.matmul(query, key, transpose_b=True)
    d_k = tf.cast(tf.shape(key)[-1], scores.dtype)
    scores = scores / tf.math.sqrt(d_k)
    if mask is not None:
        scores = tf.where(mask, scores, tf.constant(-np.inf, dtype=scores.dtype))
    weights = tf.nn.softmax(scores, axis=-1)
    return tf.matmul(weights, value)


rng = np.random.default_rng(0)
x = rng.normal(size=(2, 6, 16))  # batch, tokens, width; NumPy's default is float64
W_q, W_k, W_v = rng.normal(size=(3, 16, 8)) / 4
q, k, v = x @ W_q, x @ W_k, x @ W_v  # self-attention: Q, K, V from the SAME sequence

try:
    self_attention(q, k, v)
except TypeError as err:
    print(f"as written, on float64 input: TypeError ({str(err).split(',')[0]})")

sdpa = torch.nn.functional.scaled_dot_product_attention
for dtype in (np.float32, np.float64):
    qd, kd, vd = (a.astype(dtype) for a in (q, k, v))
    ref = sdpa(*map(torch.from_numpy, (qd, kd, vd)))
    out = scaled_dot_product_attention_tf(qd, kd, vd).numpy()
    same = np.allclose(out, ref, atol=1e-5)
    print(f"corrected TF attention, {np.dtype(dtype).name}, matches torch SDPA: {same}")
causal = np.tril(np.ones((6, 6), dtype=bool))
ref = sdpa(*map(torch.from_numpy, (q, k, v)), is_causal=True)
out = scaled_dot_product_attention_tf(q, k, v, mask=causal).numpy()
print(f"with a causal mask, matches SDPA(is_causal=True): {np.allclose(out, ref)}")
# --8<-- [end:tensorflow]

# --8<-- [start:numpy]
import numpy as np
import torch


def softmax(z, axis=-1):
    z = z - z.max(axis=axis, keepdims=True)  # subtract the row max: exp never overflows
    e = np.exp(z)
    return e / e.sum(axis=axis, keepdims=True)


def attention(q, k, v, mask=None):
    """softmax(q k^T / sqrt(d_k)) v; mask is boolean, True = may attend."""
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(k.shape[-1])
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    weights = softmax(scores)
    return weights @ v, weights


rng = np.random.default_rng(0)
x = rng.normal(size=(2, 6, 16))
W_q, W_k, W_v = rng.normal(size=(3, 16, 8)) / 4
q, k, v = x @ W_q, x @ W_k, x @ W_v

out, weights = attention(q, k, v)
ref = torch.nn.functional.scaled_dot_product_attention(
    *map(torch.from_numpy, (q, k, v))
)
print(f"output {out.shape}, weights {weights.shape}")
print(f"each row of weights sums to 1: {np.allclose(weights.sum(-1), 1)}")
print(f"NumPy attention matches torch SDPA: {np.allclose(out, ref.numpy())}")
# --8<-- [end:numpy]

# --8<-- [start:pytorch]
import math

import numpy as np
import torch
import torch.nn.functional as F


class SelfAttention(torch.nn.Module):
    """One head of self-attention with its own projections."""

    def __init__(self, d_model, d_k):
        super().__init__()
        self.q = torch.nn.Linear(d_model, d_k, bias=False)
        self.k = torch.nn.Linear(d_model, d_k, bias=False)
        self.v = torch.nn.Linear(d_model, d_k, bias=False)

    def forward(self, x):
        q, k, v = self.q(x), self.k(x), self.v(x)
        scores = q @ k.transpose(-2, -1) / math.sqrt(k.shape[-1])
        return torch.softmax(scores, dim=-1) @ v


rng = np.random.default_rng(0)
x = rng.normal(size=(2, 6, 16))
W_q, W_k, W_v = rng.normal(size=(3, 16, 8)) / 4

layer = SelfAttention(16, 8).double()
with torch.no_grad():  # nn.Linear stores W^T: copy the same weights the other tabs use
    for lin, W in ((layer.q, W_q), (layer.k, W_k), (layer.v, W_v)):
        lin.weight.copy_(torch.from_numpy(W.T))
    xt = torch.from_numpy(x)
    out = layer(xt)
    ref = F.scaled_dot_product_attention(layer.q(xt), layer.k(xt), layer.v(xt))
print(f"PyTorch module matches torch SDPA: {torch.allclose(out, ref)}")
# --8<-- [end:pytorch]

# --8<-- [start:parallel]
import sys
import time

import torch

threads = torch.get_num_threads()
torch.set_num_threads(1)  # one core: repeatable, and no spare parallel units to use
torch.manual_seed(0)
L, d = 512, 64
x = torch.randn(1, L, d)
cell = torch.nn.LSTMCell(d, d)
lstm = torch.nn.LSTM(d, d, batch_first=True)  # fused: the recurrence in one C++ loop
attn = torch.nn.MultiheadAttention(d, num_heads=4, batch_first=True)


def lstm_loop():  # h_t needs h_{t-1}: L steps one after another, each a separate call
    h = c = torch.zeros(1, d)
    for t in range(L):
        h, c = cell(x[:, t], (h, c))
    return h


def best_time(fn, calls, rounds=7):
    """Per-call time, best of several rounds: interference from other processes only
    ever adds time, so the fastest round is the most repeatable estimate."""
    fn()  # warm-up
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        times.append((time.perf_counter() - start) / calls)
    return min(times)


with torch.inference_mode():
    t_loop = best_time(lstm_loop, calls=1)
    t_fused = best_time(lambda: lstm(x), calls=10)
    t_attn = best_time(lambda: attn(x, x, x, need_weights=False), calls=10)
torch.set_num_threads(threads)
loop_ratio, fused_ratio = t_loop / t_attn, t_fused / t_attn

step = 4 * 2 * d * d  # one LSTM step: 4 gates, each with an input and a hidden matrix
attn_work = L * 4 * d * d + 2 * L * L * d  # 4 projections, then QK^T and weights @ V
print(f"sequential steps over {L} tokens: LSTM {L}, self-attention 1")
print(f"multiply-adds: LSTM {L * step / 1e6:.1f}M, attention {attn_work / 1e6:.1f}M")
print(f"per sequential step: LSTM {step / 1e3:.0f}K, attention {attn_work / 1e6:.1f}M")
print(f"LSTM step loop at least 3x slower than attention: {loop_ratio >= 3}")
print(f"fused nn.LSTM no slower than attention on one core: {fused_ratio <= 1}")
print(
    f"loop/attention {loop_ratio:.1f}x, fused/attention {fused_ratio:.2f}x",
    file=sys.stderr,
)
# --8<-- [end:parallel]

# --8<-- [start:gradient]
import torch

torch.manual_seed(0)
L, d = 64, 32
x = torch.randn(1, L, d, requires_grad=True)
lstm = torch.nn.LSTM(d, d, batch_first=True)
attn = torch.nn.MultiheadAttention(d, num_heads=4, batch_first=True)


def input_gradient_norms(last_output):
    """|| d(last output) / d x_t || for every input position t."""
    (grad,) = torch.autograd.grad(last_output.sum(), x)
    return grad[0].norm(dim=-1)


g_lstm = input_gradient_norms(lstm(x)[0][:, -1])
g_attn = input_gradient_norms(attn(x, x, x)[0][:, -1])
print("distance  LSTM grad   attention grad")
for dist in (1, 4, 16, 32, 63):
    t = L - 1 - dist
    print(f"{dist:>8}  {g_lstm[t]:.1e}    {g_attn[t]:.1e}")
# --8<-- [end:gradient]

# --8<-- [start:recall]
import torch
import torch.nn.functional as F

threads = torch.get_num_threads()
torch.set_num_threads(1)
T, V, d = 16, 8, 64  # 16 tokens from 8 symbols, then "which token was at position p?"


def make_batch(n, gen, query_first=False):
    tokens = torch.randint(0, V, (n, T), generator=gen)
    pos = torch.randint(0, T, (n,), generator=gen)
    query = V + pos  # query token ids V .. V+T-1 name the position asked about
    parts = [query[:, None], tokens] if query_first else [tokens, query[:, None]]
    inputs = torch.cat(parts, dim=1)
    answer = tokens[torch.arange(n), pos]
    distance = T - pos  # from the query back to the answer
    return inputs, answer, distance


class LSTMReader(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = torch.nn.Embedding(V + T, d)
        self.rnn = torch.nn.LSTM(d, d, batch_first=True)
        self.out = torch.nn.Linear(d, V)

    def forward(self, x):
        return self.out(self.rnn(self.emb(x))[0][:, -1])


class AttentionReader(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = torch.nn.Embedding(V + T, d)
        self.pos = torch.nn.Embedding(T + 1, d)  # learned absolute positions
        self.block = torch.nn.TransformerEncoderLayer(
            d, 4, 2 * d, dropout=0.0, batch_first=True, norm_first=True
        )
        self.out = torch.nn.Linear(d, V)

    def forward(self, x):
        h = self.block(self.emb(x) + self.pos.weight[: x.shape[1]])
        return self.out(h[:, -1])


print(f"chance accuracy: {1 / V:.3f}")
print(f"{'distance to the answer:':<39}" + "  ".join(["1-4 ", "5-8 ", "9-12", "13-16"]))
runs = [  # (model, question first?, steps of 64 sequences)
    (LSTMReader, False, 200),
    (AttentionReader, False, 200),
    (LSTMReader, False, 600),
    (LSTMReader, True, 600),
]
for Model, query_first, steps in runs:
    x_test, y_test, dist_test = make_batch(
        4000, torch.Generator().manual_seed(1), query_first
    )
    torch.manual_seed(0)
    model = Model()
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    gen = torch.Generator().manual_seed(2)
    for _ in range(steps):
        x, y, _ = make_batch(64, gen, query_first)
        loss = F.cross_entropy(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        correct = (model(x_test).argmax(-1) == y_test).float()
    buckets = [(dist_test > a) & (dist_test <= a + 4) for a in (0, 4, 8, 12)]
    accs = "  ".join(f"{correct[b].mean():.2f}" for b in buckets)
    n_params = sum(p.numel() for p in model.parameters())
    where = "first" if query_first else "last"
    label = f"{Model.__name__} ({n_params // 1000}K), {where}, {steps}"
    print(f"{label:<39}{accs}")
torch.set_num_threads(threads)
# --8<-- [end:recall]
