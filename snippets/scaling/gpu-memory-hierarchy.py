import math

import torch
import torch.nn.functional as F
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils.flop_counter import flop_registry

PEAK, HBM = 989e12, 3.35e12  # H100 SXM: dense bf16 FLOP/s, HBM3 bytes/s (datasheet)
REGION = ["rest of the layer"]  # which part of the layer is running


class Traffic(TorchDispatchMode):
    """Each op's FLOPs and the HBM bytes it reads and writes as its own kernel."""

    def __init__(self):
        super().__init__()
        self.ops = []

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        out = func(*args, **kwargs)
        if func.is_view:  # views move no data
            return out
        outs = list(out) if isinstance(out, (list, tuple)) else [out]
        ins = [*args, *(t for a in args if isinstance(a, (list, tuple)) for t in a)]
        tensors = [t for t in ins + outs if isinstance(t, torch.Tensor)]
        moved = sum(t.numel() * t.element_size() for t in tensors)  # read + written
        formula = flop_registry.get(func._overloadpacket)
        flops = formula(*args, **kwargs, out_val=out) if formula else outs[0].numel()
        self.ops.append((func.__name__.split(".")[0], REGION[0], flops, moved))
        return out


def block(x, w, heads):
    """One GPT-2-style layer, attention written out op by op (no fusion)."""
    b, s, h = x.shape
    a = F.layer_norm(x, (h,))
    q, k, v = F.linear(a, w["qkv"]).view(b, s, 3, heads, h // heads).unbind(2)
    q, k, v = (t.transpose(1, 2) for t in (q, k, v))
    REGION[0] = "attention core"  # what FlashAttention fuses into one kernel
    scores = (q @ k.transpose(-1, -2)) * (1 / math.sqrt(h // heads))
    mask = torch.ones(s, s, dtype=torch.bool, device=x.device).tril()
    probs = torch.softmax(scores.masked_fill(~mask, float("-inf")), dim=-1)
    att = probs @ v
    REGION[0] = "rest of the layer"
    att = att.transpose(1, 2).reshape(b, s, h)
    x = x + F.linear(att, w["proj"])
    return x + F.linear(F.gelu(F.linear(F.layer_norm(x, (h,)), w["fc1"])), w["fc2"])


# GPT-2-small width, 4 sequences of 2,048 tokens, bf16, on the meta device (shapes only)
b, s, h, heads = 4, 2048, 768, 12
meta = dict(device="meta", dtype=torch.bfloat16)
shapes = {"qkv": (3 * h, h), "proj": (h, h), "fc1": (4 * h, h), "fc2": (h, 4 * h)}
w = {k: torch.empty(*v, **meta) for k, v in shapes.items()}
with Traffic() as t:
    block(torch.empty(b, s, h, **meta), w, heads)

kind = {"mm": "matmul", "addmm": "matmul", "bmm": "matmul"}
rows = {}
for name, _, flops, moved in t.ops:
    k = kind.get(name, "elementwise, norms, softmax")
    time = max(flops / PEAK, moved / HBM)  # roofline time of this op as one kernel
    r = rows.setdefault(k, [0, 0, 0.0])
    r[0], r[1], r[2] = r[0] + flops, r[1] + moved, r[2] + time
total = [sum(r[i] for r in rows.values()) for i in range(3)]
print(f"{len(t.ops)} kernels; shares of    FLOPs   HBM bytes  roofline time")
for k, r in rows.items():
    shares = [r[i] / total[i] for i in range(3)]
    print(f"{k:27s} {shares[0]:8.3f} {shares[1]:10.3f} {shares[2]:13.3f}")

# FlashAttention: the score, mask, softmax and P @ V kernels become one kernel that
# reads Q, K, V and writes the output, so the b x heads x s x s tensors never reach HBM.
qkv_o = 4 * b * s * h * 2
attn_flops = 4 * b * s * s * h  # Q K^T and P V
core = [o for o in t.ops if o[1] == "attention core"]
before = sum(max(f / PEAK, m / HBM) for *_, f, m in core)
after = max(attn_flops / PEAK, qkv_o / HBM)
print(f"attention core: {len(core)} kernels, {sum(o[3] for o in core) / 1e9:.2f} GB "
      f"of HBM traffic unfused, {qkv_o / 1e9:.2f} GB as one fused kernel")  # fmt: skip
print(f"fused kernel: {attn_flops / qkv_o:.0f} FLOP per HBM byte "
      f"(ridge {PEAK / HBM:.0f}), compute-bound: "
      f"{attn_flops / qkv_o > PEAK / HBM}")  # fmt: skip
print(f"layer roofline time: {total[2] * 1e3:.2f} ms unfused, "
      f"{(total[2] - before + after) * 1e3:.2f} ms with fused attention")  # fmt: skip
