# --8<-- [start:numpy]
import numpy as np
import torch

torch.manual_seed(0)
E, H, T_enc, T_dec = 16, 2, 7, 4
cross = torch.nn.MultiheadAttention(E, num_heads=H, batch_first=True).double()
with torch.no_grad():
    cross.in_proj_bias.normal_()
rng = np.random.default_rng(0)
memory = rng.normal(size=(T_enc, E))  # encoder output: 7 source tokens
dec = rng.normal(size=(T_dec, E))  # decoder states: 4 target tokens so far

W_q, W_k, W_v = np.split(cross.in_proj_weight.detach().numpy(), 3)
b_q, b_k, b_v = np.split(cross.in_proj_bias.detach().numpy(), 3)
W_o, b_o = cross.out_proj.weight.detach().numpy(), cross.out_proj.bias.detach().numpy()


def softmax(z):
    e = np.exp(z - z.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def cross_attention(dec, memory):
    d = E // H

    def split_heads(t):  # (T, E) -> (H, T, d)
        return t.reshape(len(t), H, d).transpose(1, 0, 2)

    q = split_heads(dec @ W_q.T + b_q)  # queries from the decoder
    k = split_heads(memory @ W_k.T + b_k)  # keys and values from the encoder
    v = split_heads(memory @ W_v.T + b_v)
    w = softmax(q @ k.transpose(0, 2, 1) / np.sqrt(d))  # (H, T_dec, T_enc)
    return (w @ v).transpose(1, 0, 2).reshape(len(dec), E) @ W_o.T + b_o, w


out, w = cross_attention(dec, memory)
m_t, d_t = torch.from_numpy(memory)[None], torch.from_numpy(dec)[None]
ref, _ = cross(d_t, m_t, m_t)  # query = decoder, key = value = encoder
print(f"output {out.shape}: one row per decoder token")
print(f"weights {w.shape}: (heads, target tokens, source tokens)")
same = np.allclose(out, ref[0].detach().numpy())
print(f"NumPy cross-attention matches nn.MultiheadAttention: {same}")

perm = rng.permutation(T_enc)
out_perm, _ = cross_attention(dec, memory[perm])
print(f"shuffled encoder tokens, same output: {np.allclose(out, out_perm)}")
# --8<-- [end:numpy]

# --8<-- [start:reverse]
import torch
import torch.nn.functional as F

threads = torch.get_num_threads()
torch.set_num_threads(1)
torch.manual_seed(0)
T, V, d = 8, 10, 32  # task: output the input sequence reversed


class ReverseModel(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.tok = torch.nn.Embedding(V, d)
        self.src_pos = torch.nn.Embedding(T, d)
        self.encoder = torch.nn.TransformerEncoderLayer(
            d, 2, 64, dropout=0.0, batch_first=True
        )
        self.tgt_pos = torch.nn.Embedding(T, d)  # decoder queries: one per output slot
        self.cross = torch.nn.MultiheadAttention(d, num_heads=1, batch_first=True)
        self.out = torch.nn.Linear(d, V)

    def forward(self, src):
        memory = self.encoder(self.tok(src) + self.src_pos.weight)
        queries = self.tgt_pos.weight.expand(len(src), -1, -1)
        h, w = self.cross(queries, memory, memory)
        return self.out(h), w


model = ReverseModel()
opt = torch.optim.Adam(model.parameters(), lr=3e-3)
gen = torch.Generator().manual_seed(1)
for _ in range(300):
    src = torch.randint(0, V, (64, T), generator=gen)
    logits, _ = model(src)
    loss = F.cross_entropy(logits.reshape(-1, V), src.flip(1).reshape(-1))
    opt.zero_grad()
    loss.backward()
    opt.step()

src = torch.randint(0, V, (500, T), generator=gen)
with torch.no_grad():
    logits, w = model(src)
torch.set_num_threads(threads)
accuracy = (logits.argmax(-1) == src.flip(1)).float().mean()
print(f"token accuracy on new sequences: {accuracy:.3f}")
avg = w.mean(0)  # (output position, source position), averaged over test sequences
print("source position each output position attends to most:", avg.argmax(-1).tolist())
print(f"mean weight on source position T-1-i: {avg.flip(1).diagonal().mean():.2f}")
print(f"mean weight on source position i: {avg.diagonal().mean():.2f}")
# --8<-- [end:reverse]
