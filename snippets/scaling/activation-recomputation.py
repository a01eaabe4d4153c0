# --8<-- [start:measure]
import math

import torch
import torch.nn.functional as F
from torch.utils.checkpoint import checkpoint
from torch.utils.flop_counter import FlopCounterMode

torch.manual_seed(0)
s, b, h, a = 256, 2, 128, 4  # sequence, batch, hidden, heads
dt = torch.bfloat16  # 16-bit activations, as in the formula
W = {
    "qkv": torch.randn(3 * h, h, dtype=dt) * 0.05,
    "proj": torch.randn(h, h, dtype=dt) * 0.05,
    "fc1": torch.randn(4 * h, h, dtype=dt) * 0.05,
    "fc2": torch.randn(h, 4 * h, dtype=dt) * 0.05,
}
for w in W.values():
    w.requires_grad_()


def dropout(x, p=0.1):  # keeps a 1-byte mask for backward, as the formula assumes
    return x * (torch.rand_like(x) >= p) / (1 - p)


def attention_core(q, k, v):  # scores, softmax, dropout, weighted sum
    scores = q @ k.transpose(-1, -2) / math.sqrt(h // a)
    mask = torch.ones(s, s, dtype=torch.bool).triu(1)
    p = dropout(torch.softmax(scores.masked_fill(mask, -math.inf), -1))
    return p @ v


def layer(x, mode):
    """A GPT layer with dropout; mode says what is recomputed in the backward pass."""
    qkv = F.linear(F.layer_norm(x, (h,)), W["qkv"]).view(s, b, 3, a, h // a)
    q, k, v = qkv.permute(2, 1, 3, 0, 4)  # each (b, a, s, h/a)
    if mode == "selective":  # recompute only the attention core
        o = checkpoint(attention_core, q, k, v, use_reentrant=False)
    else:
        o = attention_core(q, k, v)
    o = o.permute(2, 0, 1, 3).reshape(s, b, h)
    x = x + dropout(F.linear(o, W["proj"]))
    m = F.gelu(F.linear(F.layer_norm(x, (h,)), W["fc1"]), approximate="tanh")
    return x + dropout(F.linear(m, W["fc2"]))


def run(mode):
    """Bytes of activations kept for backward, total FLOPs, and the input gradient."""
    torch.manual_seed(1)  # same input and dropout masks in every mode
    x = torch.randn(s, b, h, dtype=dt, requires_grad=True)
    params = {w.untyped_storage().data_ptr() for w in W.values()}
    kept = {}

    def pack(t):  # called for every tensor autograd saves; count each storage once
        st = t.untyped_storage()
        if st.data_ptr() not in params:
            kept[st.data_ptr()] = st.nbytes()
        return t

    with FlopCounterMode(display=False) as flops:
        with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
            if mode == "full":  # keep only the layer's input
                y = checkpoint(layer, x, mode, use_reentrant=False)
            else:
                y = layer(x, mode)
        y.float().square().mean().backward()
    return sum(kept.values()), flops.get_total_flops(), x.grad


sbh = s * b * h
formula = sbh * (34 + 5 * a * s / h) + s * s  # + the s x s causal mask (bool)
print(f"formula: sbh(34 + 5as/h) + causal mask = {formula:,.0f} bytes")
base_bytes, base_flops, base_grad = run("none")
print("mode        kept bytes  per sbh  FLOPs vs none  same input gradient")
for mode in ["none", "selective", "full"]:
    kept, flops, grad = run(mode)
    print(f"{mode:10s} {kept:11,} {kept / sbh:8.1f} {flops / base_flops:14.3f}  "
          f"{torch.equal(grad, base_grad)}")  # fmt: skip
# --8<-- [end:measure]

# --8<-- [start:derive]
# Derived: one Llama-2-70B-shaped layer, one 4,096-token sequence, bf16, no TP.
s, h, a, b = 4096, 8192, 64, 1
layer_params = 2 * h * h + 2 * h * 1024 + 3 * h * 28672
core = 4 * s * s * h  # Q K^T and P V, forward
train = 6 * layer_params * s + 3 * core  # forward + backward
print("70B layer   activations GB  extra compute")
for mode, per_sbh, extra in [
    ("none", 34 + 5 * a * s / h, 0),
    ("selective", 34, core),
    ("full", 2, 2 * layer_params * s + core),
]:
    print(f"{mode:10s} {per_sbh * s * b * h / 1e9:15.2f} {extra / train:14.3f}")
# --8<-- [end:derive]
