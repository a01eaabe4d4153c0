"""Worker for ddp-gradient-bucketing.py: what DDP sends, when, and what it computes."""

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel as DDP

LAYERS, WIDTH, BATCH = 8, 256, 16


def make_model() -> torch.nn.Sequential:
    torch.manual_seed(
        0
    )  # same initial weights everywhere (DDP also broadcasts rank 0's)
    blocks = [[torch.nn.Linear(WIDTH, WIDTH), torch.nn.Tanh()] for _ in range(LAYERS)]
    return torch.nn.Sequential(*[m for b in blocks for m in b])


def global_batch() -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(1)
    return torch.randn(BATCH, WIDTH, generator=g), torch.randn(
        BATCH, WIDTH, generator=g
    )


def run(rank: int, world: int, caps: list) -> dict:
    return {str(cap): train(rank, world, cap) for cap in caps}


def train(rank: int, world: int, bucket_cap_mb: float | None) -> dict:
    x, y = global_batch()
    mine = slice(
        rank * BATCH // world, (rank + 1) * BATCH // world
    )  # this rank's shard
    model = make_model()
    ddp = DDP(model, bucket_cap_mb=bucket_cap_mb)
    events: list[str] = []

    def allreduce_hook(state, bucket):  # DDP calls this when a bucket is full
        buf = bucket.buffer()
        events.append(f"AR{bucket.index()}:{buf.numel() * buf.element_size()}")
        work = dist.all_reduce(buf.div_(world), async_op=True)  # average = sum / N
        return work.get_future().then(lambda fut: fut.value()[0])

    ddp.register_comm_hook(None, allreduce_hook)
    for i, layer in enumerate(
        model[::2]
    ):  # note when each layer's weight grad is ready
        layer.weight.register_post_accumulate_grad_hook(
            lambda p, i=i: events.append(f"G{i}")
        )
    for _ in range(2):  # DDP re-orders its buckets after the first iteration
        events.clear()
        ddp.zero_grad()
        F.mse_loss(ddp(x[mine]), y[mine]).backward()
    order = list(events)

    # The same model on one process with the whole batch.
    single = make_model()
    F.mse_loss(single(x), y).backward()
    same_as_single = all(
        torch.allclose(p.grad, q.grad, atol=1e-6)
        for p, q in zip(model.parameters(), single.parameters())
    )

    # Gradient accumulation: no all-reduce inside no_sync(), one round at the end.
    ddp.zero_grad()
    events.clear()
    with ddp.no_sync():
        for _ in range(3):
            F.mse_loss(ddp(x[mine]), y[mine]).backward()
    during = sum(e.startswith("AR") for e in events)
    F.mse_loss(ddp(x[mine]), y[mine]).backward()
    after = sum(e.startswith("AR") for e in events) - during
    return {
        "order": order,
        "same_as_single": same_as_single,
        "no_sync": [during, after],
        "param_bytes": sum(p.numel() * p.element_size() for p in model.parameters()),
    }
