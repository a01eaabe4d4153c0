import sys
from pathlib import Path

import torch
import torch.nn.functional as F
from transformers import DynamicCache

sys.path.insert(0, "snippets/transformers")
import transformers_llm  # noqa: E402  SmolLM2-135M-Instruct, float32, eager attention

torch.manual_seed(0)
# Eager attention returns the attention weights that the eviction policies score.
tok, model = transformers_llm.load()
cfg = model.config
LAYERS, KV_HEADS, Q_HEADS = (
    cfg.num_hidden_layers,
    cfg.num_key_value_heads,
    cfg.num_attention_heads,
)
HEAD_DIM = cfg.hidden_size // Q_HEADS
GROUP = Q_HEADS // KV_HEADS  # query heads sharing one KV head (GQA)

per_token = 2 * LAYERS * KV_HEADS * HEAD_DIM * 2  # K and V, 2 bytes each in bf16
weights_mb = 2 * sum(p.numel() for p in model.parameters()) / 1e6
print(
    f"KV cache per token: 2 x {LAYERS} layers x {KV_HEADS} KV heads x {HEAD_DIM} dims"
    f" x 2 bytes = {per_token:,} bytes"
)
print(
    f"one 8,192-token sequence: {per_token * 8192 / 1e6:.0f} MB;"
    f" the bf16 weights: {weights_mb:.0f} MB"
)
print(f"with one KV head per query head ({Q_HEADS}, no GQA): {GROUP}x the cache")

# Four prompts: a policy document with a pass key planted after its first
# paragraph, then the question, and the start of the answer.
DOCS = {
    "vacation-policy": "48213",
    "parental-leave": "90526",
    "remote-work": "31784",
    "on-call": "67049",
}
SINKS, WINDOW = 4, 16  # StreamingLLM sink tokens; SnapKV observation window


def probe(doc, key):
    paragraphs = Path(f"data/rag/docs/{doc}.md").read_text().strip().split("\n\n")
    paragraphs.insert(2, f"The pass key is {key}. Remember it.")
    message = "Read the document, then answer the question.\n\n"
    message += "\n\n".join(paragraphs) + "\n\nSPLIT"
    chat = tok.apply_chat_template(
        [{"role": "user", "content": message}],
        add_generation_prompt=True,
        tokenize=False,
    )
    context, rest = chat.split("SPLIT")
    question = "Question: What is the pass key?" + rest + "The pass key is "
    answer = f"{key}.<|im_end|>"
    return [
        tok.encode(t, add_special_tokens=False) for t in (context, question, answer)
    ]


# --- quantisation, simulated: quantise, then de-quantise back to float32 ---
def min_max(x, bits, dim):
    low, high = x.amin(dim, keepdim=True), x.amax(dim, keepdim=True)
    step = (high - low).clamp_min(1e-8) / (2**bits - 1)
    return torch.round((x - low) / step) * step + low


def per_token(x, bits):
    # one scale and zero point per token and head (over its 64 dims)
    return min_max(x, bits, -1)


def per_channel(x, bits, block=32):
    # one scale and zero point per channel and head, per block of 32 tokens
    return torch.cat([min_max(b, bits, -2) for b in x.split(block, -2)], -2)


def fp8(x):
    # E4M3 with one scale per tensor (layer), as in vLLM's per-tensor FP8 cache
    scale = x.abs().amax() / 448
    return (x / scale).to(torch.float8_e4m3fn).float() * scale


def quantise(x, spec):
    """spec: None (kept in full), "fp8", or (axis, bits) with axis token/channel."""
    if spec is None:
        return x
    if spec == "fp8":
        return fp8(x)
    axis, bits = spec
    return per_token(x, bits) if axis == "token" else per_channel(x, bits)


def bits_stored(spec):
    # the scale and zero point are two fp16 numbers per group of 64 or 32 values
    if spec is None:
        return 16
    if spec == "fp8":
        return 8
    axis, bits = spec
    return bits + (32 / 64 if axis == "token" else 32 / 32)


