# --8<-- [start:weights]
import torch

torch.manual_seed(0)
d_in, d_out, G = 1024, 1024, 128  # layer size; one scale and zero point per 128 weights
scales = torch.ones(d_in)
scales[torch.randperm(d_in)[:10]] = 30.0  # 1% of input channels carry large activations
mix = torch.randn(d_in, d_in) / d_in**0.5  # correlated channels, as in real layers


def activations(n: int) -> torch.Tensor:
    return (torch.randn(n, d_in) @ mix + 0.1 * torch.randn(n, d_in)) * scales


X, X_test = activations(4096), activations(2048)  # calibration, held out
W = torch.randn(d_out, d_in) * 0.02
Y = X_test @ W.T


def rtn(w: torch.Tensor, group: int) -> torch.Tensor:
    """Round to nearest, asymmetric 4-bit (0..15), one scale and zero per group."""
    g = w.reshape(w.shape[0], -1, group)
    lo, hi = g.amin(-1, keepdim=True), g.amax(-1, keepdim=True)
    scale = (hi - lo).clamp(min=1e-8) / 15
    return ((g - lo) / scale).round().clamp(0, 15).mul(scale).add(lo).reshape(w.shape)


def awq(w: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """AWQ: scale salient input channels up before rounding, back down after."""
    mag = x.abs().mean(0)
    best = None
    for alpha in [i / 10 for i in range(11)]:  # grid search of s = mean|x|^alpha
        s = mag.pow(alpha).clamp(min=1e-4)
        wq = rtn(w * s, G) / s  # the 1/s is folded into the previous op in practice
        err = ((x @ (w - wq).T) ** 2).mean().item()
        if best is None or err < best[0]:
            best = (err, wq)
    return best[1]


def gptq(w: torch.Tensor, x: torch.Tensor, group: int, act_order=False) -> torch.Tensor:
    """GPTQ: quantise column by column; push each column's error onto the columns not
    yet quantised, weighted by the inverse Hessian of the layer's squared error."""
    H = 2 * x.T @ x / len(x)
    if act_order:  # quantise the columns with the largest activations first
        perm = torch.argsort(H.diag(), descending=True)
        return gptq(w[:, perm], x[:, perm], group)[:, torch.argsort(perm)]
    w = w.clone()
    H += 0.01 * H.diag().mean() * torch.eye(len(H))  # dampening
    Hinv = torch.linalg.cholesky(
        torch.cholesky_inverse(torch.linalg.cholesky(H)), upper=True
    )
    q = torch.zeros_like(w)
    for i in range(w.shape[1]):
        if i % group == 0:  # group's scale and zero from the current (updated) weights
            block = w[:, i : i + group]
            lo, hi = block.amin(1), block.amax(1)
            scale = (hi - lo).clamp(min=1e-8) / 15
        q[:, i] = ((w[:, i] - lo) / scale).round().clamp(0, 15) * scale + lo
        err = (w[:, i] - q[:, i]) / Hinv[i, i]
        w[:, i + 1 :] -= err[:, None] * Hinv[i, i + 1 :][None, :]
    return q


def rel(wq):
    return ((X_test @ wq.T - Y).norm() / Y.norm()).item()


print("int4 weight-only, relative output error on held-out activations")
print(f"  round to nearest, one scale per row       {rel(rtn(W, d_in)):.4f}")
print(f"  round to nearest, groups of 128           {rel(rtn(W, G)):.4f}")
print(f"  AWQ (activation-aware scales), groups 128 {rel(awq(W, X)):.4f}")
print(f"  GPTQ (error feedback), groups of 128      {rel(gptq(W, X, G)):.4f}")
print(f"  GPTQ, largest activations first           {rel(gptq(W, X, G, True)):.4f}")
bits = 4 + 2 * 16 / G  # fp16 scale and zero per group
print(f"bits per weight {bits:.2f}: 70B weights take {70e9 * bits / 8 / 1e9:.0f} GB "
      f"instead of {70e9 * 2 / 1e9:.0f} GB in bf16")  # fmt: skip
# --8<-- [end:weights]

# --8<-- [start:kv]
import sys  # noqa: E402

import torch  # noqa: E402

sys.path.insert(0, "snippets/scaling")
from tiny_lms import corpus, encode, target  # noqa: E402

model = target()
H, D = model.config.n_head, model.config.n_embd // model.config.n_head
BITS = [None]  # precision the K/V cache is stored in (None = fp32)


def quantise_kv(module, inputs, qkv):
    """Round K and V to BITS[0]-bit integers, one fp16 scale per token and head."""
    if BITS[0] is None:
        return qkv
    q, k, v = qkv.split(H * D, dim=-1)
    top = 2 ** (BITS[0] - 1) - 1

    def rnd(x):
        x = x.unflatten(-1, (H, D))
        scale = (x.abs().amax(-1, keepdim=True) / top).clamp(min=1e-8).half().float()
        return ((x / scale).round().clamp(-top, top) * scale).flatten(-2)

    return torch.cat([q, rnd(k), rnd(v)], dim=-1)


for block in model.transformer.h:
    block.attn.c_attn.register_forward_hook(quantise_kv)

# Every position of 40 stories, teacher-forced: each next-token prediction reads all
# earlier K/V, which is what a decode step reads from the cache.
lines = corpus()[0].split("\n")[:40]
batch = torch.tensor([encode(line[:100]) for line in lines if len(line) >= 100])
with torch.no_grad():
    BITS[0] = None
    ref = torch.log_softmax(model(batch).logits, -1)
    print("KV cache  bytes per value (head dim 16 / 128)  top-1 agreement  KL (nats)")
    for bits in [8, 4]:
        BITS[0] = bits
        out = torch.log_softmax(model(batch).logits, -1)
        agree = (out.argmax(-1) == ref.argmax(-1)).float().mean().item()
        kl = (ref.exp() * (ref - out)).sum(-1).mean().item()
        sizes = " / ".join(f"{bits / 8 + 2 / d:.3f}" for d in (D, 128))
        print(f"int{bits}     {sizes:>33s} {agree:16.3f} {kl:10.4f}")
    BITS[0] = None
# --8<-- [end:kv]
