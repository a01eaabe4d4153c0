"""Worker for expert-parallelism.py: a top-1 MoE layer whose experts are split across
ranks, with all-to-all dispatch and combine (fixed capacity, and dropless)."""

import math

import torch
import torch.distributed as dist
import torch.nn.functional as F

DIM, HIDDEN, EXPERTS = 32, 64, 4
# A router that prefers expert 0: the imbalance a badly balanced router produces
SKEW = torch.tensor([1.2, 0.4, 0.0, -0.4])


def make_weights():
    # the same router and experts on every rank
    torch.manual_seed(0)
    router = torch.randn(DIM, EXPERTS) / math.sqrt(DIM)
    w1 = torch.randn(EXPERTS, DIM, HIDDEN) / math.sqrt(DIM)
    w2 = torch.randn(EXPERTS, HIDDEN, DIM) / math.sqrt(HIDDEN)
    return router, w1, w2


def ffn(x, w1, w2, e):
    return F.gelu(x @ w1[e]) @ w2[e]


def route(x, router, bias):
    """Top-1 expert and gate; the bias changes which expert wins, not the gate."""
    probs = torch.softmax(x @ router + SKEW, dim=-1)
    expert = (probs + bias).argmax(-1)
    return expert, probs.gather(1, expert[:, None])[:, 0]


def queue_position(expert):
    """How many earlier tokens of this rank chose the same expert."""
    onehot = F.one_hot(expert, EXPERTS)
    return (onehot.cumsum(0) * onehot).sum(1) - 1


def moe_capacity(x, expert, gate, w1, w2, capacity, world):
    """Fixed [experts, capacity, dim] buffers: one equal-split all-to-all each way."""
    rank, local = dist.get_rank(), EXPERTS // world
    # expert e lives on rank e // local; tokens beyond the capacity are dropped
    slot = queue_position(expert)
    keep = slot < capacity
    send = torch.zeros(EXPERTS, capacity, DIM)
    send[expert[keep], slot[keep]] = x[keep]
    # dispatch: receive [source rank, my experts, capacity, dim]
    recv = torch.empty_like(send)
    dist.all_to_all_single(recv, send)
    recv = recv.view(world, local, capacity, DIM)
    done = [ffn(recv[:, j], w1, w2, rank * local + j) for j in range(local)]
    # combine: the results go back to the ranks that own the tokens
    back = torch.empty_like(send)
    dist.all_to_all_single(back, torch.stack(done, 1).reshape(send.shape))
    out = torch.zeros_like(x)
    out[keep] = back[expert[keep], slot[keep]] * gate[keep, None]
    # bytes sent to other ranks, both ways (the slice for this rank stays local)
    sent = 2 * send.numel() * send.element_size() * (world - 1) // world
    return out, keep, sent


def moe_dropless(x, expert, gate, w1, w2, world):
    """Send exactly the routed tokens: exchange counts, then uneven all-to-alls."""
    rank, local = dist.get_rank(), EXPERTS // world
    # sorting by expert also sorts by the rank that owns the expert
    order = expert.argsort(stable=True)
    counts = torch.bincount(expert, minlength=EXPERTS)
    # every rank learns how many tokens it gets from each source for each expert
    recv_counts = torch.empty_like(counts)
    dist.all_to_all_single(recv_counts, counts)
    send_rows = counts.view(world, local).sum(1).tolist()
    recv_rows = recv_counts.view(world, local).sum(1).tolist()
    recv = torch.empty(sum(recv_rows), DIM)
    dist.all_to_all_single(recv, x[order], recv_rows, send_rows)
    # blocks arrive ordered by source rank, then by expert
    done, start = torch.empty_like(recv), 0
    for i, n in enumerate(recv_counts.tolist()):
        e = rank * local + i % local
        done[start : start + n] = ffn(recv[start : start + n], w1, w2, e)
        start += n
    back = torch.empty(len(x), DIM)
    dist.all_to_all_single(back, done, send_rows, recv_rows)
    out = torch.empty_like(x)
    out[order] = back
    rows = sum(send_rows) - send_rows[rank] + sum(recv_rows) - recv_rows[rank]
    sent = rows * DIM * x.element_size() + counts.numel() * counts.element_size()
    return out * gate[:, None], sent, sum(recv_rows)


def reference(x, expert, gate, keep, w1, w2):
    """The same layer in one process, all experts local, same dropped tokens."""
    out = torch.zeros_like(x)
    for e in range(EXPERTS):
        rows = (expert == e) & keep
        out[rows] = ffn(x[rows], w1, w2, e) * gate[rows, None]
    return out


def global_counts(expert, keep=None):
    chosen = expert if keep is None else expert[keep]
    counts = torch.bincount(chosen, minlength=EXPERTS)
    dist.all_reduce(counts)
    return counts


def run(rank: int, world: int, tokens: int, factors: list, steps: int, gamma: float):
    router, w1, w2 = make_weights()
    # each rank routes its own tokens (expert parallelism inside data parallelism)
    torch.manual_seed(1 + rank)
    x = torch.randn(tokens, DIM)
    expert, gate = route(x, router, torch.zeros(EXPERTS))
    result = {"per_expert": global_counts(expert).tolist(), "capacity": []}
    for cf in factors:
        capacity = math.ceil(cf * tokens / EXPERTS)
        out, keep, sent = moe_capacity(x, expert, gate, w1, w2, capacity, world)
        kept = int(global_counts(expert, keep).sum())
        ref = reference(x, expert, gate, keep, w1, w2)
        result["capacity"].append(
            {
                "cf": cf,
                "capacity": capacity,
                "dropped": world * tokens - kept,
                "padding": 1 - kept / (world * EXPERTS * capacity),
                "sent": sent,
                "correct": torch.allclose(out, ref, atol=1e-5),
            }
        )
    out, sent, work = moe_dropless(x, expert, gate, w1, w2, world)
    ref = reference(x, expert, gate, torch.ones(tokens, dtype=torch.bool), w1, w2)
    correct = torch.allclose(out, ref, atol=1e-5)
    result["dropless"] = {"sent": sent, "correct": correct, "work": work}

    # Auxiliary-loss-free balancing (DeepSeek-V3): after each step, lower the bias of
    # experts that got more than the mean load over the whole batch, raise the others.
    bias = torch.zeros(EXPERTS)
    for step in range(steps):
        torch.manual_seed(1000 * (step + 1) + rank)
        load = global_counts(route(torch.randn(tokens, DIM), router, bias)[0])
        bias -= gamma * torch.sign(load.float() - load.float().mean())
    expert = route(x, router, bias)[0]
    keep = queue_position(expert) < math.ceil(factors[0] * tokens / EXPERTS)
    result["balanced"] = {
        "per_expert": global_counts(expert).tolist(),
        "dropped": int(world * tokens - global_counts(expert, keep).sum()),
    }
    return result