QUANT = {  # name: (how keys are stored, how values are stored)
    "full cache": (None, None),
    "fp8 E4M3, per tensor": ("fp8", "fp8"),
    "int8 per token": (("token", 8), ("token", 8)),
    "int8 per channel": (("channel", 8), ("channel", 8)),
    "int4 per token": (("token", 4), ("token", 4)),
    "int4 per channel": (("channel", 4), ("channel", 4)),
    "int4 K/channel V/token": (("channel", 4), ("token", 4)),
    "int2 K/channel V/token": (("channel", 2), ("token", 2)),
    "int4 keys only, /token": (("token", 4), None),
    "int4 values only, /token": (None, ("token", 4)),
}


# --- eviction: which positions each (layer, KV head) keeps, from the prefill ---
def keep(policy, attention, n, budget, generator):
    """Indices (KV_HEADS, budget) per layer; attention holds the prefill's weights,
    (Q_HEADS, queries, keys) per layer, of which the first n positions are cached."""
    kept = []
    for weights in attention:
        a = weights[0, :, :n, :n]
        recent = torch.arange(n - budget, n).expand(KV_HEADS, -1)
        if policy == "recent window":
            idx = recent
        elif policy == "4 sinks + window":
            idx = torch.cat(
                [torch.arange(SINKS).expand(KV_HEADS, -1), recent[:, SINKS:]], 1
            )
        elif policy == "H2O (half heavy hitters)":
            # attention each key received, summed over every query and the group
            score = a.sum(1).view(KV_HEADS, GROUP, n).sum(1)
            half = budget // 2
            heavy = score[:, : n - half].topk(budget - half).indices
            idx = torch.cat([heavy, recent[:, budget - half :]], 1)
        elif policy == "SnapKV":
            # attention from the last WINDOW queries only, smoothed over neighbours
            score = a[:, n - WINDOW :, : n - WINDOW].sum(1).view(KV_HEADS, GROUP, -1)
            score = F.avg_pool1d(score.sum(1)[:, None], 5, stride=1, padding=2)[:, 0]
            top = score.topk(budget - WINDOW).indices
            idx = torch.cat([top, recent[:, budget - WINDOW :]], 1)
        else:  # random
            idx = torch.stack(
                [
                    torch.randperm(n, generator=generator)[:budget]
                    for _ in range(KV_HEADS)
                ]
            )
        kept.append(idx.sort(1).values)
    return kept


def evict(cache, kept):
    out = []
    for (k, v), idx in zip(cache, kept):
        gather = idx[None, :, :, None].expand(1, -1, -1, HEAD_DIM)
        out.append((k.gather(2, gather), v.gather(2, gather)))
    return out


def score(caches, tokens, start):
    """Log-probabilities after each of `tokens`, fed at positions start, start+1...
    on top of each cache in `caches` (a batch of per-layer (K, V) of equal length);
    positions are the original ones, so RoPE sees the true distances."""
    cache = DynamicCache()
    for layer in range(LAYERS):
        k = torch.cat([c[layer][0] for c in caches])
        v = torch.cat([c[layer][1] for c in caches])
        cache.update(k, v, layer)
    rows, cached, n = len(caches), caches[0][0][0].shape[2], len(tokens)
    mask = torch.zeros(n, cached + n)
    mask[:, cached:] = torch.full((n, n), torch.finfo(torch.float32).min).triu(1)
    with torch.no_grad():
        logits = model(
            torch.tensor([tokens] * rows),
            past_key_values=cache,
            attention_mask=mask.expand(rows, 1, n, cached + n),
            position_ids=torch.arange(start, start + n).expand(rows, -1),
        ).logits
    return torch.log_softmax(logits.double(), -1)


