# --8<-- [start:signature]
import numpy as np


def lstm_cell(
    x: np.ndarray,
    h: np.ndarray,
    c: np.ndarray,
    W_ih: np.ndarray,
    W_hh: np.ndarray,
    b_ih: np.ndarray,
    b_hh: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """One LSTM step for a batch, with torch.nn.LSTM's weight layout.

    x (B, D); h, c (B, H); W_ih (4H, D), W_hh (4H, H), b_ih, b_hh (4H,): the four
    gates' rows stacked in the order input, forget, cell candidate, output (i, f, g, o).
        z = x @ W_ih.T + b_ih + h @ W_hh.T + b_hh, split into four (B, H) blocks
        i, f, o = sigmoid of their blocks; g = tanh of its block
        c_new = f * c + i * g;  h_new = o * tanh(c_new)
    Returns (h_new, c_new). The sigmoid must not overflow for large inputs.
    """
    raise NotImplementedError


def lstm_forward(
    xs: np.ndarray,
    h0: np.ndarray,
    c0: np.ndarray,
    W_ih: np.ndarray,
    W_hh: np.ndarray,
    b_ih: np.ndarray,
    b_hh: np.ndarray,
) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]:
    """Run lstm_cell over a sequence xs (T, B, D), time first as in torch.nn.LSTM,
    from the state (h0, c0), each (B, H). Returns (outputs, (h_T, c_T)), where
    outputs (T, B, H) stacks every step's h."""
    raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
import numpy as np


def sigmoid(z: np.ndarray) -> np.ndarray:
    # 1 / (1 + exp(-z)) overflows for z << 0; this identity never does
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def lstm_cell(
    x: np.ndarray,
    h: np.ndarray,
    c: np.ndarray,
    W_ih: np.ndarray,
    W_hh: np.ndarray,
    b_ih: np.ndarray,
    b_hh: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    z = x @ W_ih.T + b_ih + h @ W_hh.T + b_hh
    # torch's order: input, forget, cell candidate, output
    zi, zf, zg, zo = np.split(z, 4, axis=1)
    i, f, g, o = sigmoid(zi), sigmoid(zf), np.tanh(zg), sigmoid(zo)
    # additive update: along this path dc_new/dc = f, no weight matrix, no squashing
    c_new = f * c + i * g
    h_new = o * np.tanh(c_new)
    return h_new, c_new


def lstm_forward(
    xs: np.ndarray,
    h0: np.ndarray,
    c0: np.ndarray,
    W_ih: np.ndarray,
    W_hh: np.ndarray,
    b_ih: np.ndarray,
    b_hh: np.ndarray,
) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]:
    h, c = h0, c0
    outputs = []
    for x in xs:
        h, c = lstm_cell(x, h, c, W_ih, W_hh, b_ih, b_hh)
        outputs.append(h)
    return np.stack(outputs), (h, c)


# --8<-- [end:solution]


# --8<-- [start:tests]
import numpy as np
import pytest
import torch


def lstm_weights(module):
    """(W_ih, W_hh, b_ih, b_hh) of a torch LSTM or LSTMCell (one layer) as arrays."""
    return [p.detach().numpy() for p in module.parameters()]


def test_lstm_cell_worked_example():
    # one unit, every gate's input weight 1, no recurrent weights or biases
    W_ih, W_hh, b = np.ones((4, 1)), np.zeros((4, 1)), np.zeros(4)
    h, c = lstm_cell(
        np.ones((1, 1)), np.zeros((1, 1)), np.full((1, 1), 0.5), W_ih, W_hh, b, b
    )
    s, t = 1 / (1 + np.exp(-1.0)), np.tanh(1.0)
    # i = f = o = sigmoid(1), g = tanh(1)
    assert c[0, 0] == pytest.approx(s * 0.5 + s * t, rel=1e-12)
    assert h[0, 0] == pytest.approx(s * np.tanh(s * 0.5 + s * t), rel=1e-12)


