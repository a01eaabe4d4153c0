"""Worker for sequence-context-parallelism.py: ring attention over a sequence split
across ranks, and Megatron sequence parallelism's reduce-scatter + all-gather."""

import math

import torch
import torch.distributed as dist
import torch.nn.functional as F

SEQ, DIM = 64, 16


def ring_attention(q, k, v, rank: int, n: int) -> tuple[torch.Tensor, int, int]:
    """Causal attention for this rank's queries; K/V chunks travel around the ring."""
    c = q.shape[0]
    m = torch.full((c, 1), -math.inf)  # running max of the scores, per query
    denom = torch.zeros(c, 1)  # running softmax denominator
    acc = torch.zeros_like(q)  # running unnormalised output
    kv, src, sent, scores = torch.stack([k, v]), rank, 0, 0
    for step in range(n):
        if step < n - 1:  # start passing our current K/V block to the right
            incoming = torch.empty_like(kv)
            reqs = [
                dist.isend(kv, (rank + 1) % n),
                dist.irecv(incoming, (rank - 1) % n),
            ]
            sent += kv.numel() * kv.element_size()
        if src <= rank:  # causal: K/V chunks from later positions are fully masked
            s = q @ kv[0].T / math.sqrt(q.shape[1])
            if src == rank:  # the diagonal block needs the causal mask inside it
                s = s.masked_fill(torch.ones(c, c).triu(1).bool(), -math.inf)
            scores += int(torch.isfinite(s).sum())
            m_new = torch.maximum(m, s.max(dim=1, keepdim=True).values)
            p = torch.exp(s - m_new)
            rescale = torch.exp(m - m_new)  # online softmax, as in FlashAttention
            denom = denom * rescale + p.sum(dim=1, keepdim=True)
            acc = acc * rescale + p @ kv[1]
            m = m_new
        if step < n - 1:
            for r in reqs:
                r.wait()
            kv, src = incoming, (src - 1) % n
    return acc / denom, sent, scores


def run(rank: int, world: int) -> dict:
    torch.manual_seed(0)
    q, k, v = torch.randn(3, SEQ, DIM)  # the full sequence, to check against
    full = F.scaled_dot_product_attention(q[None], k[None], v[None], is_causal=True)[0]
    mine = slice(rank * SEQ // world, (rank + 1) * SEQ // world)
    out, sent, scores = ring_attention(q[mine], k[mine], v[mine], rank, world)

    # Megatron sequence parallelism: the all-reduce after a row-parallel layer becomes a
    # reduce-scatter (each rank keeps its sequence shard for LayerNorm and dropout)
    # followed by an all-gather before the next column-parallel layer.
    torch.manual_seed(10 + rank)
    partial = torch.randn(SEQ, DIM)  # this rank's partial sum of a layer's output
    reduced = partial.clone()
    dist.all_reduce(reduced)
    shard = torch.empty(SEQ // world, DIM)
    dist.reduce_scatter_tensor(shard, partial)  # sum, keep SEQ/world rows
    normed = F.layer_norm(shard, (DIM,))  # LayerNorm on the shard only
    gathered = torch.empty(SEQ, DIM)
    dist.all_gather_into_tensor(gathered, normed)
    return {
        "ring_equal": torch.allclose(out, full[mine], atol=1e-5),
        "kv_bytes_sent": sent,
        "kv_bytes_chunk": 2 * (SEQ // world) * DIM * 4,
        "scores": scores,
        "sp_equal": torch.allclose(gathered, F.layer_norm(reduced, (DIM,)), atol=1e-5),
        "norm_rows": shard.shape[0],
    }
