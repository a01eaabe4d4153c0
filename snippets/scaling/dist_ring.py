"""Worker for ring-all-reduce.py: a ring all-reduce built from point-to-point sends.

Every rank runs `run` (launcher.py starts the processes and joins the gloo group).
"""

import torch
import torch.distributed as dist


def ring_all_reduce(x: torch.Tensor) -> int:
    """Sum `x` over all ranks in place, as NCCL's ring does; return the bytes sent."""
    rank, n = dist.get_rank(), dist.get_world_size()
    assert x.numel() % n == 0
    chunks = x.view(n, -1)  # chunk c is a view of x
    right, left = (rank + 1) % n, (rank - 1) % n
    incoming = torch.empty_like(chunks[0])
    sent = 0
    # Reduce-scatter: at step s, pass chunk (rank - s) to the right and add what arrives
    # from the left. After n - 1 steps, rank r holds the full sum of chunk (r + 1) % n.
    for s in range(n - 1):
        out, into = (rank - s) % n, (rank - s - 1) % n
        request = dist.isend(chunks[out].clone(), right)
        dist.recv(incoming, left)
        request.wait()
        chunks[into] += incoming
        sent += chunks[out].numel() * x.element_size()
    # All-gather: pass the finished chunks around the ring, n - 1 more steps.
    for s in range(n - 1):
        out, into = (rank - s + 1) % n, (rank - s) % n
        request = dist.isend(chunks[out].clone(), right)
        dist.recv(incoming, left)
        request.wait()
        chunks[into] = incoming
        sent += chunks[out].numel() * x.element_size()
    return sent


def run(rank: int, world: int, numel: int) -> dict:
    torch.manual_seed(rank)
    grad = torch.randn(numel)  # this rank's gradient
    mine = grad.clone()
    sent = ring_all_reduce(mine)
    reference = grad.clone()
    dist.all_reduce(reference)  # the library's all-reduce (gloo here, NCCL on GPUs)
    return {
        "equal": torch.allclose(mine, reference, atol=1e-5),
        "sent": sent,
        "size": grad.numel() * grad.element_size(),
    }
