# --8<-- [start:bins]
import numpy as np

rng = np.random.default_rng(0)
L, batch = 1024, 16  # row length (max_length) and rows per batch
# 2,000 documents, long-tailed lengths (EOS included), clipped to the row length
lengths = np.clip(rng.lognormal(5.0, 1.0, 2000).astype(int) + 1, 8, L)
total = lengths.sum()
print(f"{len(lengths):,} documents, {total:,} tokens, median {np.median(lengths):.0f}")


def batch_padding(order):
    """Share of computed positions that are padding, batches padded to their longest."""
    batches = lengths[order].reshape(-1, batch)
    return 1 - total / (batches.max(1) * batch).sum()


print("padding share")
print(f"  every document padded to {L}  {1 - total / (len(lengths) * L):.3f}")
print(f"  padded to longest in batch     {batch_padding(rng.permutation(2000)):.3f}")
print(f"  length-bucketed batches        {batch_padding(np.argsort(lengths)):.3f}")


def greedy(lens):
    """Arrival order; start a new row when the next document does not fit."""
    rows = [0]
    for n in lens:
        if rows[-1] + n > L:
            rows.append(0)
        rows[-1] += n
    return np.array(rows)


def fit_decreasing(lens, best):
    """Longest first, each into the first row (best: the fullest row) it fits."""
    free = np.empty(0, dtype=int)
    for n in np.sort(lens)[::-1]:
        ok = np.flatnonzero(free >= n)
        if len(ok) == 0:
            free = np.append(free, L - n)
        else:
            i = ok[np.argmin(free[ok])] if best else ok[0]
            free[i] -= n
    return L - free


# Packing places whole documents in rows, so it cuts none (the 0 column)
print("method                    rows   fill   documents cut")
for name, rows in [
    ("greedy, arrival order", greedy(lengths)),
    ("first-fit decreasing", fit_decreasing(lengths, best=False)),
    ("best-fit decreasing", fit_decreasing(lengths, best=True)),
]:
    assert rows.sum() == total and rows.max() <= L
    print(f"{name:24s} {len(rows):5d}  {total / (len(rows) * L):.3f}  {0:6d}")
