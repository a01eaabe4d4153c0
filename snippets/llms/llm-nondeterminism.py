import math
import sys

import numpy as np
import torch

sys.path.insert(0, "snippets/llms")
import llms_llm  # noqa: E402  SmolLM2-135M-Instruct, loaded once per process

tok, model = llms_llm.load()
torch.manual_seed(0)
rng = np.random.default_rng(0)


def sequential(v):
    # np.cumsum adds strictly left to right in float32; np.sum would add pairwise.
    return np.cumsum(v)[-1]


def tree(v):
    while v.size > 1:
        v = v[0::2] + v[1::2]
    return v[0]


def chunked(v, k):
    return sequential(np.array([sequential(c) for c in v.reshape(k, -1)]))


# (1) The same 16,384 float32 numbers, summed in five orders and 1,000 random ones.
x = (rng.standard_normal(2**14) * 10 ** rng.uniform(-3, 3, 2**14)).astype(np.float32)
exact = math.fsum(x.astype(np.float64))
orders = {
    "left to right": sequential(x),
    "right to left": sequential(x[::-1]),
    "pairwise tree": tree(x),
    "4 chunks, then partials": chunked(x, 4),
    "64 chunks, then partials": chunked(x, 64),
}
print(f"float32 sum of 16,384 numbers (exact {exact:.4f})  minus exact")
for name, s in orders.items():
    print(f"  {name:<26} {s:12.4f}  {s - exact:+.4f}")
shuffled = {sequential(x[rng.permutation(x.size)]) for _ in range(1000)}
print(
    f"  1,000 random orders: {len(shuffled)} distinct results,"
    f" spread {max(shuffled) - min(shuffled):.4f}"
)


# (2) Batch non-invariance, shown with a toy matmul kernel whose reduction order is
# explicit: elementwise float32 products, then one rounded vector addition at a time,
# so every CPU gives the same bits. Like GPU libraries, it splits K into 4 chunks
# (split-K) when the batch is too small to keep the cores busy.
def toy_matmul(a, b, batch_invariant=False):
    products = a.T[:, :, None] * b[:, None, :]  # (K, batch, N)
    chunks = 4 if a.shape[0] < 4 and not batch_invariant else 1
    partials = []
    for chunk in np.split(products, chunks):
        acc = chunk[0]
        for term in chunk[1:]:
            acc = acc + term
        partials.append(acc)
    out = partials[0]
    for partial in partials[1:]:
        out = out + partial
    return out


# One row of SmolLM2's 576 -> 1536 MLP shape, alone and in a batch of 16.
rows = rng.uniform(-1, 1, (16, 576)).astype(np.float32)
w = rng.uniform(-1, 1, (576, 1536)).astype(np.float32)
exact_row = toy_matmul(rows[:1].astype(np.float64), w.astype(np.float64))[0]
row_alone, row_batched = toy_matmul(rows[:1], w)[0], toy_matmul(rows, w)[0]
print("toy kernel, one row of a 576 x 1536 matmul: alone (split-K) vs in a batch of 16")
print(
    f"  outputs that differ {int((row_alone != row_batched).sum()):,}/{w.shape[1]:,},"
    f" max |diff| {np.abs(row_alone - row_batched).max():.1e}"
)
print(
    f"  max error vs float64: alone {np.abs(row_alone - exact_row).max():.1e},"
    f" in the batch {np.abs(row_batched - exact_row).max():.1e}"
)
invariant_alone = toy_matmul(rows[:1], w, batch_invariant=True)[0]
invariant_batched = toy_matmul(rows, w, batch_invariant=True)[0]
print(
    "  batch-invariant kernel (one order for every batch): bitwise equal"
    f" {np.array_equal(invariant_alone, invariant_batched)}"
)

# The same row through this CPU's matrix library: whether its bits move with the
# batch depends on the CPU, so only a bound is printed and the difference to stderr.
torch_alone = (torch.from_numpy(rows[:1]) @ torch.from_numpy(w))[0].numpy()
torch_batched = (torch.from_numpy(rows) @ torch.from_numpy(w))[0].numpy()
lib_diff = np.abs(torch_batched - torch_alone).max()
print(
    "torch matmul: matches the toy kernel within 1e-3"
    f" {bool(np.abs(torch_alone - row_alone).max() < 1e-3)}"
)
print(f"  row alone vs in a batch of 16: max |diff| below 1e-3 {bool(lib_diff < 1e-3)}")
print(
    f"matmul row alone vs in a batch of 16: max |diff| {lib_diff:.1e}", file=sys.stderr
)

