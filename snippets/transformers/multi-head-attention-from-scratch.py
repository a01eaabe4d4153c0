import numpy as np
import torch

torch.manual_seed(0)
B, L, E, H = 2, 5, 16, 4  # batch, tokens, model width, heads
mha = torch.nn.MultiheadAttention(E, num_heads=H, batch_first=True).double()
with torch.no_grad():  # biases start at zero; make them non-zero so they are tested too
    mha.in_proj_bias.normal_()
    mha.out_proj.bias.normal_()
x = np.random.default_rng(0).normal(size=(B, L, E))

# in_proj_weight stacks W_q, W_k, W_v (each E x E, stored as out x in: y = x W^T + b).
W_in = mha.in_proj_weight.detach().numpy()
b_in = mha.in_proj_bias.detach().numpy()
W_o, b_o = mha.out_proj.weight.detach().numpy(), mha.out_proj.bias.detach().numpy()


def softmax(z):
    e = np.exp(z - z.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def multi_head_attention(x, W_in, b_in, W_o, b_o, n_heads):
    B, L, E = x.shape
    d_head = E // n_heads
    q, k, v = np.split(x @ W_in.T + b_in, 3, axis=-1)  # (B, L, E) each

    def split_heads(t):  # (B, L, E) -> (B, H, L, d_head): a slice of the width per head
        return t.reshape(B, L, n_heads, d_head).transpose(0, 2, 1, 3)

    q, k, v = split_heads(q), split_heads(k), split_heads(v)
    weights = softmax(q @ k.transpose(0, 1, 3, 2) / np.sqrt(d_head))  # (B, H, L, L)
    heads = (weights @ v).transpose(0, 2, 1, 3).reshape(B, L, E)  # concatenate
    return heads @ W_o.T + b_o, weights


out_np, w_np = multi_head_attention(x, W_in, b_in, W_o, b_o, H)
xt = torch.from_numpy(x)
out_pt, w_pt = mha(xt, xt, xt, need_weights=True, average_attn_weights=False)
print(f"output {out_np.shape}, weights {w_np.shape}")
same = np.allclose(out_np, out_pt.detach().numpy())
print(f"NumPy output matches nn.MultiheadAttention: {same}")
print(f"per-head weights match: {np.allclose(w_np, w_pt.detach().numpy())}")

n_params = sum(p.numel() for p in mha.parameters())
print(f"parameters: {n_params} = 4*E^2 + 4*E = {4 * E * E + 4 * E}, for any head count")
for h in (1, 2, 4, 8):  # QK^T multiply-adds for one sequence: h heads of size E/h
    print(f"  {h} heads of {E // h:>2} dims: QK^T multiply-adds {h * L * L * (E // h)}")
