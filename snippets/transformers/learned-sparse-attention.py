import sys

import torch
from sklearn.datasets import load_digits, load_iris
from transformers.models.llama.modeling_llama import apply_rotary_pos_emb

sys.path.insert(0, "snippets/transformers")
import transformers_llm  # SmolLM2-135M-Instruct, loaded once per process

tok, model = transformers_llm.load()
text = load_digits().DESCR + "\n" + load_iris().DESCR
ids = tok(text, return_tensors="pt").input_ids[:, :512]

# Record every layer's queries, keys and values after RoPE, as attention sees them.
qkv = {}


def record(attn, args, kwargs):
    h, (cos, sin) = kwargs["hidden_states"], kwargs["position_embeddings"]
    shape = (*h.shape[:-1], -1, attn.head_dim)
    q, k, v = (
        proj(h).view(shape).transpose(1, 2)
        for proj in (attn.q_proj, attn.k_proj, attn.v_proj)
    )
    q, k = apply_rotary_pos_emb(q, k, cos, sin)
    group = q.shape[1] // k.shape[1]  # query heads per K/V head (GQA: 9 and 3)
    qkv[attn.layer_idx] = (
        q[0],
        k[0].repeat_interleave(group, 0),
        v[0].repeat_interleave(group, 0),
        group,
    )


hooks = [
    block.self_attn.register_forward_pre_hook(record, with_kwargs=True)
    for block in model.model.layers
]
# The model is shared by every example in this process: take the hooks off afterwards.
try:
    with torch.no_grad():
        out = model(ids, output_attentions=True)
finally:
    for hook in hooks:
        hook.remove()

q, k, v, group = qkv[5]
H, T, d = q.shape
causal = torch.ones(T, T, dtype=torch.bool).tril()
dense = (q @ k.mT / d**0.5).masked_fill(~causal, -torch.inf).softmax(-1)
same = torch.allclose(dense, out.attentions[5][0], atol=1e-5)
print(f"recomputed attention matches the model's: {same}")

# Every method keeps the same budget: 8 blocks of 8 keys, 64 of the cached keys.
B, budget = 8, 64
gen = torch.Generator().manual_seed(0)
results, sink_picked = {}, []
for layer, (q, k, v, group) in qkv.items():
    # decode-like queries: the last token of each block, from position 255 on
    for t in range(255, T, B):
        n = t + 1
        nb = n // B
        s = (k[:, :n] @ q[:, t, :, None])[..., 0] / d**0.5  # (H, n) scores
        p = s.softmax(-1)  # dense attention weights of query t
        o = (p[:, None] @ v[:, :n])[:, 0]  # dense output, (H, d)
        # Selection scores: the query against each block's mean-pooled key, as a
        # softmax over blocks; NSA sums them over the heads sharing a K/V head.
        mean_k = k[:, :n].reshape(H, nb, B, d).mean(2)
        block_score = (mean_k @ q[:, t, :, None])[..., 0] / d**0.5
        shared = block_score.softmax(-1).view(H // group, group, nb).sum(1)
        shared = shared.repeat_interleave(group, 0)
        # NSA always takes the first block and the 2 most recent, then the top 5
        shared[:, [0, nb - 2, nb - 1]] = torch.inf
        # BigBird-style: 2 global blocks, 3 window blocks, 3 random blocks
        rand = torch.rand(H, nb - 5, generator=gen).argsort(-1)[:, :3] + 2
        fixed = torch.tensor([0, 1, nb - 3, nb - 2, nb - 1]).expand(H, -1)
        picks = {
            "sliding window": torch.arange(nb - 8, nb).expand(H, -1),
            "BigBird-style": torch.cat([fixed, rand], 1),
            "top-8 blocks, mean keys": block_score.topk(8, -1).indices,
            "NSA-style selection": shared.topk(8, -1).indices,
            "oracle top-8 blocks": p.view(H, nb, B).sum(-1).topk(8, -1).indices,
        }
        sink_picked.append((picks["top-8 blocks, mean keys"] == 0).any(-1))
        keeps = {
            name: torch.zeros(H, nb, dtype=torch.bool)
            .scatter(1, blocks, True)
            .repeat_interleave(B, 1)
            for name, blocks in picks.items()
        }
        # a perfect token-level indexer (what DSA's lightning indexer approximates)
        top = p.topk(budget, -1).indices
        keeps["oracle top-64 tokens"] = torch.zeros(H, n, dtype=torch.bool).scatter(
            1, top, True
        )
        for name, keep in keeps.items():
            assert (keep.sum(-1) == budget).all()
            p_sparse = s.masked_fill(~keep, -torch.inf).softmax(-1)
            o_sparse = (p_sparse[:, None] @ v[:, :n])[:, 0]
            mass = (p * keep).sum(-1)  # share of dense attention on the kept keys
            err = (o_sparse - o).norm(dim=-1) / o.norm(dim=-1)
            results.setdefault(name, {}).setdefault(layer, []).append(
                torch.stack([mass, err])
            )

n_queries = len(range(255, T, B))
print(f"{len(qkv)} layers x {H} heads x {n_queries} decode positions, 256-512 keys")
print(f"each method keeps {budget} keys; error = relative error of attention output")
print(f"{'method':<26}{'mass kept':>10}{'mean err':>10}{'median err':>12}")
per_layer = {}
for name, by_layer in results.items():
    rows = {layer: torch.cat(r, 1) for layer, r in by_layer.items()}
    per_layer[name] = torch.stack([r[0].mean() for r in rows.values()])
    mass, err = torch.cat(list(rows.values()), 1)
    print(f"{name:<26}{mass.mean():>10.3f}{err.mean():>10.3f}{err.median():>12.3f}")

wins = (per_layer["NSA-style selection"] > per_layer["BigBird-style"]).sum()
print(f"NSA-style keeps more mass than BigBird-style in {wins} of {len(qkv)} layers")
share = torch.cat(sink_picked).float().mean()
print(f"top-8 by mean keys picks block 0 (the sink) in {share:.0%} of head-queries")