# The model's next-token logits for 12 chat prompts: alone, and in one padded batch.
questions = [
    "What is the capital of France?",
    "Name three primary colours.",
    "Why is the sky blue?",
    "Write a haiku about autumn.",
    "How do plants make food?",
    "What is 12 times 7?",
    "Give me a tip for learning to code.",
    "What does a CPU do?",
    "Suggest a name for a pet cat.",
    "What is the boiling point of water?",
    "Explain gravity to a child.",
    "List two uses of a paperclip.",
]
prompts = [llms_llm.chat_ids([{"role": "user", "content": q}])[0] for q in questions]
n, steps, eos = len(prompts), 40, tok.eos_token_id
with torch.no_grad():
    alone = torch.stack([model(input_ids=p[None]).logits[0, -1] for p in prompts])
    rerun = torch.stack([model(input_ids=p[None]).logits[0, -1] for p in prompts[:3]])
    # Left padding, so every prompt's last token sits in the last column.
    width = max(len(p) for p in prompts)
    ids = torch.full((n, width), eos)
    mask = torch.zeros((n, width), dtype=torch.long)
    for r, p in enumerate(prompts):
        ids[r, width - len(p) :], mask[r, width - len(p) :] = p, 1
    out = model.generate(
        ids, attention_mask=mask, max_new_tokens=steps, do_sample=False,
        output_logits=True, return_dict_in_generate=True, pad_token_id=eos,
    )  # fmt: skip
logits = torch.stack(out.logits, dim=1)  # (prompt, step, vocab), greedy in the batch
tokens = out.sequences[:, width:]
diff = (logits[:, 0] - alone).abs().amax(dim=1)
print(f"same prompt alone, run twice: bitwise equal {torch.equal(rerun, alone[:3])}")
same_top = int((logits[:, 0].argmax(1) == alone.argmax(1)).sum())
print(
    f"prompt alone vs in a padded batch of {n}: max |diff| below 1e-3"
    f" {bool(diff.max() < 1e-3)}, same top token {same_top}/{n}"
)
print(
    f"logits alone vs in the batch: changed {int((diff > 0).sum())}/{n},"
    f" max |diff| {diff.max():.1e}",
    file=sys.stderr,
)
# Decode steps too: the longest reply, generated again with the prompt alone.
valid = torch.ones(n, steps, dtype=torch.bool)
for r in range(n):
    ended = (tokens[r] == eos).nonzero()
    if len(ended):
        valid[r, int(ended[0]) + 1 :] = False
r = int(valid.sum(1).argmax())
with torch.no_grad():
    solo = model.generate(
        prompts[r][None], max_new_tokens=steps, do_sample=False,
        output_logits=True, return_dict_in_generate=True, pad_token_id=eos,
    )  # fmt: skip
decode_diff = (torch.stack(solo.logits[1:], 1)[0] - logits[r, 1:]).abs().max()
same = torch.equal(solo.sequences[0, len(prompts[r]) :], tokens[r])
print(
    f"prompt {r + 1}, {steps - 1} decode steps alone vs in the batch:"
    f" max |diff| below 1e-3 {bool(decode_diff < 1e-3)}, same tokens {same}"
)
print(f"decode steps: max |diff| {decode_diff:.1e}", file=sys.stderr)
bf16_error = (logits.bfloat16().float() - logits).abs().max()
print(
    f"for scale, rounding these logits to bfloat16 moves them by up to {bf16_error:.2f}"
)

# (3) Greedy decoding with every logit perturbed by uniform noise in [-eps, eps].
# Until its first changed token a perturbed run sees the same context, so the stored
# logits of the greedy run are exactly what it would compute.
top2 = logits.topk(2, dim=-1).values
gap = (top2[..., 0] - top2[..., 1])[valid]
unit = torch.rand(logits.shape, generator=torch.Generator().manual_seed(0)) * 2 - 1
print(
    f"{n} prompts, {len(gap)} greedy steps; top-2 logit gap: smallest {gap.min():.3f},"
    f" median {gap.median():.2f}"
)
print("noise eps  steps with gap < eps  changed generations  first change at step")
for eps in (1e-4, 1e-3, 1e-2, 1e-1):
    flipped = ((logits + eps * unit).argmax(-1) != tokens) & valid
    first = sorted(int(f.nonzero()[0]) + 1 for f in flipped if f.any())
    print(
        f"{eps:9.0e}  {int((gap < eps).sum()):>7}/{len(gap)}"
        f"  {int(flipped.any(1).sum()):>10}/{n}          {first}"
    )

# The earliest change at eps = 0.1 (the last row), and the reply after it.
t, r = min((int(f.nonzero()[0]), r) for r, f in enumerate(flipped) if f.any())
swapped = (logits[r, t] + eps * unit[r, t]).argmax()
prefix = torch.cat([prompts[r], tokens[r, :t], swapped[None]])
with torch.no_grad():
    rest = llms_llm.generate(prefix[None], 12, do_sample=False)[0]
print(f"prompt {r + 1}, step {t + 1}:")
print(f"  greedy:    {tok.decode(tokens[r, t : t + 13])!r}")
print(f"  perturbed: {tok.decode(swapped) + rest!r}")