def test_lstm_cell_matches_torch_lstm_cell():
    torch.manual_seed(0)
    cell = torch.nn.LSTMCell(5, 4).double()
    x, h, c = (torch.randn(3, n, dtype=torch.float64) for n in (5, 4, 4))
    ref_h, ref_c = cell(x, (h, c))
    mine = lstm_cell(x.numpy(), h.numpy(), c.numpy(), *lstm_weights(cell))
    np.testing.assert_allclose(mine[0], ref_h.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(mine[1], ref_c.detach().numpy(), rtol=1e-10, atol=1e-12)


def test_lstm_forward_matches_torch_lstm():
    torch.manual_seed(1)
    lstm = torch.nn.LSTM(5, 4).double()
    xs = torch.randn(7, 3, 5, dtype=torch.float64)
    h0, c0 = (torch.randn(1, 3, 4, dtype=torch.float64) for _ in range(2))
    ref_out, (ref_h, ref_c) = lstm(xs, (h0, c0))
    out, (h, c) = lstm_forward(
        xs.numpy(), h0[0].numpy(), c0[0].numpy(), *lstm_weights(lstm)
    )
    assert out.shape == (7, 3, 4)
    np.testing.assert_allclose(out, ref_out.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(h, ref_h[0].detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(c, ref_c[0].detach().numpy(), rtol=1e-10, atol=1e-12)


def test_lstm_open_forget_gate_carries_the_cell():
    # forget gate saturated open, input gate shut: the cell state passes unchanged,
    # which fails if the gate blocks are read in another order
    rng = np.random.default_rng(2)
    W_ih, W_hh = rng.normal(0, 0.3, (16, 3)), rng.normal(0, 0.3, (16, 4))
    b_ih = np.zeros(16)
    b_ih[:4], b_ih[4:8] = -50.0, 50.0
    c0 = rng.normal(size=(2, 4))
    xs = rng.normal(size=(20, 2, 3))
    _, (_, c) = lstm_forward(xs, np.zeros((2, 4)), c0, W_ih, W_hh, b_ih, np.zeros(16))
    np.testing.assert_allclose(c, c0, rtol=1e-12)


def test_lstm_large_inputs_do_not_overflow():
    rng = np.random.default_rng(3)
    W_ih, x = rng.normal(size=(8, 2)) * 1e4, np.ones((1, 2))
    zero_state, W_hh, b = np.zeros((1, 2)), np.zeros((8, 2)), np.zeros(8)
    # pre-activations of about +-1e4: exp(-z) overflows in a naive sigmoid
    with np.errstate(all="raise"):
        h, c = lstm_cell(x, zero_state, zero_state, W_ih, W_hh, b, b)
    assert np.all(np.isfinite(h)) and np.all(np.isfinite(c))


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_lstm_cell_worked_example,
    test_lstm_cell_matches_torch_lstm_cell,
    test_lstm_forward_matches_torch_lstm,
    test_lstm_open_forget_gate_carries_the_cell,
    test_lstm_large_inputs_do_not_overflow,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")
W_ih, W_hh, b = np.ones((4, 1)), np.zeros((4, 1)), np.zeros(4)
h, c = lstm_cell(
    np.ones((1, 1)), np.zeros((1, 1)), np.full((1, 1), 0.5), W_ih, W_hh, b, b
)
print(f"worked example: h = {h[0, 0]:.6f}, c = {c[0, 0]:.6f}")
# a float32 torch.nn.LSTM as it comes, its weights loaded unchanged
torch.manual_seed(0)
lstm = torch.nn.LSTM(8, 16)
xs = torch.randn(50, 4, 8)
ref, _ = lstm(xs)
out, _ = lstm_forward(
    xs.numpy(), np.zeros((4, 16)), np.zeros((4, 16)), *lstm_weights(lstm)
)
gap = np.abs(out - ref.detach().numpy()).max()
print("torch.nn.LSTM, float32, 50 steps: largest gap below 1e-6:", gap < 1e-6)


def state_jacobian(final_state, n, *args, eps=1e-5):
    """d final_state(s0, *args) / d s0 at s0 = 0, (n, n), by central differences."""
    J = np.zeros((n, n))
    for j in range(n):
        e = np.zeros((1, n))
        e[0, j] = eps
        J[:, j] = (final_state(e, *args) - final_state(-e, *args))[0] / (2 * eps)
    return J


# how much of the state at step 0 still reaches step 20, at torch's default init
torch.manual_seed(0)
T, H = 20, 16
xs = np.random.default_rng(0).normal(size=(T, 1, 8))
lstm_w = [w.astype(np.float64) for w in lstm_weights(torch.nn.LSTM(8, H))]
rnn_w = [w.astype(np.float64) for w in lstm_weights(torch.nn.RNN(8, H))]


def lstm_final_cell(c0, forget_bias):
    W_ih, W_hh, b_ih, b_hh = lstm_w
    # the forget gate is rows H:2H; torch adds b_ih and b_hh: set one, zero the other
    b_ih, b_hh = b_ih.copy(), b_hh.copy()
    b_ih[H : 2 * H], b_hh[H : 2 * H] = forget_bias, 0.0
    return lstm_forward(xs, np.zeros((1, H)), c0, W_ih, W_hh, b_ih, b_hh)[1][1]


def rnn_final_state(h):
    W_ih, W_hh, b_ih, b_hh = rnn_w
    for x in xs:
        h = np.tanh(x @ W_ih.T + b_ih + h @ W_hh.T + b_hh)
    return h


print(f"Jacobian of the state at step {T} w.r.t. step 0, {H} units:")
print("                      sigmoid(b_f)^20  mean |diagonal|  largest singular value")
for bias in [0, 1, 3]:
    J = state_jacobian(lstm_final_cell, H, bias)
    direct = f"{(1 / (1 + np.exp(-bias))) ** T:.1e}"
    diagonal, largest = np.abs(np.diag(J)).mean(), np.linalg.norm(J, 2)
    print(f"LSTM, forget bias {bias}  {direct:>15}  {diagonal:15.1e}  {largest:22.1e}")
J = state_jacobian(rnn_final_state, H)
diagonal, largest = np.abs(np.diag(J)).mean(), np.linalg.norm(J, 2)
print(f"tanh RNN              {'-':>15}  {diagonal:15.1e}  {largest:22.1e}")
# --8<-- [end:check]
