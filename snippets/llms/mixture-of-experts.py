# --8<-- [start:router]
import torch
import torch.nn.functional as F
from torch import nn
from transformers import MixtralConfig
from transformers.models.mixtral.modeling_mixtral import (
    MixtralSparseMoeBlock,
    load_balancing_loss_func,
)

n_threads = torch.get_num_threads()
torch.set_num_threads(1)
torch.manual_seed(0)
E, K, d, h = 8, 2, 32, 64  # experts, experts per token, model dim, expert hidden dim


class Top2MoE(nn.Module):
    """Sparse MoE feed-forward layer: a linear router sends each token to 2 of 8
    SwiGLU experts and mixes their outputs with the renormalised router weights."""

    def __init__(self):
        super().__init__()
        self.router = nn.Linear(d, E, bias=False)
        self.w_gate = nn.Parameter(torch.randn(E, h, d) / d**0.5)
        self.w_up = nn.Parameter(torch.randn(E, h, d) / d**0.5)
        self.w_down = nn.Parameter(torch.randn(E, d, h) / h**0.5)

    def forward(self, x):  # x: (tokens, d)
        logits = self.router(x)
        weights, experts = logits.softmax(-1).topk(K, dim=-1)
        weights = weights / weights.sum(-1, keepdim=True)  # sum to 1 over the chosen 2
        out = torch.zeros_like(x)
        for e in range(E):  # each expert computes only the tokens routed to it
            tok, slot = torch.where(experts == e)
            hidden = F.silu(x[tok] @ self.w_gate[e].T) * (x[tok] @ self.w_up[e].T)
            y = hidden @ self.w_down[e].T
            out.index_add_(0, tok, weights[tok, slot, None] * y)
        return out, logits, experts


def balance_loss(logits, experts):
    """Switch Transformer auxiliary loss E * sum_i f_i * P_i: f_i is the share of
    routing slots given to expert i, P_i its mean router probability. 1 = balanced."""
    f = torch.bincount(experts.flatten(), minlength=E).float() / experts.numel()
    P = logits.softmax(-1).mean(0)
    return E * (f * P).sum()


moe = Top2MoE()
x = torch.randn(512, d)
out, logits, experts = moe(x)

# The same layer in transformers' Mixtral, with our weights copied in.
cfg = MixtralConfig(hidden_size=d, intermediate_size=h, num_local_experts=E)
block = MixtralSparseMoeBlock(cfg).eval()
with torch.no_grad():
    block.gate.weight.copy_(moe.router.weight)
    block.experts.gate_up_proj.copy_(torch.cat([moe.w_gate, moe.w_up], dim=1))
    block.experts.down_proj.copy_(moe.w_down)
    ref = block(x[None])[0]
same = torch.allclose(out, ref, atol=1e-5)
print(f"output equals transformers' MixtralSparseMoeBlock: {same}")
ours = balance_loss(logits, experts)
theirs = load_balancing_loss_func((logits,), E, K)
print(f"balance loss {ours:.4f}; transformers' Mixtral loss {theirs:.4f}", end=" ")
print(f"= top_k x ours: {torch.isclose(theirs, K * ours).item()}")
collapsed = torch.zeros(512, E)
collapsed[:, :2] = 10.0  # a router that sends every token to experts 0 and 1
collapsed_loss = balance_loss(collapsed, collapsed.topk(K).indices)
print(f"balance loss when the router collapses onto 2 experts: {collapsed_loss:.3f}")

# Train the layer to imitate a random teacher, with and without the auxiliary loss.
teacher = torch.nn.Sequential(nn.Linear(d, 128), nn.Tanh(), nn.Linear(128, d))
print("aux coef  test MSE  share of routing slots per expert, sorted   balance loss")
for coef in [0.0, 0.01, 0.1]:
    torch.manual_seed(1)
    moe = Top2MoE()
    opt = torch.optim.Adam(moe.parameters(), lr=3e-3)
    for _ in range(300):
        x = torch.randn(256, d) + 0.5
        out, logits, experts = moe(x)
        loss = F.mse_loss(out, teacher(x).detach())
        loss = loss + coef * balance_loss(logits, experts)
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        x = torch.randn(4096, d) + 0.5
        out, logits, experts = moe(x)
        mse = F.mse_loss(out, teacher(x)).item()
    share = torch.bincount(experts.flatten(), minlength=E) / experts.numel()
    shares = " ".join(f"{v:.2f}" for v in sorted(share.tolist(), reverse=True))
    print(f"{coef:8.2f}  {mse:7.4f}  {shares}   {balance_loss(logits, experts):.3f}")
torch.set_num_threads(n_threads)
# --8<-- [end:router]

# --8<-- [start:params]
import torch
from transformers import MixtralConfig, MixtralForCausalLM

cfg = MixtralConfig()  # the defaults are Mixtral 8x7B's shapes
d, f, n_layers, E, K = cfg.hidden_size, cfg.intermediate_size, 32, 8, 2
V, kv_dim = cfg.vocab_size, cfg.num_key_value_heads * (d // cfg.num_attention_heads)
print(f"d={d}, expert FFN={f}, layers={n_layers}, experts={E}, active={K}, KV={kv_dim}")
attention = 2 * d * d + 2 * d * kv_dim  # q and o: d x d; k and v: d x kv_dim (GQA)
expert = 3 * d * f  # SwiGLU: gate, up and down projections
shared = attention + E * d + 2 * d  # + router + 2 RMSNorm weights
total = n_layers * (shared + E * expert) + 2 * V * d + d  # + embeddings, head, norm
active = n_layers * (shared + K * expert) + 2 * V * d + d
with torch.device("meta"):  # shapes only: 46.7B parameters and no memory used
    counted = sum(p.numel() for p in MixtralForCausalLM(cfg).parameters())
print(f"total by hand {total / 1e9:.2f}B, counted in transformers {counted / 1e9:.2f}B")
print(f"hand count exact: {total == counted}")
print(f"active per token {active / 1e9:.2f}B ({active / total:.0%} of the weights)")
print(f"bf16 weights: {2 * total / 2**30:.0f} GiB to hold in memory;", end=" ")
print(f"compute per token: that of a {active / 1e9:.0f}B dense model")
# --8<-- [end:params]