# Concatenate everything and cut every L tokens: no padding, but documents are split
ends = np.cumsum(lengths)
cut = int(((ends - lengths) // L != (ends - 1) // L).sum())
n_chunks = int(np.ceil(total / L))
fill = total / (n_chunks * L)
print(f"{'concatenate and chunk':24s} {n_chunks:5d}  {fill:.3f}  {cut:6d}")
ffd_rows = len(fit_decreasing(lengths, best=False))
cross = len(lengths) - ffd_rows  # every document but the first in its row
targets = total - ffd_rows  # a row of n tokens has n - 1 next-token targets
print(f"first-fit decreasing: {cross:,} of {targets:,} next-token targets "
      f"cross a document boundary ({cross / targets:.4f})")  # fmt: skip
# --8<-- [end:bins]

# --8<-- [start:masks]
import torch
import torch.nn.functional as F

torch.manual_seed(0)
d = 16
Wq, Wk, Wv = (torch.randn(d, d) / d**0.5 for _ in range(3))
pos_table = torch.randn(64, d)  # learned absolute positions, for the second column


def rope(x, pos):
    inv_freq = 1.0 / 10000 ** (torch.arange(0, d, 2) / d)
    angle = pos[:, None].float() * inv_freq
    cos, sin = angle.cos().repeat(1, 2), angle.sin().repeat(1, 2)
    x1, x2 = x[..., : d // 2], x[..., d // 2 :]
    return x * cos + torch.cat([-x2, x1], -1) * sin


def attend(x, pos, mask, positions):
    """One self-attention layer, positions by RoPE or by a learned absolute table."""
    if positions == "absolute":
        x = x + pos_table[pos]
    q, k, v = x @ Wq, x @ Wk, x @ Wv
    if positions == "rope":
        q, k = rope(q, pos), rope(k, pos)
    return F.scaled_dot_product_attention(q, k, v, attn_mask=mask)


docs = [torch.randn(n, d) for n in (6, 9, 5)]  # three documents, 20 tokens packed
x = torch.cat(docs)
n = len(x)
doc_id = torch.cat([torch.full((len(t),), i) for i, t in enumerate(docs)])
causal = torch.ones(n, n, dtype=torch.bool).tril()
block = causal & (doc_id[:, None] == doc_id[None, :])  # block-diagonal causal mask
reset = torch.cat([torch.arange(len(t)) for t in docs])  # 0..5, 0..8, 0..4
cont = torch.arange(n)  # positions that run on across the row
two = doc_id == 1  # document 2's tokens in the packed row


def gap(mask, pos, positions):
    alone = attend(docs[1], torch.arange(9), causal[:9, :9], positions)
    diff = (attend(x, pos, mask, positions)[two] - alone).abs().max().item()
    return "<1e-5" if diff < 1e-5 else f"{diff:.3f}"


print(f"{'document 2, max |packed - alone|':36s}   RoPE  absolute")
for name, mask, pos in [
    ("plain causal mask", causal, cont),
    ("block mask, positions run on", block, cont),
    ("block mask, positions reset", block, reset),
]:
    print(f"{name:36s} {gap(mask, pos, 'rope'):>6s}  {gap(mask, pos, 'absolute'):>8s}")
print(f"attended (query, key) pairs across documents, plain causal: "
      f"{(causal & ~block).sum().item()} of {causal.sum().item()}")  # fmt: skip
print(f"next-token targets across a boundary: {len(docs) - 1} of {n - 1}")
# --8<-- [end:masks]

# --8<-- [start:hf]
import torch
from transformers import DataCollatorWithFlattening, LlamaConfig, LlamaForCausalLM

torch.manual_seed(0)
config = LlamaConfig(
    vocab_size=64,
    hidden_size=32,
    intermediate_size=64,
    num_hidden_layers=2,
    num_attention_heads=4,
    num_key_value_heads=2,
    max_position_embeddings=64,
    attn_implementation="sdpa",
)
model = LlamaForCausalLM(config).eval()
eos = 2
docs = [torch.randint(3, 64, (n,)).tolist() + [eos] for n in (5, 8, 4)]
collate = DataCollatorWithFlattening(return_flash_attn_kwargs=True)
packed = collate([{"input_ids": t} for t in docs])
print("input_ids", tuple(packed["input_ids"].shape), "(one row, no padding)")
print("position_ids", packed["position_ids"][0].tolist())
print("cu_seq_lens_q", packed["cu_seq_lens_q"].tolist())
starts = packed["cu_seq_lens_q"][:-1].long()
print("labels at document starts", packed["labels"][0, starts].tolist())

ids, pos = packed["input_ids"], packed["position_ids"]
with torch.no_grad():
    alone = [model(torch.tensor([t])) for t in docs]
    # No attention_mask, no cache: transformers reads the boundaries from position_ids
    runs = {
        "position_ids, use_cache=False": model(ids, position_ids=pos, use_cache=False),
        "position_ids, default use_cache": model(ids, position_ids=pos),
        "position_ids + attention_mask of 1s": model(
            ids, position_ids=pos, attention_mask=torch.ones_like(ids), use_cache=False
        ),
    }
s, e = packed["cu_seq_lens_q"][1:3].tolist()  # document 2's span in the row
print("doc 2 logits, max |packed - alone|")
for name, o in runs.items():
    diff = (o.logits[0, s:e] - alone[1].logits[0]).abs().max().item()
    print(f"  {name:36s} {'<1e-5' if diff < 1e-5 else f'{diff:.3f}'}")

with torch.no_grad():
    # mean next-token loss over all documents run one by one (len - 1 targets each)
    nll = [model(torch.tensor([t]), labels=torch.tensor([t])).loss for t in docs]
    separate = sum(l * (len(t) - 1) for l, t in zip(nll, docs)) / sum(
        len(t) - 1 for t in docs
    )
    kw = {"position_ids": pos, "use_cache": False}
    masked = model(ids, labels=packed["labels"], **kw).loss
    naive = model(ids, labels=ids, **kw).loss
print(f"loss: separate {separate:.3f}, packed with -100 at starts {masked:.3f}, "
      f"packed with labels = input_ids {naive:.3f}")  # fmt: skip
# --8<-- [end:hf]
