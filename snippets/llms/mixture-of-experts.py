# --8<-- [start:router]
import torch
import torch.nn.functional as F
from transformers.models.mixtral.modeling_mixtral import (
    MixtralSparseMoeBlock,
    load_balancing_loss_func,
)

from transformers import MixtralConfig

n_threads = torch.get_num_threads()
torch.set_num_threads(1)
torch.manual_seed(0)
E, K, d, h = 8, 2, 32, 64  # experts, experts per token, model dim, expert hidden dim


class Top2MoE(torch.nn.Module):
    """A sparse MoE feed-forward layer: a linear router picks 2 of 8 SwiGLU experts per token."""

    def __init__(self):
        super().__init__()
        self.router = torch.nn.Linear(d, E, bias=False)
        self.w_gate = torch.nn.Parameter(torch.randn(E, h, d) / d**0.5)
        self.w_up = torch.nn.Parameter(torch.randn(E, h, d) / d**0.5)
        self.w_down = torch.nn.Parameter(torch.randn(E, d, h) / h**0.5)

    def forward(self, x):  # x: (tokens, d)
        logits = self.router(x)
        probs = logits.softmax(-1)
        weights, experts = probs.topk(K, dim=-1)
        weights = weights / weights.sum(
            -1, keepdim=True
        )  # renormalise over the chosen 2
        out = torch.zeros_like(x)
        for e in range(E):  # each expert only sees the tokens routed to it
            tok, slot = torch.where(experts == e)
            if len(tok):
                hid = F.silu(x[tok] @ self.w_gate[e].T) * (x[tok] @ self.w_up[e].T)
                out.index_add_(
                    0, tok, weights[tok, slot, None] * (hid @ self.w_down[e].T)
                )
        return out, logits, experts


def balance_loss(logits, experts):
    """Switch Transformer auxiliary loss: E * sum_i f_i * P_i, with f_i the fraction of routing
    slots sent to expert i and P_i its mean router probability. Equals 1 when perfectly balanced."""
    f = torch.bincount(experts.flatten(), minlength=E).float() / experts.numel()
    P = logits.softmax(-1).mean(0)
    return E * (f * P).sum()


moe = Top2MoE()
x = torch.randn(512, d)
out, logits, experts = moe(x)

# The same layer in transformers' Mixtral, with our weights copied in.
cfg = MixtralConfig(
    hidden_size=d, intermediate_size=h, num_local_experts=E, num_experts_per_tok=K
)
block = MixtralSparseMoeBlock(cfg).eval()
with torch.no_grad():
    block.gate.weight.copy_(moe.router.weight)
    block.experts.gate_up_proj.copy_(torch.cat([moe.w_gate, moe.w_up], dim=1))
    block.experts.down_proj.copy_(moe.w_down)
    ref = block(x[None])[0]
print(
    f"output equals transformers' MixtralSparseMoeBlock: {torch.allclose(out, ref, atol=1e-5)}"
)
ours, theirs = balance_loss(logits, experts), load_balancing_loss_func((logits,), E, K)
print(
    f"balance loss {ours:.4f}; transformers' Mixtral loss {theirs:.4f} = top_k x ours: {torch.isclose(theirs, K * ours).item()}"
)
collapsed = torch.zeros(512, E)
collapsed[:, :2] = 10.0  # a router that sends every token to experts 0 and 1
print(
    f"balance loss if the router collapses onto 2 experts: {balance_loss(collapsed, collapsed.topk(K).indices):.3f}"
)

# Train the layer to imitate a random teacher network, with and without the auxiliary loss.
torch.manual_seed(0)
teacher = torch.nn.Sequential(
    torch.nn.Linear(d, 128), torch.nn.Tanh(), torch.nn.Linear(128, d)
)
print("aux coef  test MSE  share of routing slots per expert (sorted)   balance loss")
for coef in [0.0, 0.01, 0.1]:
    torch.manual_seed(1)
    moe = Top2MoE()
    opt = torch.optim.Adam(moe.parameters(), lr=3e-3)
    for _ in range(300):
        x = torch.randn(256, d) + 0.5
        out, logits, experts = moe(x)
        loss = F.mse_loss(out, teacher(x).detach()) + coef * balance_loss(
            logits, experts
        )
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
print(f"hidden {cfg.hidden_size}, expert FFN {cfg.intermediate_size}, layers {cfg.num_hidden_layers}, "
      f"experts {cfg.num_local_experts}, active per token {cfg.num_experts_per_tok}")  # fmt: skip
d, f, n_layers, E, K, V = 4096, 14336, 32, 8, 2, 32000
head_dim, kv_heads = 128, 8
attn = (
    d * d * 2 + d * (kv_heads * head_dim) * 2
)  # q, o full; k, v grouped-query (8 KV heads)
expert = 3 * d * f  # SwiGLU: gate, up, down
per_layer_total = attn + E * expert + E * d + 2 * d  # + router + 2 RMSNorms
per_layer_active = attn + K * expert + E * d + 2 * d
embed = 2 * V * d  # input embedding and untied LM head
total = n_layers * per_layer_total + embed + d  # + final norm
active = n_layers * per_layer_active + embed + d
with torch.device("meta"):  # shapes only, no memory: 46.7B parameters built in a blink
    model = MixtralForCausalLM(cfg)
counted = sum(p.numel() for p in model.parameters())
print(
    f"total params by hand {total / 1e9:.2f}B, counted in transformers {counted / 1e9:.2f}B, equal: {total == counted}"
)
print(f"active params per token {active / 1e9:.2f}B ({active / total:.0%} of total)")
print(
    f"memory to hold the weights in bf16: {2 * total / 2**30:.0f} GiB; compute per token like a {active / 1e9:.0f}B model"
)
# --8<-- [end:params]
