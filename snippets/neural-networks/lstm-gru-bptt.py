# --8<-- [start:cells]
import torch
from torch import nn

torch.manual_seed(0)
d_in, d_h, T = 4, 8, 6
x = torch.randn(T, 1, d_in)  # (time, batch, features)


def lstm_scratch(x, W_ih, W_hh, b_ih, b_hh):
    """PyTorch's gate order in the stacked weights: input, forget, cell (g), output."""
    h = c = torch.zeros(1, d_h)
    out = []
    for x_t in x:
        z = x_t @ W_ih.T + b_ih + h @ W_hh.T + b_hh
        i, f, g, o = z.chunk(4, dim=1)
        i, f, g, o = i.sigmoid(), f.sigmoid(), g.tanh(), o.sigmoid()
        c = f * c + i * g  # additive cell update: the gradient path through time
        h = o * c.tanh()
        out.append(h)
    return torch.stack(out)


def gru_scratch(x, W_ih, W_hh, b_ih, b_hh):
    """PyTorch's order: reset, update (z), new. h = (1 - z) * n + z * h_prev."""
    h = torch.zeros(1, d_h)
    out = []
    for x_t in x:
        gi, gh = x_t @ W_ih.T + b_ih, h @ W_hh.T + b_hh
        r = (gi[:, :d_h] + gh[:, :d_h]).sigmoid()
        z = (gi[:, d_h : 2 * d_h] + gh[:, d_h : 2 * d_h]).sigmoid()
        n = (gi[:, 2 * d_h :] + r * gh[:, 2 * d_h :]).tanh()  # r gates h inside n
        h = (1 - z) * n + z * h
        out.append(h)
    return torch.stack(out)


for name, cls, scratch, gates in [
    ("LSTM", nn.LSTM, lstm_scratch, 4),
    ("GRU", nn.GRU, gru_scratch, 3),
]:
    layer = cls(d_in, d_h)
    ref, _ = layer(x)
    mine = scratch(x, *[p.detach() for p in layer.parameters()])
    n_params = sum(p.numel() for p in layer.parameters())
    formula = gates * (d_h * (d_in + d_h) + 2 * d_h)
    print(
        f"{name}: from scratch matches nn.{name}: "
        f"{torch.allclose(mine, ref, atol=1e-6)}; "
        f"parameters {n_params} = {gates} x (h(x+h) + 2h) = {formula}"
    )
# --8<-- [end:cells]

# --8<-- [start:bptt]
import torch
from torch import nn

torch.manual_seed(0)
T, K = 60, 15  # sequence length, truncation window
rnn = nn.LSTM(1, 16)
x = torch.randn(T, 1, 1, requires_grad=True)


def input_grads(window):
    """Gradient of the loss at the last step w.r.t. every input, with the hidden
    state detached every `window` steps (truncated BPTT); window=None is full BPTT."""
    x.grad = None
    state, outputs = None, []
    for start in range(0, T, window or T):
        if state is not None:
            state = tuple(s.detach() for s in state)  # cut the graph here
        out, state = rnn(x[start : start + (window or T)], state)
        outputs.append(out)
    torch.cat(outputs)[-1].sum().backward()
    return x.grad.abs().flatten()


full, trunc = input_grads(None), input_grads(K)
print("steps back from the loss   full BPTT   truncated (K=15)")
for back in [0, 5, 10, 14, 15, 30, 59]:
    t = T - 1 - back
    print(f"{back:24d} {full[t]:11.2e} {trunc[t]:18.2e}")
print(f"inputs that get no gradient under truncation: {int((trunc == 0).sum())} of {T}")
# --8<-- [end:bptt]
