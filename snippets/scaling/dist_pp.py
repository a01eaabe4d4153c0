"""Worker for pipeline-parallelism.py: a 2-stage pipeline with GPipe and 1F1B schedules,
checked against the unsplit model."""

import torch
import torch.distributed as dist
import torch.nn.functional as F

WIDTH, BATCH = 32, 8


def make_model() -> torch.nn.Sequential:
    torch.manual_seed(0)
    layers = [[torch.nn.Linear(WIDTH, WIDTH), torch.nn.Tanh()] for _ in range(4)]
    return torch.nn.Sequential(*[m for pair in layers for m in pair])


def schedule(kind: str, stage: int, p: int, m: int) -> list[tuple[str, int]]:
    """The order in which one stage runs forward (F) and backward (B) micro-batches."""
    if kind == "GPipe":  # all forwards, then all backwards
        return [("F", i) for i in range(m)] + [("B", i) for i in range(m)]
    warm = min(p - stage - 1, m)  # 1F1B: warm up, then alternate, then drain
    ops, f, b = [("F", i) for i in range(warm)], warm, 0
    while f < m:
        ops += [("F", f), ("B", b)]
        f, b = f + 1, b + 1
    return ops + [("B", i) for i in range(b, m)]


def run(rank: int, world: int, m: int) -> dict:
    g = torch.Generator().manual_seed(1)
    x, y = (
        torch.randn(BATCH, WIDTH, generator=g),
        torch.randn(BATCH, WIDTH, generator=g),
    )
    full = make_model()
    F.mse_loss(full(x), y).backward()  # reference gradients, one process, whole batch
    per_stage = len(full) // world
    out = {}
    for kind in ["GPipe", "1F1B"]:
        stage = make_model()[rank * per_stage : (rank + 1) * per_stage]
        xs, ys = x.chunk(m), y.chunk(m)
        stored, peak, sends = {}, 0, []
        first, last = rank == 0, rank == world - 1
        for op, i in schedule(kind, rank, world, m):
            if op == "F":
                if first:
                    inp = xs[i]
                else:
                    inp = torch.empty(BATCH // m, WIDTH)
                    dist.recv(inp, rank - 1)  # activation from the previous stage
                    inp.requires_grad_()
                out_i = stage(inp)
                if last:
                    out_i = F.mse_loss(out_i, ys[i]) / m  # mean over the whole batch
                else:
                    sends.append(dist.isend(out_i.detach(), rank + 1))
                stored[i] = (inp, out_i)  # activations kept until this backward
                peak = max(peak, len(stored))
            else:
                inp, out_i = stored.pop(i)
                if last:
                    out_i.backward()
                else:
                    grad = torch.empty_like(out_i)
                    dist.recv(grad, rank + 1)  # gradient from the next stage
                    out_i.backward(grad)
                if not first:
                    sends.append(dist.isend(inp.grad, rank - 1))
        for s in sends:
            s.wait()
        reference = full[rank * per_stage : (rank + 1) * per_stage]
        same = all(
            torch.allclose(p.grad, q.grad, atol=1e-6)
            for p, q in zip(stage.parameters(), reference.parameters())
        )
        ops = " ".join(f"{o}{i}" for o, i in schedule(kind, rank, world, m))
        out[kind] = {"same_grads": same, "peak": peak, "ops": ops}
    return out