POLICIES = ["recent window", "4 sinks + window", "H2O (half heavy hitters)"]
POLICIES += ["SnapKV", "random"]
BUDGETS = (0.5, 0.25)
generator = torch.Generator().manual_seed(0)
stats, after, lengths, full_correct = {}, {}, [], True
for doc, key in DOCS.items():
    context, question, answer = probe(doc, key)
    prompt = context + question
    with torch.no_grad():
        out = model(torch.tensor([prompt]), output_attentions=True)
    # The last prompt token is recomputed on top of the (compressed) cache of the
    # others, so that the first answer token already sees the compression.
    n = len(prompt) - 1
    lengths.append(len(prompt))
    cache = [
        (layer.keys[:, :, :n], layer.values[:, :, :n])
        for layer in out.past_key_values.layers
    ]
    variants = {
        name: [(quantise(k, sk), quantise(v, sv)) for k, v in cache]
        for name, (sk, sv) in QUANT.items()
    }
    logp = score(list(variants.values()), prompt[-1:] + answer[:-1], n)
    names = list(variants)
    for frac in BUDGETS:
        budget = round(frac * n)
        evicted = [
            evict(cache, keep(p, out.attentions, n, budget, generator))
            for p in POLICIES
        ]
        logp = torch.cat([logp, score(evicted, prompt[-1:] + answer[:-1], n)])
        names += [f"{p}|{frac}" for p in POLICIES]
        # question-agnostic: compress the document's cache before the question exists
        c = len(context)
        budget = round(frac * c)
        ctx = [(k[:, :, :c], v[:, :, :c]) for k, v in cache]
        evicted = [
            evict(ctx, keep(p, out.attentions, c, budget, generator)) for p in POLICIES
        ]
        late = score(evicted, question + answer[:-1], c)[:, len(question) - 1 :]
        for p, row in zip(POLICIES, late):
            found = bool((row[:5].argmax(-1) == torch.tensor(answer[:5])).all())
            after.setdefault(f"{p}|{frac}", []).append(found)
    full_top = logp[0].argmax(-1)
    full_correct &= full_top.tolist() == answer
    digits = torch.tensor(answer[:5])
    for name, row in zip(names, logp):
        kl = (logp[0, 0].exp() * (logp[0, 0] - row[0])).sum().item()
        agree = (row.argmax(-1) == full_top).double().mean().item()
        found = bool((row[:5].argmax(-1) == digits).all())
        key_logp = row[torch.arange(5), digits].sum().item()
        stats.setdefault(name, []).append((kl, agree, found, key_logp))

shortest, longest = min(lengths), max(lengths)
print(
    f"{len(DOCS)} prompts of {shortest}-{longest} tokens, key after the first paragraph"
)
print(f"the full cache answers every key exactly: {full_correct}")
print("KL at the first digit; top-1 agreement with the full cache over the 7 answer")
print("tokens; found: all 5 digits top-1 (of 4 prompts); log p of the 5 digits")
COLUMNS = f"{'memory':>6}{'KL':>7}{'top-1':>7}{'found':>6}{'log p':>8}"


def summary(name):
    rows = stats[name]
    kl, agree, _, key_logp = (sum(col) / len(rows) for col in zip(*rows))
    found = sum(r[2] for r in rows)
    return f"{kl:7.2f}{agree:7.2f}{found:6d}{key_logp:8.2f}"


print(f"{'quantised (simulated)':<25}{COLUMNS}")
for name, (sk, sv) in QUANT.items():
    memory = (bits_stored(sk) + bits_stored(sv)) / 32
    print(f"{name:<25}{memory:6.2f}{summary(name)}")
print(f"{'evicted':<25}{COLUMNS}  found if asked after")
for frac in BUDGETS:
    for p in POLICIES:
        print(
            f"{p:<25}{frac:6.2f}{summary(f'{p}|{frac}')}  {sum(after[f'{p}|{frac}'])}"
        )
