import torch
from peft import LoraConfig, get_peft_model

torch.manual_seed(0)
d, n_adapters, batch = 512, 50, 32
W = torch.randn(d, d) / d**0.5  # frozen base weight, y = x @ W.T
# 50 adapters: the first 25 of rank 8, the rest of rank 16 (alpha/r folded into B)
ranks = [8] * 25 + [16] * 25
A = [torch.randn(r, d) / d**0.5 for r in ranks]
B = [torch.randn(d, r) / r**0.5 for r in ranks]
x = torch.randn(batch, d)  # one decode-step token per request
ids = torch.randint(0, n_adapters, (batch,))  # the adapter each request names
used = ids.unique().tolist()
matmuls = {"loop": 0, "gather": 0, "padded": 0}

# (a) base matmul for the whole batch, then one adapter at a time (peft's way)
y_loop = x @ W.T
matmuls["loop"] += 1
for a in used:
    rows = ids == a
    y_loop[rows] += (x[rows] @ A[a].T) @ B[a].T
    matmuls["loop"] += 2

# (b) base matmul, then per rank bucket: gather each row's A and B, two bmm calls
y_gather = x @ W.T
matmuls["gather"] += 1
for r in sorted(set(ranks)):
    in_bucket = [i for i, ri in enumerate(ranks) if ri == r]
    A_stack = torch.stack([A[i] for i in in_bucket])  # (n_r, r, d)
    B_stack = torch.stack([B[i] for i in in_bucket])  # (n_r, d, r)
    slot = {a: k for k, a in enumerate(in_bucket)}
    rows = torch.tensor([i for i in range(batch) if ranks[ids[i]] == r])
    sel = torch.tensor([slot[int(ids[i])] for i in rows])
    h = torch.bmm(A_stack[sel], x[rows, :, None])  # (n_rows, r, 1): shrink
    y_gather[rows] += torch.bmm(B_stack[sel], h)[..., 0]  # (n_rows, d): expand
    matmuls["gather"] += 2

# (b') vLLM-style: one zero-padded buffer at max rank, so one bucket for all
r_max = max(ranks)
A_pad = torch.zeros(n_adapters, r_max, d)
B_pad = torch.zeros(n_adapters, d, r_max)
for i, r in enumerate(ranks):
    A_pad[i, :r], B_pad[i, :, :r] = A[i], B[i]
h = torch.bmm(A_pad[ids], x[:, :, None])
y_padded = x @ W.T + torch.bmm(B_pad[ids], h)[..., 0]
matmuls["padded"] = 3

# (c) merged: one full copy W + B A per adapter
merged = {a: W + B[a] @ A[a] for a in used}
y_merged = torch.stack([x[i] @ merged[int(ids[i])].T for i in range(batch)])

# peft's mixed-adapter batch (adapter_names=...) on the same weights
base = torch.nn.Sequential()
base.add_module("proj", torch.nn.Linear(d, d, bias=False))
base.proj.weight.data = W.clone()
model = None
for i, r in enumerate(ranks):
    cfg = LoraConfig(r=r, lora_alpha=r, target_modules=["proj"], lora_dropout=0.0)
    if model is None:
        model = get_peft_model(base, cfg, adapter_name=f"a{i}")
    else:
        model.add_adapter(f"a{i}", cfg)
    model.base_model.model.proj.lora_A[f"a{i}"].weight.data = A[i].clone()
    model.base_model.model.proj.lora_B[f"a{i}"].weight.data = B[i].clone()
model.eval()
with torch.no_grad():
    y_peft = model(x, adapter_names=[f"a{int(i)}" for i in ids])


def close(y):
    return torch.allclose(y, y_loop, atol=1e-4)


print(f"batch of {batch} requests naming {len(used)} distinct adapters")
print(f"gathered bmm == per-adapter loop, allclose: {close(y_gather)}")
print(f"padded to rank {r_max} == per-adapter loop, allclose: {close(y_padded)}")
print(f"merged copies == per-adapter loop, allclose: {close(y_merged)}")
print(f"peft adapter_names == per-adapter loop, allclose: {close(y_peft)}")

print("matmul calls per layer: ", end="")
print(", ".join(f"{k} {v}" for k, v in matmuls.items()))
n_lora = sum(r * 2 * d for r in ranks)
print(
    f"weights stored: {n_adapters} merged copies {n_adapters * d * d:,}; "
    f"base + adapters {d * d + n_lora:,} "
    f"({n_adapters * d * d / (d * d + n_lora):.1f}x less)"
)
for r in (8, 16):
    print(
        f"multiply-adds per token, rank {r:>2}: base {d * d:,} + LoRA {2 * r * d:,} "
        f"(+{2 * r * d / (d * d):.2%})"
    )
pad_macs = batch * 2 * r_max * d
true_macs = sum(2 * ranks[i] * d for i in ids.tolist())
print(
    f"padding to rank {r_max}: {pad_macs / true_macs - 1:.0%} extra LoRA multiply-adds"
)
# Llama-2-7B in bf16: 6,738,415,616 weights; a r=16 all-linear LoRA: 39,976,960
n7b, n_ad = 6_738_415_616, 39_976_960
print(
    f"Llama-2-7B, 50 adapters, bf16: merged copies {50 * n7b * 2 / 1e9:,.0f} GB; "
    f"base + adapters {n7b * 2 / 1e9:.1f} + {50 * n_ad * 2 / 1e9:.1f} GB"
)
